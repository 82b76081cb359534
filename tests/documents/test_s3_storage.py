"""STORAGE_BACKEND=s3: uploads, produced documents and downloads go through an S3 bucket (moto's, in-process),
nothing through the local folder — what several web machines and workers need to share files."""
import boto3
import environ
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto import mock_aws

from config.storage import default_storage
from documents.models import DocumentStatus, OfficialDocument
from reviews.models import ApplicationAttachment
from tests.documents.test_documents import _text, concluded, now, publicity  # noqa: F401
from tests.reviews.conftest import complete_draft

BUCKET = "studios-files"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def bucket(settings, monkeypatch, tmp_path):
    """The settings STORAGE_BACKEND=s3 makes (config/storage.py), against moto's S3; MEDIA_ROOT left empty."""
    for name, value in {"STORAGE_BACKEND": "s3", "AWS_STORAGE_BUCKET_NAME": BUCKET, "AWS_S3_REGION_NAME": "us-east-1",
                        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_LOCATION": "media"}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        settings.MEDIA_ROOT = tmp_path
        settings.STORAGES = {**settings.STORAGES, "default": default_storage(environ.Env())}
        yield client
    assert list(tmp_path.iterdir()) == []  # nothing went to the local folder


def _keys(client):
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_the_s3_setting_names_the_bucket_and_keeps_files_private(bucket, settings):
    options = settings.STORAGES["default"]["OPTIONS"]
    assert settings.STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert (options["bucket_name"], options["default_acl"], options["file_overwrite"]) == (BUCKET, None, False)


def test_an_upload_is_stored_in_the_bucket_and_downloaded_from_it(bucket, unit_user, open_round, login, now):
    draft = complete_draft(unit_user, open_round)
    client = login(unit_user)
    client.post(reverse("reviews:attachment_upload", args=[draft.pk]),
                {"kind": "patent", "file": SimpleUploadedFile("专利证书.pdf", PDF)})
    attachment = ApplicationAttachment.objects.get()
    assert _keys(bucket) == [f"media/{attachment.file.name}"]
    download = client.get(reverse("reviews:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    now(client.post, reverse("reviews:attachment_delete", args=[attachment.pk]))  # the file goes after the commit
    assert _keys(bucket) == []


def test_a_produced_document_is_stored_in_the_bucket_and_downloaded_from_it(bucket, city, concluded, login, now):
    client = login(city)
    now(client.post, reverse("documents:produce", args=[concluded.pk, "decision"]))
    document = OfficialDocument.objects.get()
    assert document.status == DocumentStatus.READY
    assert _keys(bucket) == [f"media/{document.file.name}"]
    response = client.get(reverse("documents:download", args=[document.pk]))
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF") and "揭工总〔2026〕12号" in _text(body)[0]
