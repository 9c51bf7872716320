"""Drafting next year's plan: --new, stale-year warnings, --compare redline, --watch, --preview."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from queue import Empty, Queue
from threading import Thread

import pdfplumber
import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def run(*args, timeout=300):
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *args], capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture
def project(tmp_path):
    """A copy of the project's content, as a user's working copy."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    return tmp_path


def pdf_text(path: Path) -> str:
    with pdfplumber.open(path) as doc:
        return "".join("".join(c["text"] for c in p.chars) for p in doc.pages)


def test_new_year_scaffold_builds_2025_and_refuses_to_overwrite(project):
    content, out = project / "content", project / "output"
    r = run("--new", "2025", "--content", str(content))
    assert r.returncode == 0, r.stderr
    assert "成文日期" in r.stdout and "待定" in r.stdout and "2024年是" in r.stdout  # the checklist
    notice = (content / "2025" / "notice.yaml").read_text(encoding="utf-8")
    assert re.search(r"年份:\s*2025", notice) and "成文日期: 待定" in notice
    before = {p: p.read_bytes() for p in (content / "2025").iterdir()}

    again = run("--new", "2025", "--content", str(content))
    assert again.returncode == 2 and "已经存在" in again.stderr
    assert "Traceback" not in again.stderr and "程序内部错误" not in again.stderr
    assert {p: p.read_bytes() for p in (content / "2025").iterdir()} == before

    b = run("--year", "2025", "--content", str(content), "--output", str(out))
    assert b.returncode == 0, b.stderr
    pdf = out / "2025" / "宝教〔2025〕1号.pdf"
    text = pdf_text(pdf)
    assert "宝教〔2025〕1号" in text
    assert "上海市宝山区教育局2025年工作意见" in text and "2024年工作意见" not in text
    assert "2025年　月　日" in text  # the dates are left to be decided, visibly
    assert "待定" in b.stderr  # and the build says so


def test_new_year_needs_an_earlier_year(project):
    r = run("--new", "2019", "--content", str(project / "content"))
    assert r.returncode == 2 and "没有早于 2019 年" in r.stderr


def test_stale_year_warnings_fire_on_planted_cases_and_not_on_2024(project):
    content, out = project / "content", project / "output"
    clean = run("--year", "2024", "--content", str(content), "--output", str(out), "--format", "docx")
    assert clean.returncode == 0 and "警告" not in clean.stderr and "校对：" not in clean.stderr, clean.stderr

    assert run("--new", "2025", "--content", str(content)).returncode == 0
    att = content / "2025" / "attachment.yaml"
    text = att.read_text(encoding="utf-8")
    text = text.replace(
        "继续推进落实中小学党组织领导的校长负责制。",
        "按照宝教〔2024〕5号文件要求，继续推进落实中小学党组织领导的校长负责制。",
    )
    text = text.replace("  - 标题: 深耕教育数字化转型", "  - 标题: 2024年深耕教育数字化转型")
    att.write_text(text, encoding="utf-8")
    r = run("--year", "2025", "--content", str(content), "--output", str(out), "--format", "docx")
    assert r.returncode == 0, r.stderr
    # the stale-year check is part of the proofreading pass: its findings print as 校对 lines (提示 level)
    warnings = [ln for ln in r.stderr.splitlines() if ln.startswith("校对：") and "［提示］" in ln]
    assert any("“2024年是”" in w and "「导语」" in w for w in warnings), warnings
    assert any("“〔2024〕”" in w and "「部分[1].条目[1].内容」" in w for w in warnings), warnings
    assert any("「部分[2].标题」" in w and "2024 年" in w for w in warnings), warnings
    for w in warnings:  # each names file and line
        assert re.search(r"\.yaml 第 \d+ 行", w), w


def _texts(parent, tag) -> list[str]:
    out = []
    for e in parent.iter(f"{{{W}}}{tag}"):
        out.append("".join(t.text or "" for t in e.iter(f"{{{W}}}t", f"{{{W}}}delText")))
    return [t for t in out if t]


def test_compare_redline_covers_exactly_the_changes(project):
    content, out = project / "content", project / "output"
    assert run("--new", "2025", "--content", str(content)).returncode == 0
    att = content / "2025" / "attachment.yaml"
    s = att.read_text(encoding="utf-8")
    # one edited item (5.), one removed (3.), one moved between parts (12. → part 三), one added (part 二)
    s = s.replace("严格落实校园常见传染病防控措施", "全面落实校园传染病防控措施", 1)
    a, b = s.index("      - 要点: 推进心育大健康试点工作。"), s.index("      - 要点: 深化家庭教育指导")
    s = s[:a] + s[b:]
    a, b = s.index("      - 要点: 完善“双减”长效机制。"), s.index("  - 标题: 聚焦优质均衡普惠特色")
    moved_block = s[a:b]
    s = s[:a] + s[b:]
    c = s.index("  - 标题: 深化产教融合和校企合作")
    s = s[:c] + moved_block + s[c:]
    c = s.index("      - 要点: 推进数字学校标准化建设。")
    added = "开展人工智能教育试点。在全区中小学开设人工智能通识课程。"
    s = s[:c] + "      - 要点: 开展人工智能教育试点。\n        内容: 在全区中小学开设人工智能通识课程。\n" + s[c:]
    att.write_text(s, encoding="utf-8")

    r = run("--year", "2025", "--content", str(content), "--output", str(out), "--compare", "2024")
    assert r.returncode == 0, r.stderr
    assert "新增1条，删除1条，修改1条，移动1条" in r.stdout
    docx = out / "2025" / "宝教〔2025〕1号-与2024年度对照.docx"
    with zipfile.ZipFile(docx) as z:
        body = etree.fromstring(z.read("word/document.xml"))
    # the notice is compared too, field by field: the new year's dates are 待定
    notice_part = etree.Element("x")
    attachment = etree.Element("x")
    target = notice_part
    for p in body.iter(f"{{{W}}}p"):
        style = p.find(f"{{{W}}}pPr/{{{W}}}pStyle")
        if style is not None and style.get(f"{{{W}}}val") == "GwAttachLabel":
            target = attachment
        target.append(etree.fromstring(etree.tostring(p)))
    # (2024年2月4日 → 2025年　月　日: the year, the month's and the day's digits replaced, word by word)
    assert "2024" in _texts(notice_part, "del") and "2" in _texts(notice_part, "del")
    assert "2025" in _texts(notice_part, "ins") and "　" in _texts(notice_part, "ins")
    body = attachment  # the plan: exactly the four changes made above
    ins, dels = _texts(body, "ins"), _texts(body, "del")
    removed_text = "推进心育大健康试点工作。"
    moved_lead = "完善“双减”长效机制。"
    number = re.compile(r"^(\d+\.|[一二三四五六七八九十]+、)$")
    words_ins, words_del = [t for t in ins if not number.match(t)], [t for t in dels if not number.match(t)]
    # insertions: the added item and the moved item at its new place (each with its new number), the new
    # words of the edited item, and the year in the title
    assert "6." + added in ins, ins
    assert any(t.startswith("18." + moved_lead) for t in ins), ins
    assert "全面落实" in ins and "2025" in ins  # words, not characters
    assert len(words_ins) == 4, words_ins
    # deletions: the removed item and the moved item's old place (each with its old number), the old words
    assert any(t.startswith("3." + removed_text) for t in dels), dels
    assert any(t.startswith("12." + moved_lead) for t in dels), dels
    assert "严格落实" in dels and "常见" in dels and "2024" in dels
    assert len(words_del) == 5, words_del
    # a kept item that was renumbered keeps its words untracked; its number is a revision of its own (old
    # number deleted, new inserted), so that Reject All gives 2024's numbers: “3.” of 2025 was “4.” of 2024
    assert not any("深化家庭教育指导" in t for t in ins + dels)
    renumbered = [
        p
        for p in body.iter(f"{{{W}}}p")
        if "".join(t.text or "" for t in p.iter(f"{{{W}}}t")).startswith("3.深化家庭教育指导")
    ]
    assert len(renumbered) == 1 and _texts(renumbered[0], "del") == ["4."] and _texts(renumbered[0], "ins") == ["3."]
    assert len([t for t in ins if number.match(t)]) == len([t for t in dels if number.match(t)]) > 0
    # a paragraph inserted or deleted whole carries its paragraph mark in the revision too
    marks = {}
    for p in body.iter(f"{{{W}}}p"):
        text = "".join(t.text or "" for t in p.iter(f"{{{W}}}t", f"{{{W}}}delText"))
        mark = p.find(f"{{{W}}}pPr/{{{W}}}rPr")
        marks[text[:8]] = None if mark is None else etree.QName(mark[0]).localname
    assert marks[("6." + added)[:8]] == "ins"
    assert marks[("3." + removed_text)[:8]] == "del"
    assert marks["5.4.加强卫生"] is None  # an edited (and renumbered) item keeps its paragraph
    from conftest import wml_order_problems
    from ooxml_validate import validate_docx

    assert wml_order_problems(docx) == []
    assert validate_docx(docx) == []  # tracked changes included: schema-valid after markup compatibility
    summary = pdf_text(docx.with_suffix(".pdf"))
    assert "新增1条，删除1条，修改1条，移动1条" in summary
    assert "删除：原3.推进心育大健康试点工作。" in summary and "移动：原12.→" in summary


def test_watch_rebuilds_after_a_save_and_survives_a_broken_one(project):
    content, out = project / "content", project / "output"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-u",
            str(ROOT / "build.py"),
            "--year",
            "2024",
            "--content",
            str(content),
            "--output",
            str(out),
            "--format",
            "pdf",
            "--watch",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    queue: Queue = Queue()
    Thread(target=lambda: [queue.put(ln) for ln in proc.stdout], daemon=True).start()

    def wait_for(word: str, timeout: float = 90) -> None:
        end = time.time() + timeout
        while time.time() < end:
            try:
                line = queue.get(timeout=max(0.1, end - time.time()))
            except Empty:
                break
            lines.append(line)
            if word in line:
                return
        raise AssertionError(f"{word!r} not seen within {timeout} s: {lines}")

    try:
        wait_for("完成")
        pdf = out / "2024" / "宝教〔2024〕1号.pdf"
        att = content / "2024" / "attachment.yaml"
        att.write_text(att.read_text(encoding="utf-8").replace("负责制。", "负责制，监视测试。", 1), encoding="utf-8")
        wait_for("已重新生成")
        assert "监视测试" in pdf_text(pdf)
        good = pdf.read_bytes()
        att.write_text(att.read_text(encoding="utf-8") + "坏: [\n", encoding="utf-8")
        wait_for("本次未生成")
        assert any("YAML 语法错误" in ln for ln in lines)
        assert pdf.read_bytes() == good
        assert proc.poll() is None, "the watcher stopped after a broken save"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert not any("Traceback" in ln or "程序内部错误" in ln for ln in lines)


def test_previews_one_png_per_page_and_a_contact_sheet(project):
    from PIL import Image

    out = project / "output"
    r = run(
        "--year", "2024", "--content", str(project / "content"), "--output", str(out), "--preview", "--format", "pdf"
    )
    assert r.returncode == 0, r.stderr
    folder = out / "2024" / "预览"
    pages = sorted(folder.glob("第*页.png"))
    assert len(pages) == 17
    with Image.open(pages[0]) as im:
        w, h = im.size
        assert abs(w / h - 210 / 297) < 0.01  # A4 pages
    with Image.open(folder / "总览.png") as sheet:
        assert sheet.width >= 6 * w and sheet.height >= 3 * h


def test_previews_redraw_only_the_pages_that_changed(project):
    out = project / "output"
    args = (
        "--year",
        "2024",
        "--content",
        str(project / "content"),
        "--output",
        str(out),
        "--preview",
        "--format",
        "pdf",
    )
    assert run(*args).returncode == 0
    folder = out / "2024" / "预览"
    before = {p.name: p.stat().st_mtime_ns for p in folder.glob("第*页.png")}
    time.sleep(0.05)
    att = project / "content" / "2024" / "attachment.yaml"
    # the last item's text, on the last pages: pages before it must not be redrawn
    att.write_text(att.read_text(encoding="utf-8").replace("健全未保档案", "健全未成年人保护档案", 1), encoding="utf-8")
    assert run(*args).returncode == 0
    after = {p.name: p.stat().st_mtime_ns for p in folder.glob("第*页.png")}
    redrawn = sorted(n for n in after if after[n] != before.get(n))
    assert redrawn and len(redrawn) <= 3 and "第01页.png" not in redrawn, redrawn


def test_new_from_a_chosen_year_and_blank(project):
    content = project / "content"
    r = run("--new", "2018", "--content", str(content))
    assert r.returncode == 2 and "--from" in r.stderr and "--blank" in r.stderr  # no earlier year: say what to do
    r = run("--new", "2026", "--from", "2024", "--content", str(content))
    assert r.returncode == 0, r.stderr
    notice = (content / "2026" / "notice.yaml").read_text(encoding="utf-8")
    assert "2026 年工作意见" in notice and "2024 年工作意见" not in notice  # the header comment too
    r = run("--new", "2018", "--blank", "--content", str(content))
    assert r.returncode == 0, r.stderr
    assert "请填写" in r.stdout and re.search(r"attachment\.yaml 第 \d+ 行「部分\[1\]\.标题」", r.stdout)
    b = run("--year", "2018", "--content", str(content), "--output", str(project / "output"), "--format", "docx")
    assert b.returncode == 0, b.stderr  # the blank document builds as it is
    assert (project / "output" / "2018" / "宝教〔2018〕1号.docx").is_file()


def test_stale_year_check_leaves_a_period_that_includes_the_year_alone(project):
    content = project / "content"
    assert run("--new", "2025", "--content", str(content)).returncode == 0
    att = content / "2025" / "attachment.yaml"
    s = att.read_text(encoding="utf-8").replace(
        "标题: 上海市宝山区教育局2025年工作意见", "标题: 上海市宝山区教育局工作意见（2025—2027年）", 1
    )
    att.write_text(s, encoding="utf-8")
    r = run("--year", "2025", "--content", str(content), "--check")
    assert "2027" not in r.stderr, r.stderr


def _paragraph_texts(docx: Path) -> list[tuple[str, str]]:
    """(kind, text) of each paragraph of a comparison DOCX: kind ins / del (whole paragraph) or same."""
    with zipfile.ZipFile(docx) as z:
        body = etree.fromstring(z.read("word/document.xml"))
    out = []
    for p in body.iter(f"{{{W}}}p"):
        text = "".join(t.text or "" for t in p.iter(f"{{{W}}}t", f"{{{W}}}delText"))
        mark = p.find(f"{{{W}}}pPr/{{{W}}}rPr")
        out.append((etree.QName(mark[0]).localname if mark is not None and len(mark) else "same", text))
    return out


def test_compare_shows_a_deleted_part_where_it_stood_and_a_rewritten_item_as_changed(project):
    content, out = project / "content", project / "output"
    assert run("--new", "2025", "--content", str(content)).returncode == 0
    att = content / "2025" / "attachment.yaml"
    s = att.read_text(encoding="utf-8")
    # delete part 四 (items 19. and 20.)
    a, b = s.index("  - 标题: 深化产教融合和校企合作"), s.index("  - 标题: 坚持师德师风第一标准")
    s = s[:a] + s[b:]
    # rewrite item 1 in place: a similar lead, new text
    a = s.index("      - 要点: 坚持不懈用党的创新理论铸魂育人。")
    b = s.index("      - 要点: 加强体育和美育工作。")
    s = (
        s[:a]
        + (
            "      - 要点: 坚持用党的创新理论铸魂育人，全面加强学校思政工作。\n"
            "        内容: 深化大中小学思政课一体化建设，推进新时代学校思想政治工作体系建设。\n"
        )
        + s[b:]
    )
    att.write_text(s, encoding="utf-8")
    notice = content / "2025" / "notice.yaml"
    notice.write_text(notice.read_text(encoding="utf-8").replace("下发《", "印发《"), encoding="utf-8")

    r = run("--year", "2025", "--content", str(content), "--output", str(out), "--compare", "2024", "--format", "docx")
    assert r.returncode == 0, r.stderr
    assert "删除部分：四、深化产教融合和校企合作，推动高水平学习型社会建设（含条目2条）" in r.stdout, r.stdout
    assert "修改：1.坚持用党的创新理论铸魂育人，全面加强学校思政工作。（原1.）" in r.stdout, r.stdout  # whole lead
    assert "新增：1." not in r.stdout and "删除：原1." not in r.stdout
    assert "发文通知改动" in r.stdout and "标题" in r.stdout.split("发文通知改动")[1].split("）")[0]
    paras = _paragraph_texts(out / "2025" / "宝教〔2025〕1号-与2024年度对照.docx")
    texts = [t for _, t in paras]
    i18 = next(i for i, t in enumerate(texts) if t.startswith("18."))
    head = next(i for i, t in enumerate(texts) if t == "四、深化产教融合和校企合作，推动高水平学习型社会建设")
    i19 = next(i for i, t in enumerate(texts) if t.startswith("19.深化产教融合与校企合作。"))
    i20 = next(i for i, t in enumerate(texts) if t.startswith("20.完善终身教育体系。"))
    new4 = next(
        i for i, t in enumerate(texts) if t.startswith("五、四、坚持师德师风第一标准")
    )  # renumbered: 五、 → 四、
    assert i18 < head < i19 < i20 < new4, (i18, head, i19, i20, new4)  # where it stood in 2024, in old order
    assert paras[head][0] == "del" and paras[i19][0] == "del" and paras[i20][0] == "del"


def test_compare_a_plan_issued_directly_compares_the_whole_document(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "examples" / "直接发文" / "2018", content / "2018")
    shutil.copytree(ROOT / "examples" / "直接发文" / "2018", content / "2019")
    for f in (content / "2019").glob("*.yaml"):
        f.write_text(f.read_text(encoding="utf-8").replace("2018", "2019"), encoding="utf-8")
    notice = content / "2019" / "notice.yaml"
    notice.write_text(
        notice.read_text(encoding="utf-8").replace("开展教育系统大调研", "深化教育系统大调研"), encoding="utf-8"
    )
    r = run("--year", "2019", "--content", str(content), "--output", str(tmp_path / "out"), "--compare", "2018")
    assert r.returncode == 0, r.stderr
    assert "2019年徐汇区教育局工作要点与2018年度对照" in r.stdout and "2018年度工作意见" not in r.stdout
    assert "修改：3.深化教育系统大调研。（原3.）" in r.stdout, r.stdout
    texts = [t for _, t in _paragraph_texts(tmp_path / "out" / "2019" / "徐教〔2019〕1号-与2018年度对照.docx")]
    assert texts[0].startswith("2019年徐汇区教育局工作要点") and "" not in texts[:2]


def test_new_year_checklist_names_every_document_of_a_multi_document_year(tmp_path):
    """A year that issued two documents: the checklist lists the dates and the 序号 of each, and says the
    序号 are kept (as the scaffold keeps them), with each document's own 文号."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "examples" / "直接发文" / "2018", content / "2018")
    r = run("--new", "2019", "--content", str(content))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    for name, number in (("notice.yaml", "徐教〔2019〕1号"), ("会议通知.yaml", "徐教〔2019〕2号")):
        mine = [ln for ln in lines if f"2019/{name}" in ln]
        assert any("成文日期" in ln for ln in mine) and any("印发日期" in ln for ln in mine), r.stdout
        assert any("发文字号.序号" in ln and "保留" in ln and number in ln for ln in mine), r.stdout
    assert "已设为 1" not in r.stdout and "宝教" not in r.stdout
    assert "序号: 2" in (content / "2019" / "会议通知.yaml").read_text(encoding="utf-8")


def test_compare_covers_every_attachment(tmp_path):
    """A plan with two attachments: a change in the second attachment is reported (it was not compared at
    all before), with the attachment named in the item's number, in the summary, the DOCX and the PDF."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "examples" / "联合发文" / "2022", content / "2022")
    shutil.copytree(ROOT / "examples" / "联合发文" / "2022", content / "2023")
    lst = content / "2023" / "项目清单.yaml"
    lst.write_text(lst.read_text(encoding="utf-8").replace("不少于20名", "不少于25名"), encoding="utf-8")
    r = run("--year", "2023", "--content", str(content), "--output", str(tmp_path / "out"), "--compare", "2022")
    assert r.returncode == 0, r.stderr
    assert "修改：附件2·3.教育人才引进计划。（原附件2·3.）" in r.stdout, r.stdout
    assert "条目新增0条，删除0条，修改1条，移动0条" in r.stdout, r.stdout
    out = tmp_path / "out" / "2023"
    docx = next(out.glob("*-与2022年度对照.docx"))
    texts = [t for _, t in _paragraph_texts(docx)]
    assert any(t.startswith("附件2·3.教育人才引进计划") and "不少于2" in t and "5名" in t for t in texts), texts
    text = pdf_text(next(out.glob("*-与2022年度对照.pdf")))
    assert "附件2·3.教育人才引进计划。每年引进优秀教育人才不少于2025名" in text  # 20 struck out, 25 inserted
