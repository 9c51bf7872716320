"""Legitimate content the 2024 plan does not contain, built and measured: nothing leaves the 版心, nothing
overlaps, no line breaks 避头尾, full lines are flush, every string written is in the PDF and the DOCX,
footnotes stand on their call's page (or continue on the next), pages are numbered 1..N.

Each case is a small document written the way a clerk would write it; all cases are built once per
session (one build.py run each) and every case is checked against every invariant.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
import sys
import zipfile
from pathlib import Path

import pdfplumber
import pytest
import yaml
from lxml import etree

from gongwen.transforms import CIRCLED  # ①…⑳ ㉑…㊿

from conftest import ROOT, TYPE_BOTTOM_MM, TYPE_LEFT_MM, TYPE_RIGHT_MM, TYPE_TOP_MM, mm, read_page, squash, text_lines

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PITCH_MM = 225 / 22
CELL_MM = 156 / 28
NOSTART = set("，。、；：？！”’）》〉」』】〕…%％")
NOEND = set("“‘（《〈「『【〔")
LONG_NOTE = (
    "本项目由区教育局会同区财政局、区发展改革委共同组织实施，资金按照“统筹安排、分年下达、绩效管理”的原则"
    "使用，具体办法另行制定，各学校应当在每学期开学前报送项目进展情况，"
) * 4  # ~400 characters

BASE_NOTICE = {
    "发文机关标志": "上海市宝山区教育局文件",
    "发文字号": {"机关代字": "宝教", "年份": 2030, "序号": 1},
    "标题": "上海市宝山区教育局关于印发《宝山区教育工作要点》的通知",
    "主送机关": "各中小学、幼儿园",
    "正文": ["现将《宝山区教育工作要点》印发给你们，请认真贯彻执行。"],
    "附件": ["a.yaml"],
    "发文机关署名": "上海市宝山区教育局",
    "成文日期": "2030-02-04",
    "版记": {"印发机关": "上海市宝山区教育局办公室", "印发日期": "2030-02-04", "印数": 100},
}


def item(lead: str, text: str) -> dict:
    return {"要点": lead, "内容": text}


def plan(parts: list[dict], title: str = "宝山区教育工作要点") -> dict:
    return {"标题": title, "导语": "为做好本年度教育工作，制定本要点。", "部分": parts}


def paragraph(n: int) -> str:
    """n characters of plausible body text, with punctuation where a clerk would put it."""
    base = "深化教育综合改革，推进义务教育优质均衡发展，加强教师队伍建设，提升学校治理能力和水平。"
    return (base * (n // len(base) + 1))[: n - 1] + "。"


def case(notice_changes: dict | None = None, attachments: dict | None = None) -> tuple[dict, dict]:
    notice = {**BASE_NOTICE, **(notice_changes or {})}
    notice = {k: v for k, v in notice.items() if v is not None}
    atts = (
        attachments
        if attachments is not None
        else {"a.yaml": plan([{"标题": "加强党的建设", "条目": [item("坚持理论武装。", paragraph(120))]}])}
    )
    return notice, atts


CASES = {
    "long-footnotes": case(
        attachments={
            "a.yaml": plan(
                [
                    {
                        "标题": "加强党的建设",
                        "条目": [
                            item(
                                "坚持理论武装。",
                                paragraph(300)
                                + "推进项目建设"
                                + "".join(f"^[{LONG_NOTE}]" for _ in range(4))
                                + "，"
                                + paragraph(400),
                            )
                        ],
                    }
                ]
            )
        }
    ),
    "many-footnotes": case(
        attachments={
            "a.yaml": plan(
                [
                    {
                        "标题": "加强党的建设",
                        "条目": [
                            item(f"第{i}项工作。", paragraph(60) + f"组织实施^[第{i}项工作的具体安排另行通知]。")
                            for i in range(1, 26)
                        ],
                    }
                ]
            )
        }
    ),
    "long-signature": case(
        {"发文机关署名": "中共上海市宝山区教育工作委员会上海市宝山区教育局上海市宝山区人民政府教育督导室"}
    ),
    "long-printer-and-cc": case(
        {
            "版记": {
                "印发机关": "中共上海市宝山区教育工作委员会、上海市宝山区教育局办公室",
                "印发日期": "2030-02-04",
                "抄送": [f"区属第{i}中学" for i in range(1, 31)],
            }
        }
    ),
    "tabs-and-combining": case(
        attachments={
            "a.yaml": plan(
                [
                    {
                        "标题": "加强国际交流",
                        "条目": [
                            item(
                                "开展交流活动。",
                                "与Cafe\u0301 Lumière学校\t开展合作，邀请葛\U000e0100洪教授讲学，" + paragraph(200),
                            )
                        ],
                    }
                ]
            )
        }
    ),
    "dashes": case(
        attachments={
            "a.yaml": plan(
                [
                    {
                        "标题": "做好学年工作（2024—2025学年）和暑期安排（2025—2026学年）",
                        "条目": [item("推进项目。", paragraph(25) + "——" + paragraph(60) + "——" + paragraph(80))] * 6,
                    }
                ]
            )
        }
    ),
    "latin-words": case(
        attachments={
            "a.yaml": plan(
                [
                    {
                        "标题": "加强国际交流",
                        "条目": [
                            item(
                                "推进双语标识。",
                                ("在Bǎoshān Qū和Yángpǔ Qū设置双语标识，推广Zhōngguó Jiàoyù品牌，" * 30),
                            )
                        ],
                    }
                ]
            )
        }
    ),
    "two-attachments-long-note": case(
        {"正文": [paragraph(420)], "附件": ["a.yaml", "b.yaml"]},
        {
            "a.yaml": plan(
                [{"标题": "加强党的建设", "条目": [item("坚持理论武装。", paragraph(80))]}],
                title="宝山区教育系统深化新时代教育评价改革重点任务分工方案及工作推进安排表",
            ),
            "b.yaml": plan(
                [{"标题": "加强党的建设", "条目": [item("坚持理论武装。", paragraph(80))]}],
                title="宝山区教育系统2030年度重点工作项目清单",
            ),
        },
    ),
    "long-titles": case(
        {"标题": "上海市长宁区教育局关于下发《上海市长宁区教育数字化转型三年行动方案》的通知"},
        {
            "a.yaml": plan(
                [{"标题": "加强党的建设", "条目": [item("坚持理论武装。", paragraph(80))]}],
                title="上海市长宁区教育数字化转型三年行动方案",
            )
        },
    ),
    # 138 characters: weighing every way of cutting it into lines would not end; it is filled instead
    "very-long-title": case(
        attachments={
            "a.yaml": plan(
                [{"标题": "加强党的建设", "条目": [item("坚持理论武装。", paragraph(80))]}],
                title="上海市宝山区教育局关于进一步加强和改进新时代中小学校党的建设工作推动教育高质量发展的实施意见"
                * 3,
            )
        }
    ),
    "joint-mark-as-one-string": case({"发文机关标志": "中共上海市宝山区教育工作委员会上海市宝山区教育局文件"}),
    "hundred-parts": case(
        attachments={
            "a.yaml": plan([{"标题": f"第{i}方面工作", "条目": [item("落实。", paragraph(20))]} for i in range(1, 102)])
        }
    ),
    "huge-paragraph": case(
        attachments={"a.yaml": plan([{"标题": "加强党的建设", "条目": [item("坚持理论武装。", paragraph(3000))]}])}
    ),
    "three-hundred-items": case(
        attachments={
            "a.yaml": plan(
                [
                    {
                        "标题": f"第{p}方面工作",
                        "条目": [item(f"做好第{p * 10 + i}项工作。", paragraph(70)) for i in range(30)],
                    }
                    for p in range(10)
                ]
            )
        }
    ),
    "urls-and-long-words": case(
        attachments={
            "a.yaml": plan(
                [
                    {
                        "标题": "推进信息化",
                        "条目": [
                            item(
                                "建设平台。",
                                "访问https://www.example.edu.cn/platform/service/index.html?from=baoshan&year=2030获取，"
                                "Pneumonoultramicroscopicsilicovolcanoconiosis一词，" + paragraph(100),
                            )
                        ],
                    }
                ]
            )
        }
    ),
}


@pytest.fixture(scope="session")
def built_cases(tmp_path_factory) -> dict[str, tuple[Path, subprocess.CompletedProcess]]:
    root = tmp_path_factory.mktemp("adversarial")
    out = {}
    for name, (notice, atts) in CASES.items():
        year = root / name / "content" / "2030"
        year.mkdir(parents=True)
        (year / "notice.yaml").write_text(yaml.safe_dump(notice, allow_unicode=True, sort_keys=False), encoding="utf-8")
        for fname, data in atts.items():
            (year / fname).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        r = subprocess.run(
            [
                sys.executable,
                "build.py",
                "--content",
                str(year.parent),
                "--year",
                "2030",
                "--output",
                str(root / name / "output"),
                "-q",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        out[name] = (root / name / "output" / "2030", r)
    return out


def strings_of(node) -> list[str]:
    if isinstance(node, dict):
        return [
            s for k, v in node.items() if k not in ("附件", "条目编号", "成文日期", "印发日期") for s in strings_of(v)
        ]
    if isinstance(node, list):
        return [s for v in node for s in strings_of(v)]
    return [str(node)] if isinstance(node, str) else []


def readable(s: str) -> str:
    """Text as a reader (and a text extractor) sees it: composed (e + ◌́ = é), without the invisible
    variation selectors and format characters, white space removed."""
    s = squash(s)  # first: a combining mark may come out after the space that follows its base
    s = unicodedata.normalize("NFC", s)
    return "".join(
        ch
        for ch in s
        if unicodedata.category(ch) != "Cf" and not 0xFE00 <= ord(ch) <= 0xFE0F and not 0xE0100 <= ord(ch) <= 0xE01EF
    )


def stacked(s: str, text: str) -> bool:
    """A joint mark written as one string is stacked: each organ on its line, 文件 beside them."""
    from gongwen.transforms import split_organs

    body = s[:-2] if s.endswith("文件") else s
    parts = split_organs(body) + (["文件"] if body != s else [])
    return len(parts) > 1 and all(readable(p) in text for p in parts)


def pieces(s: str) -> list[str]:
    """A string as it should read in the output: footnote markup split off."""
    return [p for p in re.split(r"\^\[|\]", s) if p.strip()]


@pytest.mark.parametrize("name", CASES)
def test_case_builds_cleanly(name, built_cases):
    folder, r = built_cases[name]
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr and "程序内部错误" not in r.stderr
    assert list(folder.glob("*.pdf")) and list(folder.glob("*.docx"))


@pytest.mark.parametrize("name", CASES)
def test_case_layout_invariants(name, built_cases):
    folder, r = built_cases[name]
    assert r.returncode == 0, r.stderr
    pdf_path = next(folder.glob("*.pdf"))
    problems = []
    with pdfplumber.open(pdf_path) as pdf:
        pages = [(p, read_page(p)) for p in pdf.pages]
        for n, (page, pt) in enumerate(pages, 1):
            # page numbers 1..N
            if pt.page_number is None or pt.page_number.text != f"— {n} —":
                problems.append(f"p{n}: page number {pt.page_number.text if pt.page_number else None!r}")
            lines = [
                ln
                for ln in text_lines(page)
                if ln is not pt.page_number and ln.text != (pt.page_number.text if pt.page_number else None)
            ]
            for ln in lines:
                for c in ln.ink:
                    x0, x1 = mm(c["x0"]), mm(c["x1"])
                    if x0 < TYPE_LEFT_MM - 0.2 or x1 > TYPE_RIGHT_MM + 0.2:
                        problems.append(
                            f"p{n}: {c['text']!r} outside the 版心 ({x0:.1f}–{x1:.1f} mm) in {ln.text[:20]!r}"
                        )
                if ln.em_top < TYPE_TOP_MM - 0.3 or ln.em_bottom > TYPE_BOTTOM_MM + 0.3:
                    problems.append(
                        f"p{n}: line {ln.text[:20]!r} outside the 版心 vertically ({ln.em_top:.1f}–{ln.em_bottom:.1f})"
                    )
                # characters of one line do not overlap
                ink = sorted(ln.ink, key=lambda c: c["x0"])
                for a, b in zip(ink, ink[1:]):
                    # em boxes of a tightened line (标点挤压) overlap by a fraction of a point; glyphs do not
                    if mm(a["x1"] - b["x0"]) > 0.4 and b["size"] >= 10 and a["size"] >= 10:
                        problems.append(f"p{n}: {a['text']!r}{b['text']!r} overlap in {ln.text[:20]!r}")
            # lines do not overlap: baselines of lines sharing x-range are far enough apart
            full = [ln for ln in lines if ln.size > 10.5]  # footnote calls (10 pt) stand raised inside a line
            for i, a in enumerate(full):
                for b in full[i + 1 :]:
                    if a.x1 <= b.x0 or b.x1 <= a.x0:
                        continue
                    if abs(a.baseline - b.baseline) < 0.8 * mm(min(a.size, b.size)):
                        problems.append(f"p{n}: lines {a.text[:12]!r} and {b.text[:12]!r} overlap")
            for rule in page.rects:  # rules (red rule, footnote rules, 版记 rules) inside the 版心 too
                if (
                    mm(rule["x0"]) < TYPE_LEFT_MM - 0.2
                    or mm(rule["x1"]) > TYPE_RIGHT_MM + 0.2
                    or mm(rule["top"]) < TYPE_TOP_MM - 0.3
                    or mm(rule["bottom"]) > TYPE_BOTTOM_MM + 0.3
                ):
                    problems.append(f"p{n}: a rule outside the 版心 ({mm(rule['x0']):.1f}, {mm(rule['top']):.1f} mm)")
            # 避头尾, and full lines inside a paragraph are flush at both margins
            body = [ln for ln in pt.body if ln.size >= 15.5]
            for a, b in zip(body, body[1:]):  # body baselines at least the smallest line pitch apart (26 pt)
                if b.baseline - a.baseline < mm(26) - 0.05 and a.x0 < b.x1 and b.x0 < a.x1:
                    problems.append(
                        f"p{n}: baselines {b.baseline - a.baseline:.2f} mm apart: {a.text[:10]!r}/{b.text[:10]!r}"
                    )
            if not body and not pt.footnotes:
                problems.append(f"p{n}: a page without a line of text (the 版记 alone?)")
            for ln in body:
                t = ln.text.strip()
                if t and t[0] in NOSTART:
                    problems.append(f"p{n}: line starts with {t[0]!r}: {t[:20]!r}")
                if t and t[-1] in NOEND:
                    problems.append(f"p{n}: line ends with {t[-1]!r}: {t[-20:]!r}")
            for a, b in zip(body, body[1:]):
                if (
                    abs(b.x0 - TYPE_LEFT_MM) < 0.2
                    and 0 < b.baseline - a.baseline < PITCH_MM + 0.5
                    and abs(a.x0 - (TYPE_LEFT_MM + 2 * CELL_MM)) < 0.3
                    or abs(a.x0 - TYPE_LEFT_MM) < 0.2
                    and abs(b.x0 - TYPE_LEFT_MM) < 0.2
                    and 0 < b.baseline - a.baseline < PITCH_MM + 0.5
                ):
                    if not a.text.rstrip().endswith("：") and abs(a.x1 - TYPE_RIGHT_MM) > 0.6:
                        problems.append(f"p{n}: line not flush right ({a.x1:.1f} mm): {a.text[-12:]!r}")
        # footnotes: each note's first line on its call's page
        for mark in CIRCLED:
            calls = [n for n, (_, pt) in enumerate(pages, 1) for ln in pt.body if mark in ln.text]
            notes = [n for n, (_, pt) in enumerate(pages, 1) for ln in pt.footnotes if ln.text.strip().startswith(mark)]
            if calls or notes:
                if calls[:1] != notes[:1]:
                    problems.append(f"footnote {mark}: call on page {calls[:1]}, note on page {notes[:1]}")
        body_text = readable("".join(ln.text for _, pt in pages for ln in pt.body))
        note_text = readable("".join(ln.text for _, pt in pages for ln in pt.footnotes))
    notice, atts = CASES[name]
    for s in strings_of(notice) + [s for a in atts.values() for s in strings_of(a)]:
        for piece in pieces(s):
            if readable(piece) not in body_text and readable(piece) not in note_text and not stacked(piece, body_text):
                problems.append(f"not in the PDF: {piece[:30]!r}")
    assert not problems, "\n".join(problems[:30])


def test_footnotes_past_twenty_keep_their_circled_marks_in_the_docx(built_cases):
    folder, r = built_cases["many-footnotes"]
    assert r.returncode == 0, r.stderr
    with zipfile.ZipFile(next(folder.glob("*.docx"))) as z:
        doc = etree.fromstring(z.read("word/document.xml"))
    refs = list(doc.iter("{*}footnoteReference"))
    assert len(refs) == 25
    custom = [(ref.getparent().findtext("{*}t"), ref.get("{%s}customMarkFollows" % W)) for ref in refs[20:]]
    assert custom == [(CIRCLED[i], "1") for i in range(20, 25)], custom  # ㉑–㉕ as in the PDF
    assert all(ref.get("{%s}customMarkFollows" % W) is None for ref in refs[:20])  # ①–⑳: Word's own numbering
    with pdfplumber.open(next(folder.glob("*.pdf"))) as pdf:
        text = "".join(p.extract_text() or "" for p in pdf.pages)
    assert all(CIRCLED[i] in text for i in range(25))


@pytest.mark.parametrize("name", CASES)
def test_case_docx_is_schema_valid(name, built_cases):
    from ooxml_validate import validate_docx

    folder, r = built_cases[name]
    assert r.returncode == 0, r.stderr
    assert validate_docx(next(folder.glob("*.docx"))) == []


@pytest.mark.parametrize("name", CASES)
def test_case_text_is_in_the_docx(name, built_cases):
    folder, r = built_cases[name]
    assert r.returncode == 0, r.stderr
    with zipfile.ZipFile(next(folder.glob("*.docx"))) as z:
        xml = [etree.fromstring(z.read(n)) for n in ("word/document.xml", "word/footnotes.xml") if n in z.namelist()]
    text = squash("".join(t.text or "" for x in xml for t in x.iter("{*}t")))
    notice, atts = CASES[name]
    missing = [
        p[:30]
        for s in strings_of(notice) + [s for a in atts.values() for s in strings_of(a)]
        for p in pieces(s)
        if squash(p) not in text
    ]
    assert not missing, missing


def test_libreoffice_renders_a_long_colophon_whole_at_the_foot_of_the_last_page(built_cases, tmp_path):
    """30 抄送 entries and a 印发机关 too long for its line: in LibreOffice's rendering of the DOCX the
    版记 keeps all its text (no row clipped), its last rule on the 版心 bottom edge, the date on the
    印发机关's last line."""
    from gongwen.libreoffice import docx_to_pdf

    folder, r = built_cases["long-printer-and-cc"]
    assert r.returncode == 0, r.stderr
    conf = sorted((folder.parent / ".cache").glob("fontconfig-*/fonts-aliases.conf"))[0]
    pdf_path = docx_to_pdf(next(folder.glob("*.docx")), tmp_path, conf, profile=tmp_path / "profile")
    with pdfplumber.open(pdf_path) as pdf:
        last = pdf.pages[-1]
        text = squash("".join(ln.text for ln in text_lines(last)))
        rules = sorted(
            mm(r["top"])
            for r in last.lines + last.rects
            if abs(mm(r["x1"] - r["x0"]) - 156) < 1 and mm(r["bottom"] - r["top"]) < 1
        )
        lines = text_lines(last)
    for i in range(1, 31):
        assert f"区属第{i}中学" in text, i
    assert "中共上海市宝山区教育工作委员会、上海市宝山区教育局办公室" in text
    assert rules and abs(rules[-1] - TYPE_BOTTOM_MM) < 0.6, rules
    date = next(ln for ln in lines if "印发" in ln.text)
    assert squash(date.text).endswith("办公室2030年2月4日印发"), date.text  # date on the printer's last line


def test_libreoffice_breaks_long_titles_where_the_pdf_does(built_cases, tmp_path):
    """Titles written as one string (the notice's and the attachment's): LibreOffice shows the DOCX's
    title in the lines the PDF composed — between words, 上海市长宁区 whole — not filled by character."""
    from gongwen.libreoffice import docx_to_pdf

    folder, r = built_cases["long-titles"]
    assert r.returncode == 0, r.stderr
    conf = sorted((folder.parent / ".cache").glob("fontconfig-*/fonts-aliases.conf"))[0]
    lo = docx_to_pdf(next(folder.glob("*.docx")), tmp_path, conf, profile=tmp_path / "profile")

    def titles(path):
        with pdfplumber.open(path) as pdf:
            return [[ln.text for ln in text_lines(p) if abs(ln.size - 22) < 0.3] for p in pdf.pages]

    ours, theirs = titles(next(folder.glob("*.pdf"))), titles(lo)
    got = [t for t in theirs if t]
    assert got == [t for t in ours if t] and len(got) == 2 and len(got[0]) == 2, (got, ours)
    assert not any(line.startswith(("市", "宁区")) for t in got for line in t)
