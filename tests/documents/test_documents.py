"""Official documents of a round: who may produce and fetch them, when, kept until their data change."""
import datetime
import io

import pdfplumber
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from core.conflicts import Conflict
from documents import production, rendering, services
from documents.models import DocumentKind, DocumentStatus, OfficialDocument
from documents.tasks import produce_document, produce_waiting_documents
from reviews import decision_services as decisions
from reviews import services as round_services
from reviews.models import Application, ApplicationStatus, RoundPhase
from tests import factories
from tests.conftest import row_counts
from tests.reviews.test_decision_and_naming import _decide
from unions.models import Role


@pytest.fixture
def publicity(city, scored):
    _decide(city, scored, scored["applications"][:3])
    return round_services.round_advance(city, scored["round"], from_phase=RoundPhase.DECISION)


@pytest.fixture
def concluded(city, publicity):
    decisions.approve_after_publicity(publicity, city, today=publicity.publicity_end + datetime.timedelta(days=1))
    decisions.naming_issue(city, publicity, decision_number="揭工总〔2026〕12号",
                           decision_date=datetime.date(2026, 12, 1))
    publicity.refresh_from_db()
    return publicity


def _text(pdf):
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [page.extract_text() for page in document.pages]


def _cells(pdf):
    """Every table cell's text, a wrapped cell joined up again."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return {(cell or "").replace("\n", "") for page in document.pages for table in page.extract_tables()
                for row in table for cell in row}


@pytest.fixture
def now(django_capture_on_commit_callbacks):
    """Runs an action and then what it queued for after its commit (the tests' transaction never commits)."""
    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)
    return run


def test_the_decision_is_produced_once_and_kept_while_its_data_are_unchanged(city, concluded, login, now):
    client = login(city)
    now(client.post, reverse("documents:produce", args=[concluded.pk, "decision"]))
    document = OfficialDocument.objects.get()
    assert document.status == DocumentStatus.READY and document.progress == 100 and document.pages >= 2
    kept = (document.file.name, document.finished_at)
    now(client.post, reverse("documents:produce", args=[concluded.pk, "decision"]))  # nothing changed: kept
    document.refresh_from_db()
    assert (document.file.name, document.finished_at) == kept
    response = client.get(reverse("documents:download", args=[document.pk]))
    body = b"".join(response.streaming_content)
    assert response["Content-Type"] == "application/pdf" and body.startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]
    assert "揭工总〔2026〕12号" in _text(body)[0]


def test_a_change_in_the_data_makes_the_kept_file_stale_and_it_is_produced_again(city, concluded, login, now):
    client = login(city)
    now(client.post, reverse("documents:produce", args=[concluded.pk, "decision"]))
    before = OfficialDocument.objects.get()
    unit = Application.objects.filter(naming_round=concluded, status=ApplicationStatus.NAMED).first().unit
    type(unit).objects.filter(pk=unit.pk).update(name="揭阳市更名后机械有限公司工会")
    page = client.get(reverse("documents:round_documents", args=[concluded.pk])).content.decode()
    assert "不是最新的" in page and "重新生成" in page
    now(client.post, reverse("documents:produce", args=[concluded.pk, "decision"]))
    after = OfficialDocument.objects.get()
    assert after.fingerprint != before.fingerprint and after.file.name != before.file.name
    assert "揭阳市更名后机械有限公司" in _cells(after.file.read())
    assert not after.file.storage.exists(before.file.name)  # the stale file is not kept


@pytest.mark.parametrize("role", [Role.UNIT_STAFF, Role.RECOMMENDING_STAFF, Role.EXPERT])
def test_only_municipal_staff_and_administrators_produce_and_download(city, concluded, login, now, role):
    now(services.document_request, city, concluded, "decision")
    document = OfficialDocument.objects.get()
    other = login(factories.user_with_role(role))
    assert other.get(reverse("documents:round_documents", args=[concluded.pk])).status_code == 403
    assert other.post(reverse("documents:produce", args=[concluded.pk, "notice"])).status_code == 403
    assert other.get(reverse("documents:download", args=[document.pk])).status_code == 403
    assert OfficialDocument.objects.count() == 1
    with pytest.raises(PermissionDenied):
        services.document_request(factories.user_with_role(role), concluded, "certificates")
    admin = login(factories.user_with_role(Role.ADMIN))
    assert admin.get(reverse("documents:download", args=[document.pk])).status_code == 200


def test_documents_wait_for_their_phase(city, publicity, login, now):
    with pytest.raises(Conflict, match="“命名决定”在“已命名”阶段才能生成，本批次当前为“社会公示”"):
        services.document_request(city, publicity, "decision")
    client = login(city)
    response = now(client.post, reverse("documents:produce", args=[publicity.pk, "certificates"]))
    assert response.status_code == 409 and "已命名" in response.content.decode()
    assert not OfficialDocument.objects.exists()
    assert now(client.post, reverse("documents:produce", args=[publicity.pk, "nonsense"])).status_code == 302
    assert not OfficialDocument.objects.exists()


def test_the_publicity_notice_lists_the_shortlist_the_period_and_the_channels(city, publicity, now):
    document = now(services.document_request, city, publicity, "notice")
    document.refresh_from_db()
    pdf = document.file.read()
    text, cells = "".join(_text(pdf)).replace("\n", ""), _cells(pdf)
    start, end = publicity.publicity_start, publicity.publicity_end
    assert f"公示期为{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日（5个工作日）" in text
    for application in Application.objects.filter(status=ApplicationStatus.IN_PUBLICITY):
        assert application.studio_name in cells
    assert "郑丽劳模和工匠人才创新工作室" not in cells  # not shortlisted
    assert "网上提交" in text and "电子邮箱" in text and "匿名反映不予受理" in text


def test_certificates_one_page_each_rendered_in_parts_with_progress(city, concluded, monkeypatch):
    monkeypatch.setattr(production, "CERTIFICATES_PER_PART", 2)
    seen = []
    pdf, pages = production.pdf_for("certificates", concluded, on_progress=seen.append)
    named = list(Application.objects.filter(status=ApplicationStatus.NAMED))
    assert pages == len(named) == 3 and len(seen) == 2 and seen == sorted(seen)
    texts = _text(pdf)
    for application, text in zip(sorted(named, key=lambda a: a.leader_name), sorted(texts)):
        assert sum(a.studio_name in text for a in named) == 1  # one studio per page


def test_a_failed_render_is_recorded_and_can_be_retried(city, concluded, login, now, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(production, "pdf_for", broken)
    document = now(services.document_request, city, concluded, "decision")
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED and "disk full" in document.error
    page = login(city).get(reverse("documents:round_documents", args=[concluded.pk])).content.decode()
    assert "上次生成失败" in page
    monkeypatch.undo()
    now(services.document_request, city, concluded, "decision")
    assert OfficialDocument.objects.get().status == DocumentStatus.READY


def test_a_second_delivery_of_the_task_renders_nothing_and_keeps_the_finished_file(city, concluded, now):
    document = now(services.document_request, city, concluded, "decision")
    document.refresh_from_db()
    kept = (document.status, document.file.name, document.finished_at)
    assert produce_document.delay(document.pk).get() == document.pk  # the broker delivered it again
    document.refresh_from_db()
    assert (document.status, document.file.name, document.finished_at) == kept


def test_a_render_overtaken_by_a_newer_request_is_dropped(city, concluded, django_capture_on_commit_callbacks,
                                                          monkeypatch):
    """Asked for again with changed data while rendering: the late render must not overwrite the newer one."""
    with django_capture_on_commit_callbacks(execute=False):
        document = services.document_request(city, concluded, "decision")
    unit = Application.objects.filter(naming_round=concluded, status=ApplicationStatus.NAMED).first().unit
    render = production.pdf_for

    def renamed_meanwhile(*args, **kwargs):
        type(unit).objects.filter(pk=unit.pk).update(name="揭阳市更名后机械有限公司工会")
        with django_capture_on_commit_callbacks(execute=False):
            services.document_request(city, concluded, "decision")
        return render(*args, **kwargs)

    monkeypatch.setattr(production, "pdf_for", renamed_meanwhile)
    assert production.produce(document.pk) is None  # rendered, then dropped
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING and not document.file
    monkeypatch.undo()
    assert production.produce(document.pk).status == DocumentStatus.READY
    assert "揭阳市更名后机械有限公司" in _cells(OfficialDocument.objects.get().file.read())


def test_a_document_asked_for_while_redis_was_down_is_produced_once_by_the_job(
        city, concluded, login, broker, django_capture_on_commit_callbacks):
    broker.down()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(city).post(reverse("documents:produce", args=[concluded.pk, "decision"]))
    assert response.status_code == 302
    document = OfficialDocument.objects.get()
    assert document.status == DocumentStatus.PENDING
    broker.eager()
    assert produce_waiting_documents() == 0  # just asked for: probably still in the queue
    OfficialDocument.objects.update(requested_at=timezone.now() - datetime.timedelta(minutes=3))
    assert produce_waiting_documents() == 1
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    once = row_counts(), document.file.name, document.finished_at
    assert produce_waiting_documents() == 0
    document.refresh_from_db()
    assert (row_counts(), document.file.name, document.finished_at) == once


def test_the_page_polls_while_a_document_is_being_produced(city, concluded, login):
    OfficialDocument.objects.create(naming_round=concluded, kind="certificates", status=DocumentStatus.RUNNING,
                                    progress=40, fingerprint="x")
    html = login(city).get(reverse("documents:round_documents_status", args=[concluded.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html and "40%" in html


def test_the_renderer_loads_no_outside_resource(settings):
    fetcher = rendering._fetcher()
    for url in ("http://example.com/logo.png", "https://example.com/a.css", "file:///etc/passwd",
                f"file://{settings.BASE_DIR}/manage.py"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    font = next(iter(settings.DOCUMENT_FONTS.values()))
    response = fetcher.fetch(font.resolve().as_uri())
    assert response.read(4) in (b"OTTO", b"\x00\x01\x00\x00")
    response.close()
    assert rendering.font_config() is rendering.font_config()  # one font set per process


@pytest.mark.parametrize("kind", [DocumentKind.DECISION, DocumentKind.CERTIFICATES])
def test_markup_in_user_text_is_printed_as_text_and_never_fetched(concluded, kind, caplog):
    """A leader (and so a studio) named like an image of /etc/passwd shows those characters; nothing is loaded."""
    hostile = '<img src="file:///etc/passwd">'
    application = Application.objects.filter(naming_round=concluded, status=ApplicationStatus.NAMED).first()
    Application.objects.filter(pk=application.pk).update(leader_name=hostile)
    pdf, _pages = production.pdf_for(kind, concluded)
    text = "".join(_text(pdf)).replace(" ", "").replace("\n", "")
    assert hostile.replace(" ", "") in text and "root:" not in text
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        assert all(page.images == [] for page in document.pages)
    assert "passwd" not in caplog.text  # never handed to the fetcher, which would refuse it and say so


def test_naming_notice_command_writes_the_decision(concluded, tmp_path):
    out = tmp_path / "decision.pdf"
    call_command("naming_notice", "2026", "-o", str(out), stdout=io.StringIO())
    assert "揭工总〔2026〕12号" in _text(out.read_bytes())[0]
    with pytest.raises(CommandError, match="没有 2031 年度"):
        call_command("naming_notice", "2031", "-o", str(out))


def test_naming_notice_command_refuses_a_round_not_yet_named(publicity, tmp_path):
    with pytest.raises(CommandError, match="还不能生成"):
        call_command("naming_notice", "2026", "-o", str(tmp_path / "x.pdf"))


def test_the_documents_benchmark_runs(db):
    out = io.StringIO()
    call_command("bench_documents", "--renders", "2", "--certificates", "3", "--studios", "2", stdout=out)
    text = out.getvalue()
    assert "命名决定（2 家" in text and "证书 3 份" in text and "内存" in text


def test_asking_for_certificates_renders_nothing_in_the_request_and_queues_them_for_document_workers(
        city, concluded, login, django_capture_on_commit_callbacks, monkeypatch):
    from config.celery import app

    renders = []
    monkeypatch.setattr(rendering, "render_document", lambda *args: renders.append(args))  # any render is counted
    client = login(city)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("documents:produce", args=[concluded.pk, "certificates"]))
        client.get(reverse("documents:round_documents", args=[concluded.pk]))
        client.get(reverse("documents:round_documents_status", args=[concluded.pk]))
    assert response.status_code == 302 and renders == []
    document = OfficialDocument.objects.get()
    assert (document.status, document.progress, document.file.name) == (DocumentStatus.PENDING, 0, "")
    assert len(queued) == 1  # the task, sent after the commit; it runs in a worker
    assert app.amqp.router.route({}, produce_document.name)["queue"].name == "documents"


@pytest.mark.parametrize("enabled", [True, False])
def test_a_worker_process_loads_the_renderer_and_fonts_as_it_starts(settings, monkeypatch, enabled):
    from celery.signals import worker_process_init

    settings.DOCUMENT_WARM_UP = enabled
    monkeypatch.setattr(rendering, "_font_config", None)
    worker_process_init.send(sender=None)
    assert (rendering._font_config is not None) == enabled
