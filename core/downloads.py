"""Files sent to a user: always as a download, never sniffed into something else, never cached on the way."""
from django.http import FileResponse


def download(file, filename, content_type=None):
    response = FileResponse(file, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
