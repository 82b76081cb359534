"""The serialization `backup` writes: Django's JSON Lines, with times to the microsecond.

Django's JSON encoder cuts datetimes and times to milliseconds (ECMA-262), so a restored row would differ from the
original; full ISO 8601 reads back through the same fields unchanged. Registered as the format `backup_jsonl`.
"""
import datetime

from django.core.serializers import jsonl
from django.core.serializers.json import DjangoJSONEncoder


class ExactEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


class Serializer(jsonl.Serializer):
    def _init_options(self):
        self.options.setdefault("cls", ExactEncoder)
        super()._init_options()


Deserializer = jsonl.Deserializer
