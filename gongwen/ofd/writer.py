"""The OFD writer: the composed pages (layout.Page — every line, rule and seal already placed) drawn as
GB/T 33190-2016 pages, so that the glyphs stand where the PDF has them.

* one TextObject per run of a line: the run's font and size, TextCode with X/Y (the baseline) and DeltaX
  from the composed advances (each glyph's advance plus the line's letter spacing, as the PDF draws it);
* PathObjects (filled rectangles) for the red rule, the footnote rules and the 版记's rules;
* ImageObjects for the seals; the page numbers “— N —” (lines of the composed pages, as in the PDF);
* the fonts embedded as subsets of the very faces the layout measured (HarfBuzz's subsetter, as the PDF);
* DocInfo: title, author (发文机关), subject and keywords (文号), dates from the content.

Units are mm, the origin the paper's top-left corner. The package is deterministic: the same content
gives the same bytes (fixed member order and times, a DocID made from the content).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from .. import __version__
from ..errors import BuildError
from ..house import MM, House
from ..layout import Composer, Run, Style

NS = "http://www.ofdspec.org/2016"
_FIXED_TIME = (2000, 1, 1, 0, 0, 0)


def _n(v: float) -> str:
    """A number as OFD writes it: mm, at most three decimals, no trailing zeros."""
    s = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _rgb(color: str) -> str:
    c = (color or "#000000").lstrip("#")
    return " ".join(str(int(c[i : i + 2], 16)) for i in (0, 2, 4))


def truetype_outlines(data: bytes) -> bytes:
    """An OpenType font with CFF outlines (a subset) as the same font with TrueType (glyf) outlines: the
    cubic curves approximated by quadratic ones within one font unit, the contours turned clockwise as
    TrueType draws them. GB/T 42133 §6.2.6 c lists the glyf and loca tables among those an embedded
    subset keeps, and readers built on ReportLab cannot draw CFF outlines at all."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(io.BytesIO(data), recalcTimestamp=False)  # the bytes stay the same build to build
    if "CFF " not in font:  # CFF2 (a variable font's outlines): left as it is
        return data
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    hmtx = font["hmtx"]
    for name in order:  # the left side bearing is the outline's left edge in TrueType
        g = glyf[name]
        if g.numberOfContours:
            g.recalcBounds(glyf)
            hmtx[name] = (hmtx[name][0], g.xMin)
    font["glyf"], font["loca"] = glyf, newTable("loca")
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 3.0, [], {}
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.maxStackElements = maxp.maxSizeOfInstructions = maxp.maxComponentElements = maxp.maxComponentDepth = 0
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


class _Ids:
    """The document's IDs (ST_ID): one sequence for pages, resources and objects, so that each is unique."""

    def __init__(self, first: int):
        self.last = first - 1

    def __call__(self) -> int:
        self.last += 1
        return self.last


class _Fonts:
    """The faces the pages use, each embedded once as a subset of the characters drawn in it."""

    def __init__(self, fonts, ids: "_Ids", truetype: bool = False):
        self.fonts, self.new_id, self.truetype = fonts, ids, truetype
        self.ids: dict[tuple[str, bool], int] = {}
        self.chars: dict[tuple[str, bool], set[str]] = {}

    def use(self, st: Style, text: str) -> int:
        key = (st.role, st.bold)
        if key not in self.ids:
            self.ids[key] = self.new_id()
            self.chars[key] = set()
        self.chars[key].update(text)
        return self.ids[key]

    def resources(self) -> tuple[str, dict[str, bytes]]:
        import uharfbuzz as hb

        entries, files = [], {}
        for key, fid in sorted(self.ids.items(), key=lambda kv: kv[1]):
            face = self.fonts[key[0]].face
            blob = hb.Blob.from_file_path(face.file)
            inp = hb.SubsetInput()
            inp.sets(hb.SubsetInputSets.UNICODE).update({ord(c) for c in self.chars[key]})
            data = bytes(hb.subset(hb.Face(blob, face.index), inp).blob.data)
            if self.truetype and data[:4] == b"OTTO":
                try:
                    data = truetype_outlines(data)
                except Exception as exc:  # noqa: BLE001 — a font fontTools cannot redraw: said, not a traceback
                    raise BuildError(
                        f"存档用 OFD/A：字体 {Path(face.file).name} 的字形无法转换为 TrueType 字形"
                        f"（{type(exc).__name__}: {exc}）。请换用其他字体，或不生成存档版（去掉 --variant archive）"
                    ) from None
            ext = "otf" if data[:4] == b"OTTO" else "ttf"
            name = f"font_{fid}.{ext}"
            files[name] = data
            family = escape(face.families[0], {'"': "&quot;"})
            bold = ' Bold="true"' if key[1] or face.weight >= 200 else ""
            entries.append(
                f'<ofd:Font ID="{fid}" FontName="{family}" FamilyName="{family}"{bold}>'
                f"<ofd:FontFile>{name}</ofd:FontFile></ofd:Font>"
            )
        return "".join(entries), files


GENRES = "决议 决定 命令 令 公报 公告 通告 意见 通知 通报 报告 请示 批复 议案 函 纪要".split()  # 文种 (条例 §8)


def archive_metadata(doc, pages: int) -> list[tuple[str, str]]:
    """DocInfo's custom data: the document's description under the names of the 文书类电子文件元数据
    (DA/T 46) — as GB/T 42133 §6.2.1 b asks of an archived OFD; empty fields left out."""
    n, c = doc.notice, doc.colophon
    title = "".join(n.title_lines)
    secrecy, _, term = n.secrecy.partition("★")
    genre = next((g for g in sorted(GENRES, key=len, reverse=True) if title.endswith(g)), "")
    rows = [
        ("题名", title),
        ("文件编号", n.number.text),
        ("责任者", "、".join(n.signatures)),
        ("日期", n.date.isoformat() if n.date else ""),
        ("文种", genre),
        ("紧急程度", n.urgency),
        ("密级", secrecy),
        ("保密期限", term),
        ("主送", n.recipients.rstrip("：:")),
        ("抄送", "、".join(c.cc)),
        ("页数", str(pages)),
    ]
    return [(k, v) for k, v in rows if v]


def write_ofd(doc, house: House, fonts, pages, target: Path, archival: bool = False) -> None:
    """Write the OFD of the composed `pages` of `doc` to `target`; `archival`: as OFD/A (GB/T 42133)."""
    target.write_bytes(ofd_bytes(doc, house, fonts, pages, archival))


def ofd_bytes(doc, house: House, fonts, pages, archival: bool = False) -> bytes:
    composer = Composer(house, fonts)
    pg = house["page"]
    left, top = float(pg["left_mm"]), float(pg["top_mm"])
    paper = f"0 0 {_n(float(pg['width_mm']))} {_n(float(pg['height_mm']))}"
    # IDs 1…N: the pages; N + 1: the colour space; then fonts, images and objects as they come
    colour_space = len(pages) + 1
    new_id = _Ids(colour_space + 1)
    font_res = _Fonts(fonts, new_id, truetype=archival)
    media: list[tuple[int, str, bytes]] = []  # (id, file name, bytes) of the seal images
    media_ids: dict[str, int] = {}
    contents: list[str] = []

    def text_object(runs: list[Run], x_pt: float, baseline_pt: float, ls: float) -> list[str]:
        out = []
        x = x_pt
        for run in runs:
            if not run.text:
                continue
            st = run.style
            fid = font_res.use(st, run.text)
            advs = [composer.adv(ch, st) + ls for ch in run.text]
            size = st.size
            base = baseline_pt - (0.5 * st.size if st.call else 0.0)  # a footnote call, raised half an em
            width = sum(advs)
            bx, by = left + x / MM, top + (base - st.size) / MM
            h = 1.3 * st.size / MM
            delta = " ".join(_n(a / MM) for a in advs[:-1])
            fill = f'<ofd:FillColor Value="{_rgb(st.color)}"/>' if st.color else ""
            out.append(
                f'<ofd:TextObject ID="{new_id()}" Boundary="{_n(bx)} {_n(by)} {_n(width / MM + 0.01)} {_n(h)}" '
                f'Font="{fid}" Size="{_n(size / MM)}">{fill}'
                f'<ofd:TextCode X="0" Y="{_n(st.size / MM)}"'
                + (f' DeltaX="{delta}"' if delta else "")
                + f">{escape(run.text)}</ofd:TextCode></ofd:TextObject>"
            )
            x += width
        return out

    for page in pages:
        objs: list[str] = []
        for ln in page.lines:
            objs += text_object(ln.runs, ln.x, ln.baseline, ln.letter_spacing)
        for r in page.rules:
            bx, by = left + r.x / MM, top + r.y / MM
            w, h = r.width / MM, max(r.height / MM, 0.01)
            objs.append(
                f'<ofd:PathObject ID="{new_id()}" Boundary="{_n(bx)} {_n(by)} {_n(w)} {_n(h)}" '
                f'Stroke="false" Fill="true"><ofd:FillColor Value="{_rgb(r.color)}"/>'
                f"<ofd:AbbreviatedData>M 0 0 L {_n(w)} 0 L {_n(w)} {_n(h)} L 0 {_n(h)} C</ofd:AbbreviatedData>"
                "</ofd:PathObject>"
            )
        for im in page.images:
            if im.path not in media_ids:
                mid = new_id()
                media_ids[im.path] = mid
                media.append((mid, f"image_{mid}{Path(im.path).suffix.lower() or '.png'}", Path(im.path).read_bytes()))
            w, h = im.width / MM, im.height / MM
            bx, by = left + im.x / MM, top + im.y / MM
            objs.append(
                f'<ofd:ImageObject ID="{new_id()}" Boundary="{_n(bx)} {_n(by)} {_n(w)} {_n(h)}" '
                f'CTM="{_n(w)} 0 0 {_n(h)} 0 0" ResourceID="{media_ids[im.path]}"/>'
            )
        # each page names its area, though it is the document's: GB/T 42133 §6.2.3 b would leave it out,
        # but readers then find no page size (easyofd, for one)
        contents.append(
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}"><ofd:Area>'
            f"<ofd:PhysicalBox>{paper}</ofd:PhysicalBox></ofd:Area><ofd:Content>"
            f'<ofd:Layer ID="{new_id()}" Type="Body">{"".join(objs)}</ofd:Layer></ofd:Content></ofd:Page>'
        )

    font_xml, font_files = font_res.resources()
    n = doc.notice
    title = "".join(n.title_lines)
    author = "、".join(n.signatures)
    created = n.stamp_date.isoformat()
    digest = hashlib.sha1("".join(contents).encode("utf-8") + b"".join(font_files.values())).hexdigest()[:32]
    esc = escape
    custom = "".join(
        f'<ofd:CustomData Name="{name}">{esc(value)}</ofd:CustomData>'
        for name, value in archive_metadata(doc, len(contents))
    )
    ofd_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{NS}" Version="1.0" '
        f'DocType="{"OFD-A" if archival else "OFD"}"><ofd:DocBody><ofd:DocInfo>'
        f"<ofd:DocID>{digest}</ofd:DocID><ofd:Title>{esc(title)}</ofd:Title><ofd:Author>{esc(author)}</ofd:Author>"
        f"<ofd:Subject>{esc(n.number.text)}</ofd:Subject>"
        f"<ofd:CreationDate>{created}</ofd:CreationDate><ofd:ModDate>{created}</ofd:ModDate>"
        "<ofd:Keywords>"
        f"<ofd:Keyword>{esc(n.number.text)}</ofd:Keyword><ofd:Keyword>{esc(author)}</ofd:Keyword>"
        "<ofd:Keyword>公文</ofd:Keyword></ofd:Keywords>"
        f"<ofd:Creator>gongwen</ofd:Creator><ofd:CreatorVersion>{__version__}</ofd:CreatorVersion>"
        f"<ofd:CustomDatas>{custom}</ofd:CustomDatas></ofd:DocInfo>"
        "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    )
    page_refs = "".join(f'<ofd:Page ID="{k + 1}" BaseLoc="Pages/Page_{k}/Content.xml"/>' for k in range(len(contents)))
    document_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
        f"<ofd:MaxUnitID>{new_id.last}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>{paper}</ofd:PhysicalBox>"
        "</ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>"
        + ("<ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes>" if media else "")
        + f"<ofd:DefaultCS>{colour_space}</ofd:DefaultCS>"
        + f"</ofd:CommonData><ofd:Pages>{page_refs}</ofd:Pages></ofd:Document>"
    )
    public_res = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{NS}" BaseLoc="Res">'
        f'<ofd:ColorSpaces><ofd:ColorSpace ID="{colour_space}" Type="RGB" BitsPerComponent="8"/></ofd:ColorSpaces>'
        f"<ofd:Fonts>{font_xml}</ofd:Fonts></ofd:Res>"
    )
    members = [
        ("OFD.xml", ofd_xml.encode("utf-8")),
        ("Doc_0/Document.xml", document_xml.encode("utf-8")),
        ("Doc_0/PublicRes.xml", public_res.encode("utf-8")),
    ]
    if media:
        mm_xml = "".join(
            f'<ofd:MultiMedia ID="{mid}" Type="Image"><ofd:MediaFile>{name}</ofd:MediaFile></ofd:MultiMedia>'
            for mid, name, _ in media
        )
        members.append(
            (
                "Doc_0/DocumentRes.xml",
                (
                    f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{NS}" '
                    f'BaseLoc="Res"><ofd:MultiMedias>{mm_xml}</ofd:MultiMedias></ofd:Res>'
                ).encode("utf-8"),
            )
        )
        members += [(f"Doc_0/Res/{name}", data) for _, name, data in media]
    members += [(f"Doc_0/Res/{name}", data) for name, data in font_files.items()]
    members += [(f"Doc_0/Pages/Page_{k}/Content.xml", c.encode("utf-8")) for k, c in enumerate(contents)]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, _FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()
