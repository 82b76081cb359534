"""POST data the pages' own forms would send, built from the forms themselves."""
import datetime

from django.core.files.uploadedfile import SimpleUploadedFile


def pdf(name="证明材料.pdf"):
    """A small real PDF, accepted by the content check of core.uploads."""
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")


def _plain(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if value is None:
        return ""
    return value


def form_data(form, prefix=None):
    """What the unbound `form` would post as it is shown: its initial values, in the browser's encoding."""
    data = {}
    for bound in form:
        value = bound.value()
        if isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
            continue
        if isinstance(value, (list, tuple)):
            data[bound.html_name] = [_plain(v) for v in value]
        else:
            data[bound.html_name] = _plain(value)
    return data


def formset_data(formset):
    """A formset's management form and every row, as shown."""
    data = {f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()}
    for form in formset.forms:
        data.update(form_data(form))
    return data
