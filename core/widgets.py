"""Form widgets shared by every app."""
from django import forms


class IsoDateInput(forms.DateInput):
    """The browser's date picker, which reads and writes ISO dates whatever the page's language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")
