"""PDF writer: composed pages → HTML (templates/) + CSS (styles/) → WeasyPrint.

Nothing is fetched: the HTML needs no external resource (fonts come from fontconfig), so the URL fetcher
refuses every URL, and a `file:///` or `http://` address written in the content stays plain text.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import jinja2

from ..errors import BuildError
from ..fonts import FontSet
from ..house import House
from ..layout import Composer, Line, Page, Style, save_metrics
from ..model import Document
from .engine import (  # re-exported for pdf/__init__.py and the tests
    _fast_library_lookup,  # noqa: F401
    _weasyprint_html,  # noqa: F401
    harfbuzz_subset_missing,  # noqa: F401
    no_fetch_fetcher,  # noqa: F401
    render,
)

ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATES = ROOT / "templates"
STYLES = ROOT / "styles"


def _pt(v: float) -> str:
    return f"{v:.3f}pt"


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(TEMPLATES), str(STYLES)]),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["pt"] = _pt
    return env


def _font_css(fonts: FontSet, st: Style) -> tuple[str, int]:
    rf = fonts[st.role]
    family = '"' + rf.family.replace('"', "") + '"'
    weight = 700 if st.bold else rf.face.css_weight
    return family, weight


VARIANTS = {"screen": None, "print": "pdf/x-4", "archive": "pdf/a-2b"}


class Palette:
    """Colours as the variant writes them: as given (sRGB) on screen, DeviceCMYK for the print shop."""

    def __init__(self, house: House, variant: str):
        self.cmyk = variant == "print"
        self.red = house["colors"]["red"].upper()
        self.red_cmyk = house["colors"]["red_cmyk"]

    def __call__(self, color: str) -> str:
        if not self.cmyk or not color:
            return color
        if color.upper() == self.red:
            return "device-cmyk(" + " ".join(str(v) for v in self.red_cmyk) + ")"
        if color.upper() in ("#000", "#000000", "BLACK"):
            return self.black
        raise BuildError(f"印刷用 PDF 不支持颜色 {color}：请在 styles/house.yaml 中给出它的 CMYK 值")

    black = "device-cmyk(0 0 0 1)"


def icc_profile(house: House) -> Path:
    path = Path(house.raw.get("print", {}).get("icc_profile", ""))
    if not path.is_file():
        raise BuildError(
            f"印刷用 PDF 需要 CMYK 色彩特性文件（ICC）：找不到 {path}。请运行 bash scripts/setup.sh"
            "（texlive-base 带有 FOGRA39L_coated.icc），或在 styles/house.yaml 的 print.icc_profile 中指定"
        )
    return path


def render_css(house: House, fonts: FontSet, composer: Composer, variant: str = "screen") -> str:
    p = house["page"]
    return (
        _env()
        .get_template("gongwen.css.j2")
        .render(
            page=p,
            right_mm=p["width_mm"] - p["left_mm"] - p["type_width_mm"],
            bottom_mm=p["height_mm"] - p["top_mm"] - p["type_height_mm"],
            cmyk=variant == "print",
            icc_url=icc_profile(house).as_uri() if variant == "print" else "",
            black=Palette.black,
        )
    )


class _FontClasses:
    """One CSS class per distinct font setting and per distinct position value, so that no line carries
    a style attribute: WeasyPrint parses every style attribute by itself and computes a style of its own
    for every element that has one, while elements with the same classes share one computed style (body
    lines on the same grid line of different pages, the same indent, the same letter-spacing)."""

    def __init__(self, fonts: FontSet, composer: Composer, palette=None):
        self.fonts, self.composer = fonts, composer
        self.palette = palette or (lambda c: c)
        self.rules: dict[str, str] = {}

    def line_class(self, st: Style) -> str:
        family, weight = _font_css(self.fonts, st)
        decl = (
            f"font-family:{family};font-weight:{weight};font-size:{st.size}pt;"
            f"line-height:{self.composer.box_height(st):.3f}pt"
            + (f";color:{self.palette(st.color)}" if st.color else "")
        )
        return self._name(decl)

    def span_class(self, st: Style) -> str:
        family, weight = _font_css(self.fonts, st)
        decl = f"font-family:{family};font-weight:{weight};font-size:{st.size}pt;line-height:0"
        if st.call:
            decl += ";position:relative;top:-0.5em"
        if st.color:
            decl += f";color:{self.palette(st.color)}"
        return self._name(decl)

    def position(self, prop: str, value: float) -> str:
        return self._name(f"{prop}:{_pt(value)}", prop[0])

    def _name(self, decl: str, prefix: str = "f") -> str:
        """A name made from the declaration itself, so that a line keeps its classes when other pages
        change (watch mode reuses the pages whose HTML is unchanged)."""
        name = self.rules.get(decl)
        if name is None:
            name = self.rules[decl] = prefix + hashlib.sha1(decl.encode()).hexdigest()[:12]
        return name

    def css(self) -> str:
        return "\n".join(f".{name} {{ {decl} }}" for decl, name in self.rules.items())


def _line_view(ln: Line, classes: _FontClasses, composer: Composer) -> dict:
    main = ln.style
    spans = [{"text": r.text, "cls": "" if r.style == main else classes.span_class(r.style)} for r in ln.runs]
    # a fixed width (the line's own, and a little room) spares WeasyPrint the shrink-to-fit sizing of
    # every absolutely positioned line; the text is placed by `left` and letter-spacing alone
    cls = [
        ln.kind,
        classes.line_class(main),
        classes.position("left", ln.x),
        classes.position("top", ln.baseline - composer.ascent(main)),
        classes.position("width", ln.width + 2 * main.size),
        classes.position("letter-spacing", ln.letter_spacing),
    ]
    return {"cls": " ".join(cls), "spans": spans}


def build_html(
    doc: Document, house: House, fonts: FontSet, variant: str = "screen", pages: list[Page] | None = None
) -> tuple[str, list[Page]]:
    views, base_css, css, meta, pages = _views(doc, house, fonts, variant, pages)
    return _html(views, css, meta), pages


def _views(doc: Document, house: House, fonts: FontSet, variant: str, pages: list[Page] | None):
    """What the template draws: one view per page, the CSS (the house's and the classes') and the metadata."""
    composer = Composer(house, fonts)
    if pages is None:
        pages = composer.compose(doc)
    palette = Palette(house, variant)
    classes = _FontClasses(fonts, composer, palette)
    seals = variant != "print"  # the print shop's copy is stamped by hand or 套印, not printed with the image
    views = [
        {
            "number": p.number,
            "numbered": p.numbered,
            "images": [
                {"src": Path(i.path).as_uri(), "x": i.x, "y": i.y, "width": i.width, "height": i.height}
                for i in p.images
            ]
            if seals
            else [],
            "rules": [
                {"x": r.x, "y": r.y, "width": r.width, "height": r.height, "color": palette(r.color)} for r in p.rules
            ],
            "lines": [_line_view(ln, classes, composer) for ln in p.lines],
        }
        for p in pages
    ]
    base_css = render_css(house, fonts, composer, variant)
    save_metrics()
    n = doc.notice
    meta = dict(
        title="".join(n.title_lines),
        author="、".join(n.signatures),
        subject=n.number.text,
        keywords=", ".join([n.number.text, "、".join(n.signatures), "公文"]),
        created=n.stamp_date.isoformat(),
    )
    return views, base_css, base_css + "\n" + classes.css(), meta, pages


def _html(views: list[dict], css: str, meta: dict) -> str:
    return _env().get_template("document.html.j2").render(pages=views, css=css, **meta)


class PageCache:
    """Watch mode: WeasyPrint's laid-out pages of the last build, kept by what each page draws, so that a
    rebuild lays out only the pages whose lines changed. The changed pages are laid out in a document
    where the other pages are present but empty (page numbers and sides stay right), then all pages are
    painted into one PDF as WeasyPrint does for any document (Document.copy, public API): the file is the
    same, byte for byte, as one rendered whole (tests/test_speed.py)."""

    def __init__(self):
        self.pages: dict[str, object] = {}
        self.document = None
        self.meta = None

    def write(self, views, base_css, css, meta, target, font_config, **job) -> None:
        from .engine import laid_out, paint

        keys = [hashlib.sha1(repr((i, base_css, v)).encode()).hexdigest() for i, v in enumerate(views)]
        missing = {i for i, k in enumerate(keys) if k not in self.pages}
        if missing or self.document is None or meta != self.meta:
            mini = [v if i in missing else {**v, "lines": [], "rules": [], "images": []} for i, v in enumerate(views)]
            self.document = laid_out(_html(mini, css, meta), font_config=font_config, **job)
            self.pages = {k: self.pages[k] if i not in missing else self.document.pages[i] for i, k in enumerate(keys)}
            self.meta = meta
        paint(self.document.copy([self.pages[k] for k in keys]), target, job.get("pdf_variant"))


def write_pdf(
    doc: Document,
    house: House,
    fonts: FontSet,
    target: Path,
    font_config=None,
    variant: str = "screen",
    pages: list[Page] | None = None,
    worker=None,
    page_cache: PageCache | None = None,
    background: bool = False,
) -> list[Page]:
    """Render the document to `target` (the caller makes the write atomic). Watch mode passes one
    WeasyPrint FontConfiguration for all rebuilds, so fontconfig is not set up anew each time.

    `variant`: "screen" (the ordinary PDF), "print" (PDF/X-4 for the print shop: every colour in DeviceCMYK,
    black as pure K, the house red as CMYK, an output intent from the ICC profile of the house style) or
    "archive" (PDF/A-2b, with title, author, subject and keywords — the 文号 among them — in its XMP).

    `worker`: a RenderWorker (engine.py) that renders the HTML; with `background` this returns as soon as
    the HTML is sent, and the file is written when `worker.wait()` returns. `page_cache` (watch mode):
    lay out only the changed pages."""
    views, base_css, css, meta, pages = _views(doc, house, fonts, variant, pages)
    job = dict(
        base_url=str(ROOT),
        pdf_variant=VARIANTS[variant],
        allowed=_allowed(doc, house, variant),
        cache_dir=str(fonts.config_file.parent.parent),
    )  # output/.cache
    # the PDF's dates come from the content (<meta dcterms.created> = 成文日期), so equal content gives
    # equal bytes
    if page_cache is not None and worker is None:
        page_cache.write(views, base_css, css, meta, target, font_config, **job)
    elif worker is not None:
        worker.submit(_html(views, css, meta), target, **job)
        if not background:
            worker.wait()
    else:
        render(_html(views, css, meta), target, font_config=font_config, **job)
    return pages


def _allowed(doc: Document, house: House, variant: str) -> frozenset[str]:
    """The only files the render may read: the print variant's ICC profile, or the seal images."""
    if variant == "print":
        return frozenset({icc_profile(house).as_uri()})
    return frozenset(Path(s).as_uri() for s in doc.notice.seals)
