"""`manage.py reencrypt_personal_data`: every encrypted value written again under the first key of
FIELD_ENCRYPTION_KEYS, and every blind index computed again under FIELD_INDEX_KEY.

Rotating a key (README "Personal data"): put the new key first in FIELD_ENCRYPTION_KEYS (keep the old one after it),
restart, run this command, then drop the old key. A changed FIELD_INDEX_KEY needs this command too, before any
lookup by identity number. Rows are rewritten in chunks, each in its own transaction, so it can run while the
system is in use and be run again after an interruption.
"""
from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from core import encryption
from core.personal_fields import BlindIndexField, Decrypted, encrypted_fields

CHUNK = 500


def _index_fields(model):
    return [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]


def reencrypt_model(model):
    """Rewrites one model's encrypted columns and blind indexes; returns how many rows it touched."""
    fields, indexes = encrypted_fields(model), _index_fields(model)
    names = [f.attname for f in fields]
    manager = model._base_manager
    pks = list(manager.order_by("pk").values_list("pk", flat=True))
    touched = 0
    for start in range(0, len(pks), CHUNK):
        with transaction.atomic():
            chunk = manager.filter(pk__in=pks[start:start + CHUNK]).select_for_update()
            rows = chunk.values_list("pk", *names)
            stored_indexes = {pk: values for pk, *values in chunk.values_list("pk", *(i.attname for i in indexes))}
            for pk, *values in rows:
                changes = {}
                plain = dict(zip(names, values))
                for name, value in plain.items():
                    if value:
                        token = encryption.rotate(value.token)
                        if token != value.token:
                            changes[name] = Decrypted(str(value), token)
                for index, stored in zip(indexes, stored_indexes.get(pk, ())):
                    source = model._meta.get_field(index.source)
                    value = plain[source.attname]
                    fresh = index.index_of(source.normalize(value) if value else "")
                    if fresh != stored:
                        changes[index.attname] = fresh
                if changes:
                    # update(), not save(): no signal, no auto_now, nothing but these columns changes.
                    manager.filter(pk=pk).update(**changes)
                    touched += 1
    return touched


class Command(BaseCommand):
    help = "用 FIELD_ENCRYPTION_KEYS 的第一个密钥重新加密全部个人信息，并按 FIELD_INDEX_KEY 重算查找索引（轮换密钥后运行）。"

    def handle(self, *args, verbosity=1, **options):
        total = 0
        for model in apps.get_models():
            if model._meta.proxy or not encrypted_fields(model):
                continue
            count = reencrypt_model(model)
            total += count
            if verbosity:
                self.stdout.write(f"{model._meta.label}: {count}")
        if verbosity:
            self.stdout.write(_("已重新加密 %(n)d 行。") % {"n": total})
