"""Checking uploaded files by their content, not their name (DESIGN.md: uploaded files).

Allowed: PDF, JPEG and PNG images, and Office documents (Word, Excel,
PowerPoint; the 97-2003 binary formats and the XML ones). A file must be
what its name says: a program renamed to .pdf, or a zip renamed to .docx,
is refused. Files are stored under random names and served only through
permission-checked views.
"""
import os
import uuid
import zipfile

import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# extension → what the content must be
PDF, JPEG, PNG, OLE, OOXML = "pdf", "jpeg", "png", "ole", "ooxml"
ALLOWED_EXTENSIONS = {
    ".pdf": PDF, ".jpg": JPEG, ".jpeg": JPEG, ".png": PNG,
    ".doc": OLE, ".xls": OLE, ".ppt": OLE,
    ".docx": OOXML, ".xlsx": OOXML, ".pptx": OOXML,
}
OOXML_PARTS = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}
CONTENT_TYPES = {
    ".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
    ".doc": "application/msword", ".xls": "application/vnd.ms-excel", ".ppt": "application/vnd.ms-powerpoint",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _detected(head):
    try:
        return {m.extension.lower() for m in puremagic.magic_string(head)}
    except puremagic.PureError:
        return set()


def _content_matches(kind, extension, upload, head):
    if kind == OLE:
        return head.startswith(OLE_MAGIC)
    if kind == OOXML:
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            return False
        finally:
            upload.seek(0)
        return "[Content_Types].xml" in names and any(n.startswith(OOXML_PARTS[extension]) for n in names)
    found = _detected(head)
    return {PDF: ".pdf" in found and head.startswith(b"%PDF-"),
            JPEG: bool(found & {".jpg", ".jpeg", ".jfif", ".jpe"}) and head.startswith(b"\xff\xd8\xff"),
            PNG: ".png" in found and head.startswith(b"\x89PNG\r\n\x1a\n")}[kind]


def check_upload(upload):
    """Returns (extension, content type) for an acceptable file; raises ValidationError naming the rule."""
    name = os.path.basename(upload.name or "")
    extension = os.path.splitext(name)[1].lower()
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(_("“%(name)s”的类型不允许上传。只接受 PDF、JPG/PNG 图片和 Word、Excel、PowerPoint 文件。")
                              % {"name": name})
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(_("“%(name)s”有 %(size)s，超过了 %(max)s 的上限。") % {
            "name": name, "size": filesizeformat(upload.size), "max": filesizeformat(settings.UPLOAD_MAX_BYTES)})
    if upload.size == 0:
        raise ValidationError(_("“%(name)s”是空文件。") % {"name": name})
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    if not _content_matches(ALLOWED_EXTENSIONS[extension], extension, upload, head):
        raise ValidationError(_("“%(name)s”的内容与文件类型不符（文件可能已损坏或被改了扩展名），未上传。") % {"name": name})
    return extension, CONTENT_TYPES[extension]


def random_name(folder, extension):
    """A stored name that reveals nothing and cannot be guessed."""
    return f"{folder}/{uuid.uuid4().hex}{extension}"
