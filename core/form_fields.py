"""Form fields shared by the apps."""
from django import forms
from django.core.exceptions import ValidationError
from django.db import connections


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, refusing an id beyond the database's integer range as an invalid choice.

    Django guards `pk=<huge>` but not the `pk__in` this field queries with: SQLite raises OverflowError and
    PostgreSQL a DataError, a server error for a posted value (found by tests/security/test_fuzz_forms.py).
    """

    def _check_values(self, value):
        field = self.queryset.model._meta.get_field(self.to_field_name) if self.to_field_name \
            else self.queryset.model._meta.pk
        connection = connections[self.queryset.db]
        if field.get_internal_type() in connection.ops.integer_field_ranges:
            low, high = connection.ops.integer_field_range(field.get_internal_type())
            for pk in value:
                try:
                    out_of_range = not low <= int(str(pk).strip()) <= high
                except ValueError:
                    continue  # Django's own check names it
                if out_of_range:
                    raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                          params={"pk": pk})
        return super()._check_values(value)
