"""PDF from a Django template through WeasyPrint: the configured fonts, nothing fetched from outside.

One FontConfiguration is shared by every render in the process: WeasyPrint then loads each
font once instead of copying it again per document, and memory stays flat in a long-lived worker.
"""
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
    """One PDF from one or several rendered documents (a batch rendered in parts)."""
    first = documents[0]
    pages = [page for document in documents for page in document.pages]
    return first.copy(pages).write_pdf(), len(pages)
