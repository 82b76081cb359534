"""Files stored by an action stay only if its transaction commits (core.stored_files)."""
import pytest
from django.core.files.base import ContentFile

from core.stored_files import atomic_with_files, store
from subsidies.models import LedgerEntry


class Boom(Exception):
    pass


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _files(root):
    return sorted(p.name for p in root.rglob("*") if p.is_file())


def _receipt():
    return LedgerEntry().receipt  # any FileField will do; nothing is saved to the table


def test_a_committed_block_keeps_its_file(media, db):
    with atomic_with_files():
        stored = _receipt()
        store(stored, "票据.pdf", ContentFile(b"%PDF-1.4"))
    assert _files(media) == [stored.name.rsplit("/", 1)[1]]


def test_a_failed_block_removes_its_file(media, db):
    with pytest.raises(Boom):
        with atomic_with_files():
            store(_receipt(), "票据.pdf", ContentFile(b"%PDF-1.4"))
            raise Boom
    assert _files(media) == []


def test_an_inner_blocks_file_goes_when_the_outer_block_fails_later(media, db):
    with pytest.raises(Boom):
        with atomic_with_files():
            with atomic_with_files():
                store(_receipt(), "证明.pdf", ContentFile(b"%PDF-1.4"))
            assert len(_files(media)) == 1  # written at once: the row saved with it names it
            raise Boom
    assert _files(media) == []


def test_storing_outside_such_a_block_is_refused(media, db):
    with pytest.raises(RuntimeError):
        store(_receipt(), "票据.pdf", ContentFile(b"%PDF-1.4"))
    assert _files(media) == []
