"""Attachments: checked by content, size-limited, stored under random names, downloaded only by those who may see."""
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from reviews import application_services as apps
from reviews.models import ApplicationAttachment, ApplicationStatus
from tests import factories
from tests.reviews.conftest import complete_draft
from unions.models import Role

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()


def _office(part):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{part}document.xml", "<x/>")
    return buffer.getvalue()


def _zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("evil.js", "alert(1)")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def draft(unit_user, open_round):
    return complete_draft(unit_user, open_round)


@pytest.mark.parametrize("name,content", [
    ("荣誉证书.pdf", PDF), ("牌匾.png", None), ("制度.docx", _office("word/")), ("台账.xlsx", _office("xl/")),
    ("旧制度.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
])
def test_allowed_files_are_stored_under_random_names(unit_user, draft, media, name, content):
    upload = SimpleUploadedFile(name, content if content is not None else _png())
    attachment = apps.attachment_add(unit_user, draft, "honour", upload)
    assert attachment.original_name == name
    stored = attachment.file.name
    assert name.split(".")[0] not in stored and stored.startswith("applications/")
    assert (media / stored).exists()


@pytest.mark.parametrize("name,content,message", [
    ("证书.pdf", b"MZ\x90\x00" + b"\0" * 100, "内容与文件类型不符"),       # a program renamed to .pdf
    ("制度.docx", _zip(), "内容与文件类型不符"),                          # a plain zip renamed to .docx
    ("照片.png", PDF, "内容与文件类型不符"),
    ("工具.exe", b"MZ\x90\x00", "类型不允许上传"),
    ("页面.html", b"<script>alert(1)</script>", "类型不允许上传"),
    ("空.pdf", b"", "空文件"),
])
def test_disguised_or_forbidden_files_are_refused_and_nothing_is_stored(unit_user, draft, media, name, content, message):
    with pytest.raises(Exception) as error:
        apps.attachment_add(unit_user, draft, "honour", SimpleUploadedFile(name, content))
    assert message in str(error.value)
    assert not ApplicationAttachment.objects.exists()
    assert not any(media.rglob("*.*"))


def test_an_oversized_file_is_refused(unit_user, draft, media, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as error:
        apps.attachment_add(unit_user, draft, "honour", SimpleUploadedFile("大.pdf", PDF + b"0" * 2000))
    assert "超过了 1.0\xa0KB 的上限" in error.value.messages[0]
    assert not ApplicationAttachment.objects.exists()


def test_no_upload_once_submitted(unit_user, draft):
    apps.application_submit(unit_user, draft, from_status=ApplicationStatus.DRAFT)
    with pytest.raises(Exception, match="不能修改"):
        apps.attachment_add(unit_user, draft, "honour", SimpleUploadedFile("a.pdf", PDF))


def test_upload_download_and_delete_through_the_pages(unit_user, draft, login, media):
    client = login(unit_user)
    response = client.post(reverse("reviews:attachment_upload", args=[draft.pk]),
                           {"kind": "patent", "file": SimpleUploadedFile("专利证书.pdf", PDF)}, follow=True)
    assert "已上传“专利证书.pdf”" in response.content.decode()
    attachment = ApplicationAttachment.objects.get()
    download = client.get(reverse("reviews:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Content-Type"] == "application/pdf"
    client.post(reverse("reviews:attachment_delete", args=[attachment.pk]))
    assert not ApplicationAttachment.objects.exists()


def test_a_refused_upload_through_the_page_says_why(unit_user, draft, login):
    response = login(unit_user).post(reverse("reviews:attachment_upload", args=[draft.pk]),
                                     {"kind": "patent", "file": SimpleUploadedFile("证书.pdf", b"MZ\x90\x00")},
                                     follow=True)
    assert "内容与文件类型不符" in response.content.decode()


def test_another_union_cannot_download_or_delete(unit_user, draft, login):
    attachment = apps.attachment_add(unit_user, draft, "honour", SimpleUploadedFile("a.pdf", PDF))
    for role in (Role.UNIT_STAFF, Role.RECOMMENDING_STAFF, Role.EXPERT):
        client = login(factories.user_with_role(role))
        assert client.get(reverse("reviews:attachment_download", args=[attachment.pk])).status_code == 404
        assert client.post(reverse("reviews:attachment_delete", args=[attachment.pk])).status_code == 404
    assert ApplicationAttachment.objects.filter(pk=attachment.pk).exists()


def test_the_recommending_union_and_municipal_staff_can_download(unit_user, county_user, city, draft, login):
    attachment = apps.attachment_add(unit_user, draft, "honour", SimpleUploadedFile("a.pdf", PDF))
    for user in (county_user, city):
        assert login(user).get(reverse("reviews:attachment_download", args=[attachment.pk])).status_code == 200
