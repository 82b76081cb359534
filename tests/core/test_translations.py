"""The committed English catalogue is complete and compiled (the .mo is what Django reads)."""
import gettext
import re
from pathlib import Path

from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale/en/LC_MESSAGES/django.po"


def _po_entries():
    text = PO.read_text(encoding="utf-8")
    entries = []
    for block in text.split("\n\n"):
        match = re.search(r'^msgid ((?:".*"\n)+)', block + "\n", re.M)
        if match:
            msgid = "".join(re.findall(r'"(.*)"', match.group(1)))
            if msgid:
                entries.append((msgid, block))
    return entries


def test_every_english_entry_is_translated_and_not_fuzzy():
    entries = _po_entries()
    assert len(entries) > 100
    for msgid, block in entries:
        assert "#, fuzzy" not in block, msgid
        assert not re.search(r'^msgstr(\[\d\])? ""\n?$', block.strip() + "\n", re.M) or '"\n"' in block, msgid


def test_compiled_catalogue_matches_the_po_file():
    catalogue = gettext.GNUTranslations(open(PO.with_suffix(".mo"), "rb"))
    for msgid, block in _po_entries():
        if "msgid_plural" in block or "\\" in msgid:
            continue
        assert catalogue.gettext(msgid) != msgid, f"not compiled: {msgid} (run msgfmt)"
