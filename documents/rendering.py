"""PDF from a Django template through WeasyPrint: the configured fonts, nothing fetched from outside.

One FontConfiguration is shared by every render in the process: WeasyPrint then loads each
font once instead of copying it again per document, and memory stays flat in a long-lived worker.
A Celery worker warms it when its process starts (`warm_up`, config/celery.py), so that the first
document a user asks for does not also pay for importing WeasyPrint and loading the fonts.
"""
import io
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.template.loader import render_to_string

# The families the templates use, by the setting that names each one's file.
FAMILIES = {
    "xiaobiaosong": "GB XiaoBiaoSong", "fangsong": "GB FangSong", "heiti": "GB HeiTi", "kaiti": "GB KaiTi",
    "songti": "GB SongTi",
}

_font_config = None


def font_config():
    global _font_config
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


def _allowed_files():
    return {Path(path).resolve() for path in settings.DOCUMENT_FONTS.values()}


def _fetcher():
    """A fetcher that serves the configured font files and nothing else: no network, no other local file."""
    from weasyprint.urls import URLFetcher

    class FontFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "file" and Path(unquote(parsed.path)).resolve() in _allowed_files():
                return super().fetch(url, headers)
            raise ValueError(f"documents load no outside resource: {url}")

    return FontFilesOnly(allowed_protocols=["file"])


def font_faces():
    return "\n".join(
        f'@font-face {{ font-family: "{family}"; src: url("{Path(settings.DOCUMENT_FONTS[key]).resolve().as_uri()}"); }}'
        for key, family in FAMILIES.items())


def render_document(template, context):
    """The WeasyPrint document (laid-out pages) for a template."""
    from weasyprint import HTML

    html = render_to_string(template, {**context, "font_faces": font_faces()})
    return HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_fetcher()).render(
        font_config=font_config())


def write_pdf(documents):
    """One PDF from one or several rendered documents."""
    first = documents[0]
    pages = [page for document in documents for page in document.pages]
    return first.copy(pages).write_pdf(), len(pages)


def join_pdfs(pdfs):
    """One PDF from several (a batch written part by part): (bytes, page count).

    The parts are already written, so only their bytes are held, never their laid-out pages: the memory of a
    batch grows with the size of the file (about 1 KB a certificate), not with the layout of every page.
    """
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(PdfReader(io.BytesIO(pdf)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)


# One row of each kind of text the templates set (title, body, table), so every font is loaded and shaped.
_WARM_UP_ROWS = [{"no": 1, "studio": "揭阳市劳模和工匠人才创新工作室", "unit": "揭阳市有限公司", "leader": "领衔人",
                  "recommender": "榕城区总工会"}]


def warm_up():
    """Renders a small naming decision and throws it away: imports WeasyPrint and loads every configured font
    into the shared FontConfiguration, so the process's first real document renders as fast as the later ones.
    """
    context = {"issuer": settings.DOCUMENT_ISSUER, "year": 2000, "number": "〔2000〕1号", "date": "2000年1月1日",
               "main_recipients": settings.DOCUMENT_MAIN_RECIPIENTS, "copy_to": settings.DOCUMENT_COPY_TO,
               "printed_by": settings.DOCUMENT_PRINTED_BY, "rows": _WARM_UP_ROWS}
    write_pdf([render_document("documents/naming_decision.html", context)])
