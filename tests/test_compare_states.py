"""The comparison DOCX (--compare) is a real redline: in LibreOffice (through UNO, standing in for Word),
审阅 → 拒绝所有修订 gives the old year and 接受所有修订 the new one — the words, the numbers of parts and
items, and the footnotes as real footnotes. Expected values come from each year's content as loaded, not
from the comparison.

The 2025 plan differs from 2024 as a year's drafting does: an item reworded, one removed, one moved to
another part, one added, part 四 removed, the 导语 rewritten, a footnote's text changed and one added.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from test_docx_editing import run_uno

ROOT = Path(__file__).resolve().parent.parent


def build(*args):
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], capture_output=True, text=True, timeout=300)


def plan_lines(doc) -> list[str]:
    """What a reader sees of the plan: 一、+heading for each part, 1.+lead for each item, in order."""
    out = []
    for part in doc.attachments[0].parts:
        out.append(part.label + "".join(x.text for x in part.heading))
        for item in part.items:
            out.append(item.label + "".join(x.text for x in item.lead))
    return out


def footnotes(doc) -> list[str]:
    return [f.text for f in doc.footnotes]


@pytest.fixture(scope="module")
def years(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("compare")
    content = tmp / "content"
    shutil.copytree(ROOT / "content" / "2024", content / "2024")
    assert build("--new", "2025", "--content", str(content)).returncode == 0
    att = content / "2025" / "attachment.yaml"
    s = att.read_text(encoding="utf-8")
    s = s.replace("严格落实校园常见传染病防控措施", "全面落实校园传染病防控措施", 1)  # 5. reworded
    a, b = s.index("      - 要点: 推进心育大健康试点工作。"), s.index("      - 要点: 深化家庭教育指导")
    s = s[:a] + s[b:]  # 3. removed
    a, b = s.index("      - 要点: 完善“双减”长效机制。"), s.index("  - 标题: 聚焦优质均衡普惠特色")
    moved = s[a:b]
    s = s[:a] + s[b:]
    c = s.index("  - 标题: 深化产教融合和校企合作")
    s = s[:c] + moved + s[c:]  # 12. moved to the end of part 三
    c = s.index("      - 要点: 推进数字学校标准化建设。")
    s = s[:c] + (
        "      - 要点: 开展人工智能教育试点。\n        内容: 在全区中小学开设人工智能通识课程^[首批20所试点校]。\n"
        + s[c:]
    )  # an item added at the head of part 二, with a new footnote
    a, b = s.index("  - 标题: 深化产教融合和校企合作"), s.index("  - 标题: 坚持师德师风第一标准")
    s = s[:a] + s[b:]  # part 四 removed
    s = s.replace(
        "五大学区、七大板块系列实践活动、N个实践特色亮点课程", "五大学区、七大板块系列实践活动"
    )  # a note changed
    s = s.replace("也是全面落实宝山教育高质量发展推进会部署的重要一年", "也是谋划“十五五”教育发展的重要一年")  # 导语
    att.write_text(s, encoding="utf-8")
    out = tmp / "out"
    r = build(
        "--year", "2025", "--content", str(content), "--output", str(out), "--compare", "2024", "--format", "docx"
    )
    assert r.returncode == 0, r.stderr
    return both_states(out / "2025" / "宝教〔2025〕1号-与2024年度对照.docx", content, "2024", "2025", r.stdout, tmp)


def both_states(docx: Path, content: Path, old: str, new: str, summary: str, tmp: Path) -> dict:
    """The comparison with all its revisions rejected and all accepted (LibreOffice through UNO): its text
    and footnotes in either state, beside each year's content as loaded."""
    from gongwen.source import load_year
    from gongwen.transforms import resolve

    jobs = [
        {"input": str(docx), "ops": [[kind]], "txt": str(tmp / f"{kind}.txt"), "footnotes": str(tmp / f"{kind}.json")}
        for kind in ("reject_all", "accept_all")
    ]
    run_uno(jobs, tmp)
    return {
        "old": resolve(load_year(content / old)[0]),
        "new": resolve(load_year(content / new)[0]),
        "summary": summary,
        "tmp": tmp,
        "docx": docx,
    }


def shown_plan(txt: Path) -> list[str]:
    """The plan's headings and items in LibreOffice's text of the comparison after accepting or rejecting:
    the lines that start with a number, from the 附件 label on."""
    lines = [x.strip() for x in txt.read_text(encoding="utf-8-sig").splitlines()]
    lines = lines[lines.index("附件") :]
    return [x for x in lines if re.match(r"^([一二三四五六七八九十]+、|\d+\.)", x)]


@pytest.mark.parametrize("state,year", [("reject_all", "old"), ("accept_all", "new")])
def test_rejecting_all_gives_the_old_year_and_accepting_all_the_new(years, state, year):
    doc = years[year]
    shown = shown_plan(years["tmp"] / f"{state}.txt")
    want = plan_lines(doc)
    assert len(shown) == len(want)
    for got, line in zip(shown, want):
        assert re.sub(r"[①-⑳]", "", got).startswith(line), (got, line)  # numbers, headings and leads
    notes = json.loads((years["tmp"] / f"{state}.json").read_text(encoding="utf-8"))
    assert notes == footnotes(doc)  # real footnotes, each state its own year's


def test_the_summary_names_every_changed_field(years):
    s = years["summary"]
    assert "方案导语：删去“也是全面落实宝山教育高质量发展推进会部署”" in s or "方案导语：" in s, s
    assert "删除部分：四、深化产教融合和校企合作" in s
    assert "新增：6.开展人工智能教育试点。" in s and "删除：原3.推进心育大健康试点工作。" in s
    assert "发文通知·成文日期" in s


def test_a_reworded_phrase_is_one_deletion_and_one_insertion_of_words(years):
    from gongwen.drafting.compare import diff_ops

    ops = diff_ops("也是全面落实宝山教育高质量发展推进会部署的重要一年", "也是谋划“十五五”教育发展的重要一年")
    changes = [(op, t) for op, t in ops if op != "equal"]
    assert changes == [("delete", "全面落实宝山教育高质量发展推进会部署"), ("insert", "谋划“十五五”教育发展")], ops


# -- a plan of four levels: every heading, paragraph and sub-item is compared ------------------------------


@pytest.fixture(scope="module")
def four_levels(tmp_path_factory):
    """The 四级标题 example's plan (一、 with paragraphs only, （一） sections with items and with
    paragraphs, items with （1） sub-items) drafted on a year: a part's paragraph reworded, a section
    renamed, a sub-item reworded and one added, a section's paragraph removed, the 抄送 kept."""
    tmp = tmp_path_factory.mktemp("compare4")
    content = tmp / "content"
    shutil.copytree(ROOT / "examples" / "四级标题" / "2025", content / "2025")
    shutil.copytree(ROOT / "examples" / "四级标题" / "2025", content / "2026")
    notice = content / "2026" / "notice.yaml"
    notice.write_text(notice.read_text(encoding="utf-8").replace("  年份: 2025", "  年份: 2026"), encoding="utf-8")
    plan = content / "2026" / "行动方案.yaml"
    s = plan.read_text(encoding="utf-8")
    edits = [
        ("师生数字素养显著提升。", "师生数字素养全面提升。"),  # a paragraph of 一、总体要求
        ("      - 标题: 深化教学应用", "      - 标题: 深化课堂应用"),  # a （一） section renamed
        ("汇聚教师培训、考核和职称信息。", "汇聚教师培训和职称信息。"),  # a （1） sub-item reworded
        (
            "                内容: 以人事系统为唯一来源，汇聚教师培训和职称信息。\n",
            "                内容: 以人事系统为唯一来源，汇聚教师培训和职称信息。\n"
            "              - 要点: 资产数据。\n                内容: 以资产系统为唯一来源，实现设备台账动态更新。\n",
        ),  # a （3） sub-item added
        ("          - 开设学生人工智能与编程普及课程，举办区级学生数字创作展示活动。\n", ""),  # a paragraph removed
    ]
    for old, new in edits:
        assert old in s, old
        s = s.replace(old, new, 1)
    plan.write_text(s, encoding="utf-8")
    out = tmp / "out"
    r = build(
        "--year", "2026", "--content", str(content), "--output", str(out), "--compare", "2025", "--format", "docx"
    )
    assert r.returncode == 0, r.stderr
    return both_states(next((out / "2026").glob("*-与2025年度对照.docx")), content, "2025", "2026", r.stdout, tmp)


def every_line(doc) -> list[str]:
    """Each paragraph of the plan as a reader sees it, headings, paragraphs, items and sub-items in order,
    footnotes left out (their marks are LibreOffice's): label + lead + the start of the first paragraph."""
    from gongwen.model import Text, walk

    def text(inlines) -> str:
        return "".join(x.text for x in inlines if isinstance(x, Text))

    out = []
    for sec in walk(doc.attachments[0].parts):
        first, rest = (sec.paragraphs[:1], sec.paragraphs[1:]) if sec.level >= 3 else ([], sec.paragraphs)
        out.append(sec.label + text(sec.heading) + "".join(text(p.inlines) for p in first))
        out += [text(p.inlines) for p in rest]
    return out


@pytest.mark.parametrize("state,year", [("reject_all", "old"), ("accept_all", "new")])
def test_every_level_of_the_plan_comes_back_in_either_state(four_levels, state, year):
    lines = [x.strip() for x in (four_levels["tmp"] / f"{state}.txt").read_text(encoding="utf-8-sig").splitlines()]
    lines = [re.sub(r"[①-⑳]|\s+", "", x) for x in lines[lines.index("附件") :] if x.strip()]
    want = every_line(four_levels[year])
    start = next(k for k, x in enumerate(lines) if x.startswith(want[0][:12]))
    shown = lines[start : start + len(want)]
    assert len(shown) == len(want)
    for got, line in zip(shown, want):
        assert got[:20] == re.sub(r"\s+", "", line)[:20], (got, line)  # every paragraph, in its place


def test_the_summary_names_changes_below_the_parts(four_levels):
    s = four_levels["summary"]
    assert "修改小节：（二）深化课堂应用（原（二）深化教学应用）" in s, s
    assert "修改段落：一、总体要求：删去“显著”，加上“全面”" in s, s
    assert "修改段落：（三）提升数字素养：删去“开设学生人工智能与编程普及课程" in s, s
    assert "修改：2.建设区域教育数据中心。（原2.）" in s, s  # its sub-items changed


def test_the_comparison_docx_sets_sections_as_sections_and_the_cc_once(four_levels):
    import zipfile

    with zipfile.ZipFile(four_levels["docx"]) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    heading2 = re.findall(r'<w:pStyle w:val="GwHeading2"/>.*?</w:p>', xml)
    assert len(heading2) == 3 and "夯实数字基座" in heading2[0], heading2  # the （一）（二）（三） sections
    assert "抄送：抄送" not in re.sub(r"<[^>]+>", "", xml)
