"""Real plans lay out as a careful typesetter would (GB/T 9704 §7.3.1, §7.3.5, §7.3.5.5).

Each situation is reproduced by a realistic document of our own making — the 2024 notice and the examples,
edited the way an office edits them (a sentence more in the 正文, a longer 导语, four joint organs, a 代章
line, a plan title with its period) — built with build.py and measured in the PDF with pdfplumber: rows used
per page, line pitch, where headings fall, title line widths, the 署名 rows. Expected values come from the
standard and the content, never from the program's own output.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest
import yaml

from conftest import (
    build,
    LINES_PER_PAGE,
    ROOT,
    TYPE_HEIGHT_MM,
    TYPE_LEFT_MM,
    TYPE_RIGHT_MM,
    TYPE_TOP_MM,
    read_page,
    text_lines,
)

GRID_MM = TYPE_HEIGHT_MM / LINES_PER_PAGE  # 10.23 mm: one line of the grid
MIN_PITCH_MM = 26 * 25.4 / 72  # house: min_line_pitch_pt (README: 行距最多收到 26 磅)
MORE = "各单位要结合实际，细化工作措施，明确责任分工，确保各项任务落到实处。"
GROW = "坚持系统观念，统筹推进各项改革任务，形成上下联动、协同推进的工作格局。" * 20
HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")


def _load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _dump(path: Path, data) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _notice_file(year_dir: Path) -> Path:
    return next(p for p in sorted(year_dir.glob("*.yaml")) if "发文字号" in p.read_text(encoding="utf-8"))


def _grow_body(year_dir: Path, text: str) -> None:
    f = _notice_file(year_dir)
    d = _load(f)
    body = d["正文"] if isinstance(d["正文"], list) else [d["正文"]]
    body[0] += text
    d["正文"] = body
    _dump(f, d)


def _grow_preamble(year_dir: Path, name: str, chars: int) -> None:
    f = year_dir / name
    d = _load(f)
    d["导语"] = (d["导语"] if isinstance(d["导语"], str) else "".join(d["导语"])) + GROW[:chars]
    _dump(f, d)


def _joint_four(year_dir: Path) -> None:
    f = _notice_file(year_dir)
    d = _load(f)
    organs = ["普陀区教育工作党委", "上海市普陀区教育局", "普陀区人社局", "上海市普陀区财政局"]
    d["发文机关标志"]["机关"] = organs
    d["发文机关署名"] = organs
    d["代章"] = "中共上海市普陀区教育工作委员会"
    d["附注"] = "此件公开发布"
    _dump(f, d)


def _plan_title(year_dir: Path) -> None:
    f = _notice_file(year_dir)
    d = _load(f)
    d["标题"] = "上海市宝山区教育局关于印发《宝山区教育数字化转型三年行动方案（2025—2027年）》的通知"
    _dump(f, d)


# name → (source folder, year, edit)
DOCS = {
    # the 正文 a little longer: the 署名 and date no longer fit under it by one line (page 1) or by two
    # (a 正文 running onto page 2)
    "署名差一行": (ROOT / "content", "2024", lambda d: _grow_body(d, GROW[:18])),
    "署名差两行": (ROOT / "content", "2024", lambda d: _grow_body(d, GROW[:657])),
    # a longer 导语: 一、 and its first lines fall at the foot of the attachment's first page
    "标题落在页末": (ROOT / "examples" / "四级标题", "2025", lambda d: _grow_preamble(d, "行动方案.yaml", 126)),
    "标题落在页末2": (ROOT / "examples" / "四级标题", "2025", lambda d: _grow_preamble(d, "行动方案.yaml", 333)),
    # two attachments: the 附件说明 of two names does not fit with the 署名 on page 1
    "联合两个附件": (ROOT / "examples" / "联合发文", "2022", lambda d: None),
    "联合四机关代章": (ROOT / "examples" / "联合发文", "2022", _joint_four),
    "行动方案标题": (ROOT / "content", "2024", _plan_title),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """Each document of DOCS edited from its source and built with build.py: name → the notice PDF."""
    out = {}
    tmp = tmp_path_factory.mktemp("typeset")
    for name, (root, year, edit) in DOCS.items():
        content = tmp / name / "content"
        shutil.copytree(root / year, content / year)
        edit(content / year)
        r = build("--content", str(content), "--year", year, "--output", str(tmp / name / "out"))
        assert r.returncode == 0, (name, r.stderr)
        pdf = sorted((tmp / name / "out" / year).glob("*.pdf"))[0]
        out[name] = pdf
    return out


def pages_of(pdf_path: Path) -> list[dict]:
    """Per page: body lines (size ≥ 15.5 pt, page number left out) as (baseline mm, x0, x1, text), the
    median line pitch (mm), whether footnotes stand on it, and the rows of the grid its text uses."""
    out = []
    with pdfplumber.open(pdf_path) as pdf:
        for p in pdf.pages:
            t = read_page(p)
            body = sorted(
                ((ln.baseline, ln.x0, ln.x1, ln.text.replace(" ", "")) for ln in t.body if ln.size >= 15.5),
                key=lambda x: x[0],
            )
            steps = sorted(b[0] - a[0] for a, b in zip(body, body[1:]) if 7 < b[0] - a[0] < 11.5)
            pitch = steps[len(steps) // 2] if steps else GRID_MM
            last = body[-1][0] if body else TYPE_TOP_MM
            # the last text line's row, counted in lines of the page's own pitch from the 版心 top
            rows = round((last - TYPE_TOP_MM - 0.5 * pitch - 0.38 * 16 * 25.4 / 72) / pitch) + 1 if body else 0
            out.append(
                {
                    "body": body,
                    "pitch": pitch,
                    "notes": bool(t.footnotes),
                    "rows": rows,
                    "lines": [ln.text.replace(" ", "") for ln in text_lines(p)],
                }
            )
    return out


def test_the_signature_short_by_a_line_or_two_stays_with_its_page_by_closing_the_pitch(built):
    """§7.3.5.5: the 署名 and date that do not fit under the text by one or two lines are kept on the
    page by closing its line pitch (调整行距) — within the house bound (26 pt) — not carried over with
    two lines of body text, leaving page 1 six lines short as before."""
    for name, at in (("署名差一行", 0), ("署名差两行", 1)):
        pages = pages_of(built[name])
        page = pages[at]
        assert page["body"][-1][3].endswith("2024年2月4日"), (name, page["body"][-3:])
        assert any("认真贯彻执行" in t or "坚持系统观念" in t for *_, t in page["body"]), name  # with 正文
        assert MIN_PITCH_MM - 0.05 <= page["pitch"] < GRID_MM - 0.1, (name, page["pitch"])
        assert page["body"][-1][0] <= TYPE_TOP_MM + TYPE_HEIGHT_MM + 0.1, name  # inside the 版心
        assert pages[at + 1]["lines"][0] == "附件", name  # the attachment follows on the next page
        assert all(p["rows"] >= LINES_PER_PAGE for p in pages[:at]), name


def test_no_heading_ends_a_page_and_each_keeps_two_lines_of_what_follows(built):
    """A heading (一、 （一）) is never a page's last line, and the paragraph under it keeps at least its
    first two lines on the heading's page — on pages where the longer 导语 brings a heading to the foot."""
    for name in ("标题落在页末", "标题落在页末2", "署名差一行"):
        pages = pages_of(built[name])
        for k, p in enumerate(pages, 1):
            texts = [t for *_, t in p["body"]]
            for i, t in enumerate(texts):
                if HEADING.match(t) and len(t) < 30:
                    after = [x for x in texts[i + 1 :] if not HEADING.match(x)]
                    assert len(after) >= 2 or not texts[i + 1 :] == [], (name, k, t, texts[i + 1 :])
                    assert len(texts[i + 1 :]) >= 2 or k == len(pages), (name, k, t)


def test_no_page_ends_more_than_two_lines_short_where_the_text_goes_on(built):
    """Every page the text runs on from is filled to within two lines (pages before an attachment, the
    last page and the page before the 版记's are free to end short), with its line pitch between the
    bounds the README states."""
    # the 四级标题 notice's page 1 is left out: its 正文, 附件说明, 署名, date and 附注 need 17 grid lines
    # under the title where the page has room for 12 (13 at 26 pt); carrying its last paragraph over is
    # all that is left (README)
    for name, first in (
        ("标题落在页末", 2),
        ("标题落在页末2", 2),
        ("署名差一行", 0),
        ("署名差两行", 0),
        ("联合两个附件", 0),
    ):
        pages = pages_of(built[name])
        for k, p in enumerate(pages[:-2], 1):
            if re.fullmatch(r"附件\d*", pages[k]["lines"][0]) or k <= first:
                continue  # an attachment starts on a new page
            assert p["rows"] >= LINES_PER_PAGE - 2, (name, k, p["rows"], p["body"][-1][3])
            assert MIN_PITCH_MM - 0.05 <= p["pitch"] <= GRID_MM + 0.05, (name, k, p["pitch"])


def test_an_attachment_note_of_two_names_may_turn_the_page_between_them(built):
    """附件说明 of two attachments that cannot stand with the 署名 on page 1: the page turns between the
    two names (each name whole), so page 1 is full and the 署名 page carries the 附件说明's second name."""
    pages = pages_of(built["联合两个附件"])
    one, two = pages[0]["body"], pages[1]["body"]
    assert one[-1][3].startswith("规划") or "附件：1." in "".join(t for *_, t in one), one[-2:]
    assert two[0][3].startswith("2."), two[:2]  # the second name opens page 2, whole
    assert any(t.endswith("2022年10月10日") for *_, t in two)
    assert pages[0]["rows"] >= LINES_PER_PAGE - 2


def test_joint_signature_rows_align_and_the_seal_by_line_stands_under_the_date(built):
    """Four joint organs two to a row (§7.3.5.1): the first names of both rows share one centre, the
    second names are centred on the date; the （…代章） line is on the next grid line under the date,
    centred on it like the 署名, and the 附注 follows it."""
    p = next(pg for pg in pages_of(built["联合四机关代章"]) if any("代章" in t for *_, t in pg["body"]))
    lines = {t: (b, x0, x1) for b, x0, x1, t in p["body"]}
    date = next(v for t, v in lines.items() if t.endswith("2022年10月10日"))
    rows = [(b, x0, x1, t) for b, x0, x1, t in p["body"] if "普陀区" in t and "代章" not in t and b < date[0]]
    rows = [
        r
        for r in rows
        if r[3] in ("普陀区教育工作党委上海市普陀区教育局", "普陀区人社局上海市普陀区财政局")
        or r[3] in ("普陀区教育工作党委", "上海市普陀区教育局", "普陀区人社局", "上海市普陀区财政局")
    ]
    with pdfplumber.open(built["联合四机关代章"]) as pdf:
        page = next(pg for pg in pdf.pages if "代章" in pg.extract_text())
        segs = [
            s
            for ln in text_lines(page)
            if "普陀区" in ln.text and "代章" not in ln.text and ln.baseline < date[0]
            for s in ln.segments(2.0)
        ]
    firsts = [s for s in segs if s.text.replace(" ", "") in ("普陀区教育工作党委", "普陀区人社局")]
    seconds = [s for s in segs if s.text.replace(" ", "") in ("上海市普陀区教育局", "上海市普陀区财政局")]
    assert len(firsts) == 2 and len(seconds) == 2, [s.text for s in segs]
    assert abs(firsts[0].centre - firsts[1].centre) < 0.5, [s.centre for s in firsts]
    date_centre = (date[1] + date[2]) / 2
    assert all(abs(s.centre - date_centre) < 0.5 for s in seconds), ([s.centre for s in seconds], date_centre)
    seal_by = next(v for t, v in lines.items() if t == "（中共上海市普陀区教育工作委员会代章）")
    assert abs(seal_by[0] - date[0] - GRID_MM) < 0.3 or abs(seal_by[0] - date[0] - p["pitch"]) < 0.3
    assert abs((seal_by[1] + seal_by[2]) / 2 - date_centre) < 0.5 or seal_by[2] <= TYPE_RIGHT_MM + 0.1
    assert seal_by[2] <= TYPE_RIGHT_MM + 0.1 and seal_by[1] >= TYPE_LEFT_MM - 0.1
    note = next(v for t, v in lines.items() if t == "（此件公开发布）")
    assert note[0] > seal_by[0]  # 附注 after the 代章 line


def test_a_three_line_title_is_a_trapezoid_or_diamond_and_breaks_between_words(built):
    """§7.3.1: a title of three lines is not widest at its foot (梯形 or 菱形), and no line break falls
    inside 行动方案 or a year range."""
    with pdfplumber.open(built["行动方案标题"]) as pdf:
        page = pdf.pages[0]
        title = [ln for ln in text_lines(page) if 21 < ln.size < 23 and ln.baseline > 60]
    texts = [ln.text.replace(" ", "") for ln in title]
    assert "".join(texts) == "上海市宝山区教育局关于印发《宝山区教育数字化转型三年行动方案（2025—2027年）》的通知"
    assert len(title) == 3, texts
    widths = [ln.x1 - ln.x0 for ln in title]
    assert widths[-1] <= max(widths[:-1]) + 1.0, (texts, widths)
    for a, b in zip(texts, texts[1:]):
        assert not (a.endswith("行动") and b.startswith("方案")), texts
        assert not (a.endswith("—") or b.startswith("—")), texts


def test_the_title_rule_holds_for_real_plan_titles_in_process():
    """The same rules over titles of real 公文 (in process: the title breaker with the installed fonts)."""
    from gongwen.fonts import resolve_fonts
    from gongwen.house import load_house
    from gongwen.layout import Composer, Run, Style

    house = load_house()
    import tempfile

    c = Composer(house, resolve_fonts(house["fonts"], Path(tempfile.mkdtemp())))
    st = Style("xiaobiaosong", float(house["sizes_pt"]["title"]))
    titles = [
        "上海市宝山区教育局关于印发《宝山区教育数字化转型三年行动方案（2025—2027年）》的通知",
        "上海市闵行区教育局关于印发《闵行区深化义务教育优质均衡发展三年行动计划（2024—2026年）》的通知",
        "上海市静安区教育局关于印发《静安区学前教育高质量发展三年行动方案（2023—2025年）》的通知",
        "中共上海市嘉定区教育工作委员会上海市嘉定区教育局关于印发《嘉定区推进教育数字化转型行动方案》的通知",
        "上海市浦东新区教育局关于转发《上海市教育委员会关于做好2024年本市中小学招生入学工作的实施意见》的通知",
    ]
    for t in titles:
        lines = c.title_lines([t], st)
        assert "".join(lines) == t
        widths = [c.natural_width([Run(x, st)]) for x in lines]
        assert max(widths) <= c.W + 0.01, lines
        if len(lines) >= 3:
            assert widths[-1] <= max(widths[:-1]) + st.size / 2, lines
        for a, b in zip(lines, lines[1:]):
            for word in ("行动方案", "行动计划", "实施意见", "工作要点"):
                assert not any(a.endswith(word[:k]) and b.startswith(word[k:]) for k in range(1, len(word))), lines


def test_a_dash_between_years_never_starts_or_ends_a_line_in_process():
    """避头尾 for the 连接号: in 附件说明 and body lines broken at every offset, “—” of 2025—2027年 is never
    a line's first or last character (a 破折号 —— stays whole)."""
    from gongwen.fonts import resolve_fonts
    from gongwen.house import load_house
    from gongwen.layout import Composer, Run
    import tempfile

    house = load_house()
    c = Composer(house, resolve_fonts(house["fonts"], Path(tempfile.mkdtemp())))
    text = "附件：宝山区教育数字化转型三年行动方案（2025—2027年）和闵行区行动计划（2024—2026年）——附表"
    for pre in range(0, 28):
        for indent in (0.0, 2 * c.cell):
            lines = [
                "".join(r.text for r in ln.runs) for ln in c.paragraph_lines([Run("测" * pre + text, c.body)], indent)
            ]
            for ln in lines:
                assert not (ln.startswith("—") and not ln.startswith("——")), (pre, lines)
                assert not (ln.endswith("—") and not ln.endswith("——")), (pre, lines)
                assert "——" in "".join(lines)


def test_lines_with_latin_words_digits_and_symbols_stay_inside_the_type_area(built, tmp_path):
    """Lines mixing Latin words, digits and symbols (STEM+, Python 3.12, Wi-Fi 6, 021-56988006, a URL)
    are measured with the fonts that draw them: none ends past the 版心's right edge."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "2024", content / "2024")
    f = content / "2024" / "attachment.yaml"
    d = _load(f)
    items = d["部分"][0]["条目"]
    texts = [
        "推进STEM+教育发展，建设AI实验室和5G+智慧校园，推广ChatGPT、DeepSeek等大模型在教学中的应用，开展Python 3.12编程课程。",
        "依托在线培育平台（www.bsedu.sh.cn/talent），完成iPad、Chromebook等终端配备，推进BYOD（Bring Your Own Device）试点。",
        "IB、AP、A-Level课程学校不少于3所，PISA 2025测试样本校参与率100%，OECD社会与情感能力测评（SSES）持续开展。",
        "完成校园网IPv6改造、Wi-Fi 6全覆盖，数据中心PUE值降至1.3以下，等级保护2.0测评通过率100%，联系电话021-56988006。",
    ]
    for i, t in enumerate(texts):
        items[i]["内容"] = t * 3
    _dump(f, d)
    r = subprocess.run(
        [
            sys.executable,
            "build.py",
            "--content",
            str(content),
            "--year",
            "2024",
            "--output",
            str(tmp_path / "out"),
            "-q",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr
    checked = 0
    with pdfplumber.open(tmp_path / "out" / "2024" / "宝教〔2024〕1号.pdf") as pdf:
        for page in pdf.pages[1:5]:
            for ln in text_lines(page):
                if re.search(r"[A-Za-z0-9]{2}", ln.text):
                    checked += 1
                    assert ln.x1 <= TYPE_RIGHT_MM + 0.2 and ln.x0 >= TYPE_LEFT_MM - 0.2, (ln.text, ln.x0, ln.x1)
    assert checked >= 20


def test_the_seal_by_line_is_in_the_docx_under_the_date_and_imports_back(built, tmp_path):
    """The DOCX carries the 代章 line as its own paragraph (style 代章) right after the 成文日期, centred on
    the date's tab stop; LibreOffice shows it on the line under the date; importing the DOCX gives the
    代章 field back, and the 附注 after it."""
    import zipfile

    from gongwen.libreoffice import docx_to_pdf
    from gongwen.source.docx_import import import_docx

    docx = built["联合四机关代章"].with_suffix(".docx")
    xml = zipfile.ZipFile(docx).read("word/document.xml").decode("utf-8")
    date_at = xml.index("2022年10月10日")
    seal_at = xml.index("（中共上海市普陀区教育工作委员会代章）")
    assert date_at < seal_at < xml.index("（此件公开发布）")
    between = xml[date_at:seal_at]
    assert between.count("<w:p>") + between.count("<w:p ") == 1 and 'w:val="GwSealBy"' in between
    got = import_docx(docx)
    assert got.notice["代章"] == "中共上海市普陀区教育工作委员会", got.notice
    assert got.notice["附注"] == "此件公开发布"
    conf = sorted((docx.parent.parent / ".cache").glob("fontconfig-*/fonts-aliases.conf"))[0]
    lo = docx_to_pdf(docx, tmp_path / "lo", conf, profile=tmp_path / "profile")
    with pdfplumber.open(lo) as pdf:
        lines = [ln for p in pdf.pages for ln in text_lines(p)]
    k = next(i for i, ln in enumerate(lines) if ln.text.replace(" ", "") == "2022年10月10日")
    seal = lines[k + 1]
    assert seal.text.replace(" ", "") == "（中共上海市普陀区教育工作委员会代章）"
    assert 9.0 < seal.baseline - lines[k].baseline < 11.0  # the next line of the grid
    assert abs(seal.centre - lines[k].centre) < 1.0 or seal.x1 <= TYPE_RIGHT_MM + 0.5


def test_the_docx_closes_the_same_pages_so_libreoffice_keeps_them_together(built, tmp_path):
    """Where the PDF closed a page's pitch, the DOCX gives those paragraphs the same exact line spacing
    (half a point less, off the grid): LibreOffice then keeps the 署名 with page 1 of the notice and
    lays out the same number of pages as the PDF."""
    from gongwen.libreoffice import docx_to_pdf

    for name in ("署名差一行", "标题落在页末"):
        pdf = built[name]
        conf = sorted((pdf.parent.parent / ".cache").glob("fontconfig-*/fonts-aliases.conf"))[0]
        lo = docx_to_pdf(pdf.with_suffix(".docx"), tmp_path / name, conf, profile=tmp_path / "profile")
        ours, theirs = pages_of(pdf), pages_of(lo)
        assert len(theirs) == len(ours), (name, len(ours), len(theirs))
        sig = next(k for k, p in enumerate(ours) if any(re.search(r"\d+年\d+月\d+日$", t) for *_, t in p["body"]))
        assert any(re.search(r"\d+年\d+月\d+日$", t) for *_, t in theirs[sig]["body"]), (name, sig)
        closed = [k for k, p in enumerate(ours) if p["pitch"] < GRID_MM - 0.1 and not p["notes"]]
        assert closed and all(theirs[k]["pitch"] < GRID_MM - 0.1 for k in closed), (name, closed)
