"""The PDF writer: composed pages (gongwen.layout) → HTML (templates/) + CSS (styles/) → WeasyPrint.

The names are imported on first use, so that `gongwen.pdf.engine` (the render process) can start before
the writer's own imports (Jinja2, the layout) are loaded."""

_NAMES = (
    "ROOT",
    "STYLES",
    "TEMPLATES",
    "build_html",
    "harfbuzz_subset_missing",
    "no_fetch_fetcher",
    "render_css",
    "write_pdf",
    "_weasyprint_html",
)

__all__ = list(_NAMES)


def __getattr__(name):
    if name in _NAMES:
        from . import writer

        return getattr(writer, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
