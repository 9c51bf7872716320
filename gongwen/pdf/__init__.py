"""The PDF writer: composed pages (gongwen.layout) → HTML (templates/) + CSS (styles/) → WeasyPrint."""

from .writer import (ROOT, STYLES, TEMPLATES, _weasyprint_html, build_html, harfbuzz_subset_missing, no_fetch_fetcher,
                     render_css, write_pdf)

__all__ = ["ROOT", "STYLES", "TEMPLATES", "build_html", "harfbuzz_subset_missing", "no_fetch_fetcher", "render_css",
           "write_pdf", "_weasyprint_html"]
