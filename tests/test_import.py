"""Importing Word drafts: our own DOCX round-trips to the same document; DOCX made by other means (typed
by hand with python-docx, converted from plain text by LibreOffice, ours edited by python-docx and re-saved
by LibreOffice, with tracked changes) import with their structure recognised, field by field; bad files get
a clear message and never a half-written folder."""

from __future__ import annotations

import copy
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import soffice_convert
from gongwen.docx import DocxWriter
from gongwen.house import load_house
from gongwen.model import Text
from gongwen.source import load_year
from gongwen.source.docx_import import import_docx, write_content
from gongwen.transforms import resolve

ROOT = Path(__file__).resolve().parent.parent
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SOURCES = [ROOT / "content" / "2024"] + sorted(d for d in (ROOT / "examples").glob("*/*") if d.is_dir())


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def inl(inlines) -> str:
    return "".join(x.text if isinstance(x, Text) else f"^[{x.text}]" for x in inlines)


def sections(secs) -> list:
    return [
        (s.level, s.label, inl(s.heading), [inl(p.inlines) for p in s.paragraphs], sections(s.children)) for s in secs
    ]


def signature(doc) -> dict:
    """What a reader of the document sees, field by field (numbering included, as resolved)."""
    n, c = doc.notice, doc.colophon
    return {
        "版头": (n.copy_number, n.secrecy, n.urgency, n.issuer_organs, n.issuer_suffix, n.number.text, n.signers),
        "标题": "".join(n.title_lines),
        "主送": n.recipients,
        "正文": [inl(p.inlines) for p in n.body],
        "结构": sections(n.sections),
        "附件说明": doc.attachment_note,
        "署名": n.signatures,
        "日期": n.date_text,
        "附注": n.note,
        "公开属性": n.publicity,
        "附件": [
            ("".join(a.title_lines), a.subtitle, [inl(p.inlines) for p in a.preamble], sections(a.parts), a.label)
            for a in doc.attachments
        ],
        "脚注": [(f.mark, f.text) for f in doc.footnotes],
        "版记": (c.recipients_text, c.cc_text, c.printer, c.print_date_text, c.copies_text),
    }


def import_into(docx: Path, tmp: Path, year: str = "2030"):
    result = import_docx(docx)
    target = tmp / "content" / year
    target.parent.mkdir(parents=True, exist_ok=True)
    write_content(result, target, docx)
    return result, target


@pytest.mark.parametrize("source", SOURCES, ids=[str(s.relative_to(ROOT)) for s in SOURCES])
def test_our_docx_round_trips_to_the_same_document(source, tmp_path):
    house = load_house()
    for k, doc in enumerate(load_year(source)):
        doc = resolve(doc, house)
        docx = tmp_path / f"d{k}.docx"
        docx.write_bytes(DocxWriter(doc, house).build())
        result, target = import_into(docx, tmp_path / f"i{k}")
        assert result.unplaced == [] and result.notes == [], (result.unplaced, result.notes)
        again = resolve(load_year(target)[0], house)
        want, got = signature(doc), signature(again)
        for key in want:
            assert got[key] == want[key], key
        # readable YAML: each paragraph on one line, 要点 and 内容 split as in hand-written content
        text = "\n".join(f.read_text(encoding="utf-8") for f in target.glob("*.yaml"))
        assert "\\n" not in text and "!!" not in text
        if doc.items:
            assert "要点:" in text and "内容:" in text


def test_round_trip_builds_the_same_pdf_text(tmp_path):
    """content/2024 → DOCX → import → build: the same text, page by page."""
    out = tmp_path / "out"
    r = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--year", "2024", "--output", str(out), "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    docx = out / "2024" / "宝教〔2024〕1号.docx"
    r = subprocess.run(
        [
            sys.executable,
            str(ROOT / "build.py"),
            "--import",
            str(docx),
            "--year",
            "2030",
            "--content",
            str(tmp_path / "content"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    assert "一级标题 7 个，条目 32 条，附件 1 个，脚注 3 个" in r.stdout, r.stdout
    r = subprocess.run(
        [
            sys.executable,
            str(ROOT / "build.py"),
            "--year",
            "2030",
            "--content",
            str(tmp_path / "content"),
            "--output",
            str(out),
            "-q",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    a = subprocess.run(
        ["pdftotext", "-layout", str(out / "2024" / "宝教〔2024〕1号.pdf"), "-"], capture_output=True, text=True
    )
    b = subprocess.run(
        ["pdftotext", "-layout", str(out / "2030" / "宝教〔2024〕1号.pdf"), "-"], capture_output=True, text=True
    )
    assert a.stdout == b.stdout


def typed_draft(path: Path) -> None:
    """A department's draft typed in Word: no styles, bold headings, 1、 numbering, full-width spaces for
    indentation, stray blank paragraphs, 抄送 and 印发 typed at the end."""
    from docx import Document
    from docx.shared import Pt, RGBColor

    d = Document()

    def para(text: str, bold_prefix: str = "", size: float | None = None, red: bool = False):
        p = d.add_paragraph()
        if bold_prefix:
            r = p.add_run(bold_prefix)
            r.bold = True
        r = p.add_run(text)
        if size:
            r.font.size = Pt(size)
        if red:
            r.font.color.rgb = RGBColor(0xFF, 0, 0)
        return p

    para("上海市宝山区教育局文件", size=36, red=True)
    para("")
    para("宝教〔2026〕3号")
    para("")
    para("上海市宝山区教育局关于开展2026年校园安全专项检查的通知", size=22)
    para("各中小学、幼儿园：")
    para("　　为切实做好校园安全工作，经研究，决定开展校园安全专项检查。现将有关事项通知如下。")
    para("一、检查内容", size=16)
    para(
        "",
    )
    para("　　1、", bold_prefix="")
    d.paragraphs[-1].runs[0].text = "　　1、"
    r = d.paragraphs[-1].add_run("消防安全。")
    r.bold = True
    d.paragraphs[-1].add_run("检查消防设施是否完好，疏散通道是否畅通。")
    p = para("")
    p.add_run("　　2、")
    r = p.add_run("食品安全。")
    r.bold = True
    p.add_run("检查食堂食品安全管理制度落实情况。")
    para("二、工作要求")
    para("　　各单位要高度重视，认真组织自查。")
    para("")
    para("附件：1.检查记录表")
    para("2.整改情况汇总表")
    para("")
    para("上海市宝山区教育局")
    para("2026年3月2日")
    para("（联系人：张敏，电话：56781234）")
    para("抄送：区应急管理局，区市场监管局。")
    para("上海市宝山区教育局办公室    2026年3月2日印发")
    d.save(path)


def test_a_draft_typed_by_hand_imports_with_its_structure(tmp_path):
    docx = tmp_path / "部门稿.docx"
    typed_draft(docx)
    result, target = import_into(docx, tmp_path, "2026")
    n = result.notice
    assert n["发文机关标志"] == "上海市宝山区教育局文件"
    assert n["发文字号"] == {"机关代字": "宝教", "年份": 2026, "序号": 3}
    assert n["标题"] == "上海市宝山区教育局关于开展2026年校园安全专项检查的通知"
    assert n["主送机关"] == "各中小学、幼儿园"
    assert n["正文"] == ["为切实做好校园安全工作，经研究，决定开展校园安全专项检查。现将有关事项通知如下。"]
    parts = n["部分"]
    assert [p["标题"] for p in parts] == ["检查内容", "工作要求"]  # typed 一、 became structure
    assert parts[0]["条目"] == [
        {"要点": "消防安全。", "内容": "检查消防设施是否完好，疏散通道是否畅通。"},
        {"要点": "食品安全。", "内容": "检查食堂食品安全管理制度落实情况。"},
    ]  # 1、 → items, bold → 要点
    assert parts[1]["导语"] == "各单位要高度重视，认真组织自查。"
    assert n["发文机关署名"] == "上海市宝山区教育局" and str(n["成文日期"]) == "2026-03-02"
    assert n["附注"] == "联系人：张敏，电话：56781234"
    assert n["版记"]["抄送"] == ["区应急管理局", "区市场监管局"]
    assert n["版记"]["印发机关"] == "上海市宝山区教育局办公室" and str(n["版记"]["印发日期"]) == "2026-03-02"
    # the 附件说明 lists two attachments the draft does not contain: reported, not guessed
    assert not result.attachments
    problems = None
    try:
        load_year(target)
    except Exception as exc:  # noqa: BLE001 — what is missing is reported to the user
        problems = str(exc)
    assert problems is None or "附件" not in problems


def test_a_plain_text_draft_converted_by_libreoffice(tmp_path):
    txt = tmp_path / "工作要点.txt"
    txt.write_text(
        "上海市宝山区教育局文件\n宝教〔2026〕5号\n2026年宝山区教育工作要点\n"
        "2026年，宝山教育将坚持稳中求进，推进教育高质量发展。\n"
        "一、加强党的建设\n1.强化理论武装。深入学习贯彻党的二十大精神。\n2.加强基层党组织建设。推进党建品牌创建。\n"
        "二、深化教育改革\n（一）推进课程改革\n3.落实新课程方案。开展新课程新教材实施示范区建设。\n"
        "（1）小学阶段。推进幼小衔接。\n（2）初中阶段。推进作业改革。\n"
        "上海市宝山区教育局\n2026年2月20日\n",
        encoding="utf-8",
    )
    docx = soffice_convert(txt, tmp_path / "lo")
    result, _ = import_into(docx, tmp_path, "2026")
    n = result.notice
    assert n["发文字号"]["序号"] == 5 and n["标题"] == "2026年宝山区教育工作要点" and "主送机关" not in n
    assert n["正文"] == ["2026年，宝山教育将坚持稳中求进，推进教育高质量发展。"]
    one, two = n["部分"]
    assert [i["要点"] for i in one["条目"]] == ["强化理论武装。", "加强基层党组织建设。"]
    sec = two["小节"][0]
    assert sec["标题"] == "推进课程改革" and sec["条目"][0]["要点"] == "落实新课程方案。"
    assert [x["要点"] for x in sec["条目"][0]["分项"]] == ["小学阶段。", "初中阶段。"]
    assert result.counts == {1: 2, 2: 1, 3: 3, 4: 2}


@pytest.fixture
def built_2024(tmp_path) -> Path:
    house = load_house()
    doc = resolve(load_year(ROOT / "content" / "2024")[0], house)
    path = tmp_path / "ours.docx"
    path.write_bytes(DocxWriter(doc, house).build())
    return path


def test_our_docx_edited_with_python_docx(built_2024, tmp_path):
    """Text changed, an item deleted, an item added, an item moved, direct formatting applied."""
    from docx import Document

    d = Document(str(built_2024))
    paras = d.paragraphs
    items = [p for p in paras if p.style.style_id == "GwItem"]
    # change a text
    items[1].runs[-1].text = items[1].runs[-1].text.replace("进一步完善学校体育", "全面完善学校体育")
    # delete item 3
    items[2]._p.getparent().remove(items[2]._p)
    # add an item after item 4 (a copy of it, new words), with direct formatting
    new = copy.deepcopy(items[3]._p)
    items[3]._p.addnext(new)
    from docx.text.paragraph import Paragraph

    np_ = Paragraph(new, items[3]._parent)
    for r in np_.runs:  # the number is Word's own: the clerk types only the words
        r.text = ""
    run = np_.add_run("开展人工智能教育试点。")
    run.bold = True
    np_.add_run("在全区中小学开设人工智能通识课程。")
    # move the last item of part 一 to the front of part 二
    heading2 = [p for p in d.paragraphs if p.style.style_id == "GwHeading1"][1]
    last1 = [p for p in d.paragraphs if p.style.style_id == "GwItem"][5]
    heading2._p.addnext(last1._p)
    path = tmp_path / "edited.docx"
    d.save(path)
    result, target = import_into(path, tmp_path)
    part1 = result.notice.get("部分") or result.attachments[0][1]["部分"]
    leads1 = [i["要点"] for i in part1[0]["条目"]]
    assert "推进心育大健康试点工作。" not in leads1  # deleted
    assert "开展人工智能教育试点。" in leads1  # added, with its bold lead
    assert (
        part1[1]["条目"][0]["要点"] == "做好科学教育“加法”。" or "做好科学教育" in part1[1]["条目"][0]["要点"]
    )  # moved
    assert "全面完善学校体育" in part1[0]["条目"][1]["内容"]
    doc = resolve(load_year(target)[0])
    assert len(doc.footnotes) == 3  # real footnotes kept through the edit


def test_tracked_changes_are_accepted_and_deleted_text_never_imported(built_2024, tmp_path):
    with zipfile.ZipFile(built_2024) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    doc = etree.fromstring(parts["word/document.xml"])
    target = next(t for t in doc.iter(q("t")) if t.text and "继续推进落实中小学党组织领导的校长负责制" in t.text)
    run = target.getparent()
    dele = etree.SubElement(
        run.getparent(), q("del"), {q("id"): "901", q("author"): "审稿", q("date"): "2024-01-01T00:00:00Z"}
    )
    r2 = copy.deepcopy(run)
    for t in r2.iter(q("t")):
        t.tag = q("delText")
        t.text = "已删去的旧文字。"
    dele.append(r2)
    run.addprevious(dele)
    ins = etree.Element(q("ins"), {q("id"): "902", q("author"): "审稿", q("date"): "2024-01-01T00:00:00Z"})
    r3 = copy.deepcopy(run)
    for t in r3.iter(q("t")):
        t.text = "新插入的文字。"
    ins.append(r3)
    run.addprevious(ins)
    parts["word/document.xml"] = etree.tostring(doc, xml_declaration=True, encoding="UTF-8", standalone=True)
    path = tmp_path / "tracked.docx"
    with zipfile.ZipFile(path, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    result, target = import_into(path, tmp_path)
    text = "\n".join(f.read_text(encoding="utf-8") for f in target.glob("*.yaml"))
    assert "新插入的文字。" in text and "已删去的旧文字" not in text
    assert any("修订" in n and "接受全部修订" in n for n in result.notes), result.notes


def test_our_docx_resaved_by_libreoffice(built_2024, tmp_path):
    resaved_dir = tmp_path / "lo"
    src = tmp_path / "src" / "ours.docx"
    src.parent.mkdir()
    shutil.copy(built_2024, src)
    docx = soffice_convert(src, resaved_dir)
    result, target = import_into(docx, tmp_path)
    doc = resolve(load_year(target)[0])
    original = resolve(load_year(ROOT / "content" / "2024")[0])
    assert [i.label + inl(i.lead) for i in doc.items] == [i.label + inl(i.lead) for i in original.items]
    assert [f.text for f in doc.footnotes] == [f.text for f in original.footnotes]
    assert doc.notice.number.text == "宝教〔2024〕1号" and doc.colophon.copies == 350


def run(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_bad_files_get_a_clear_message_and_no_folder(tmp_path):
    content = tmp_path / "content"
    cases = {
        "旧稿.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old binary word", "libreoffice --headless --convert-to docx"),
        "加密.docx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"), "密码"),
        "坏.docx": (b"PK\x03\x04 broken", "不是有效的 Word 文件"),
        "文本.docx": ("这不是 Word 文件".encode(), "不是有效的 Word 文件"),
    }
    for name, (data, words) in cases.items():
        f = tmp_path / name
        f.write_bytes(data)
        r = run("--import", str(f), "--year", "2031", "--content", str(content))
        assert r.returncode != 0 and words in r.stderr, (name, r.stderr)
        assert "Traceback" not in r.stderr and "程序内部错误" not in r.stderr, r.stderr
        assert not (content / "2031").exists() and not list(content.glob(".2031*")) if content.exists() else True
    r = run("--import", str(tmp_path / "没有.docx"), "--year", "2031", "--content", str(content))
    assert r.returncode != 0 and "找不到文件" in r.stderr


def test_import_refuses_an_existing_year_unless_forced(built_2024, tmp_path):
    content = tmp_path / "content"
    (content / "2030").mkdir(parents=True)
    (content / "2030" / "notice.yaml").write_text("# 我的稿子\n", encoding="utf-8")
    r = run("--import", str(built_2024), "--year", "2030", "--content", str(content))
    assert r.returncode == 2 and "已经存在" in r.stderr and "--force" in r.stderr
    assert (content / "2030" / "notice.yaml").read_text(encoding="utf-8") == "# 我的稿子\n"
    r = run("--import", str(built_2024), "--year", "2030", "--content", str(content), "--force")
    assert r.returncode == 0, r.stderr
    assert "发文字号" in (content / "2030" / "notice.yaml").read_text(encoding="utf-8")
