"""Files sent to a user: always as a download, never sniffed into something else, never cached on the way."""
from django.http import FileResponse

from audit.models import Action
from audit.trail import record


def download(file, filename, content_type=None, *, subject=None, action=Action.DOWNLOAD, detail=""):
    """Every file handed out is an audit entry: `subject` is the record the file belongs to, when there is one."""
    record(action, subject=subject, object_repr=filename, operation=filename.rsplit(".", 1)[-1][:50],
           detail=detail)
    response = FileResponse(file, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
