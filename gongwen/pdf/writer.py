"""PDF writer: composed pages → HTML (templates/) + CSS (styles/) → WeasyPrint.

Nothing is fetched: the HTML needs no external resource (fonts come from fontconfig), so the URL fetcher
refuses every URL, and a `file:///` or `http://` address written in the content stays plain text.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from ..errors import BuildError
from ..fonts import FontSet
from ..house import MM, House
from ..layout import Composer, Line, Page, Style, save_metrics
from ..model import Document
from .engine import (_fast_library_lookup, _weasyprint_html, harfbuzz_subset_missing,  # noqa: F401 (re-exported)
                     no_fetch_fetcher, render)

ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATES = ROOT / "templates"
STYLES = ROOT / "styles"


def _pt(v: float) -> str:
    return f"{v:.3f}pt"


def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader([str(TEMPLATES), str(STYLES)]),
                             autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=True), undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
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
        self.red_cmyk = house["colors"].get("red_cmyk", [0, 1, 1, 0])

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
        raise BuildError(f"印刷用 PDF 需要 CMYK 色彩特性文件（ICC）：找不到 {path}。请运行 bash scripts/setup.sh"
                         "（texlive-base 带有 FOGRA39L_coated.icc），或在 styles/house.yaml 的 print.icc_profile 中指定")
    return path


def render_css(house: House, fonts: FontSet, composer: Composer, variant: str = "screen") -> str:
    p = house["page"]
    pn = house["page_number"]
    size = float(house["sizes_pt"]["page_number"])
    song = Style("songti", size)
    family, _ = _font_css(fonts, song)
    # the em box top of "— N —" sits page_number.offset_mm below the 版心 bottom
    lh = composer.box_height(song)
    asc = composer.ascent(song)
    pad = pn["offset_mm"] * MM - (asc - 0.88 * size)
    number_box = (f"font-family: {family}; font-size: {size}pt; line-height: {lh:.3f}pt; "
                  f"vertical-align: top; padding-top: {pad:.3f}pt; white-space: pre; width: 60mm;")
    return _env().get_template("gongwen.css.j2").render(
        page=p,
        right_mm=p["width_mm"] - p["left_mm"] - p["type_width_mm"],
        bottom_mm=p["height_mm"] - p["top_mm"] - p["type_height_mm"],
        number_box=number_box,
        number_side=_pt(pn["side_space_chars"] * size),
        cmyk=variant == "print",
        icc_url=icc_profile(house).as_uri() if variant == "print" else "",
        black=Palette.black,
    )


class _FontClasses:
    """One CSS class per distinct font setting, so that each line carries only its position inline
    (WeasyPrint parses every style attribute separately: classes keep rendering fast)."""

    def __init__(self, fonts: FontSet, composer: Composer, palette=None):
        self.fonts, self.composer = fonts, composer
        self.palette = palette or (lambda c: c)
        self.rules: dict[str, str] = {}

    def line_class(self, st: Style) -> str:
        family, weight = _font_css(self.fonts, st)
        decl = (f"font-family:{family};font-weight:{weight};font-size:{st.size}pt;"
                f"line-height:{self.composer.box_height(st):.3f}pt" + (f";color:{self.palette(st.color)}" if st.color else ""))
        return self._name(decl)

    def span_class(self, st: Style) -> str:
        family, weight = _font_css(self.fonts, st)
        decl = f"font-family:{family};font-weight:{weight};font-size:{st.size}pt;line-height:0"
        if st.call:
            decl += ";position:relative;top:-0.5em"
        if st.color:
            decl += f";color:{self.palette(st.color)}"
        return self._name(decl)

    def _name(self, decl: str) -> str:
        if decl not in self.rules:
            self.rules[decl] = f"f{len(self.rules)}"
        return self.rules[decl]

    def css(self) -> str:
        return "\n".join(f".{name} {{ {decl} }}" for decl, name in self.rules.items())


def _line_view(ln: Line, classes: _FontClasses, composer: Composer) -> dict:
    main = ln.style
    spans = [{"text": r.text, "cls": "" if r.style == main else classes.span_class(r.style)} for r in ln.runs]
    # a fixed width (the line's own, and a little room) spares WeasyPrint the shrink-to-fit sizing of
    # every absolutely positioned line; the text is placed by `left` and letter-spacing alone
    return {"kind": ln.kind, "cls": classes.line_class(main), "x": ln.x, "w": ln.width + 2 * main.size,
            "top": ln.baseline - composer.ascent(main), "ls": ln.letter_spacing, "spans": spans}


def build_html(doc: Document, house: House, fonts: FontSet, variant: str = "screen",
               pages: list[Page] | None = None) -> tuple[str, list[Page]]:
    composer = Composer(house, fonts)
    if pages is None:
        pages = composer.compose(doc)
    palette = Palette(house, variant)
    classes = _FontClasses(fonts, composer, palette)
    seals = variant != "print"  # the print shop's copy is stamped by hand or 套印, not printed with the image
    views = [{"number": p.number, "numbered": p.numbered,
              "images": [{"src": Path(i.path).as_uri(), "x": i.x, "y": i.y, "width": i.width, "height": i.height}
                         for i in p.images] if seals else [],
              "rules": [{"x": r.x, "y": r.y, "width": r.width, "height": r.height, "color": palette(r.color)}
                        for r in p.rules],
              "lines": [_line_view(ln, classes, composer) for ln in p.lines]} for p in pages]
    css = render_css(house, fonts, composer, variant) + "\n" + classes.css()
    save_metrics()
    n = doc.notice
    html = _env().get_template("document.html.j2").render(
        pages=views, css=css, title="".join(n.title_lines), author="、".join(n.signatures),
        subject=n.number.text, keywords=", ".join([n.number.text, "、".join(n.signatures), "公文"]),
        created=n.stamp_date.isoformat())
    return html, pages


def write_pdf(doc: Document, house: House, fonts: FontSet, target: Path, font_config=None,
              variant: str = "screen", pages: list[Page] | None = None, worker=None) -> list[Page]:
    """Render the document to `target` (the caller makes the write atomic). Watch mode passes one
    WeasyPrint FontConfiguration for all rebuilds, so fontconfig is not set up anew each time.

    `variant`: "screen" (the ordinary PDF), "print" (PDF/X-4 for the print shop: every colour in DeviceCMYK,
    black as pure K, the house red as CMYK, an output intent from the ICC profile of the house style) or
    "archive" (PDF/A-2b, with title, author, subject and keywords — the 文号 among them — in its XMP).

    `worker`: a RenderWorker (engine.py): the HTML is sent to it and this returns at once; the file is
    written when `worker.wait()` returns."""
    html, pages = build_html(doc, house, fonts, variant, pages)
    job = dict(base_url=str(ROOT), pdf_variant=VARIANTS[variant], allowed=_allowed(doc, house, variant))
    # the PDF's dates come from the content (<meta dcterms.created> = 成文日期), so equal content gives
    # equal bytes
    if worker is not None:
        worker.submit(html, target, **job)  # the caller waits for it (worker.wait()) before using the file
    else:
        render(html, target, font_config=font_config, **job)
    return pages


def _allowed(doc: Document, house: House, variant: str) -> frozenset[str]:
    """The only files the render may read: the print variant's ICC profile, or the seal images."""
    if variant == "print":
        return frozenset({icc_profile(house).as_uri()})
    return frozenset(Path(s).as_uri() for s in doc.notice.seals)
