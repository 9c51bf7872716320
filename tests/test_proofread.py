"""校对: each rule with real examples of what it must catch and of correct text it must leave alone; the
seed's three slips found exactly, with file and line; correct official text (content/2024 and every
example, some 11,000 characters) giving no finding; --check, --check-file and the 校对意见 DOCX."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from gongwen.proofread import proofread_document
from gongwen.proofread.rules import check_text, heading_sequence
from gongwen.source import load_year
from gongwen.transforms import resolve

ROOT = Path(__file__).resolve().parent.parent

# rule → (text that must give a finding of this rule, the offending characters), …
CAUGHT = {
    "繁体字": [("推进中小學生健康月", "學"), ("加強教師隊伍建設", "強"), ("開展活動", "開")],
    "英文虚词": [("落实党的二十大精神 and 习近平总书记", "and"), ("学生or家长", "or"), ("建设with特色", "with")],
    "重复词": [
        ("加强特教师队伍队伍建设", "队伍队伍"),
        ("推进工作工作", "工作工作"),
        ("提升教育质量教育质量", "教育质量教育质量"),
    ],
    "文号": [
        ("根据宝教[2024]1号文件", "宝教[2024]1号"),
        ("沪教委（2023）12号", "沪教委（2023）12号"),
        ("宝教〔2024〕第1号", "宝教〔2024〕第1号"),
        ("宝教〔2024〕01号", "宝教〔2024〕01号"),
        ("宝教〔24〕1号", "宝教〔24〕1号"),
        ("见（〔2023〕2485号）", "〔2023〕2485号"),
    ],
    "日期": [
        ("于2024年02月04日印发", "2024年02月"),
        ("2月04日召开", "2月04日"),
        ("24年3月启动", "24年3月"),
        ("二0一一年", "二0一一年"),
        ("二○二四年", "二○二四年"),
    ],
    "半角标点": [
        ("教材,不得", ","),
        ("具体如下:", ":"),
        ("是否落实?", "?"),
        ("(见附件)", "("),
        ("如此!", "!"),
        ("加强;完善", ";"),
    ],
    "形近字符": [("全面推进\u2f08作", "\u2f08"), ("教育\uf900", "\uf900")],
    "全角字母数字": [("共１２所学校", "１"), ("ＳＴＥＭ教育", "Ｓ")],
    "不可见字符": [("教育\u00a0工作", "\u00a0"), ("教育\u200b工作", "\u200b")],
    "间隔号": [("行知寻˙访", "˙"), ("陶行知•教育", "•")],
    "标点重复": [("加强管理，，推进", "，，"), ("完成。。", "。。"), ("工作，。", "，。"), ("学校、。", "、。")],
    "标点不成对": [("落实“双减政策", "“"), ("学习《纲要", "《"), ("推进（试点", "（")],
    "书名号": [("学习《关于《教育法》的决定》", "《")],
    "序号": [("1、加强领导", "1、"), ("一.总体要求", "一."), ("（一）、加强", "（一）、"), ("（1）、落实", "（1）、")],
    "顿号": [("学校、幼儿园、等单位", "、等"), ("教师、学生、和家长", "、和"), ("区教育局、及各校", "、及")],
    "连接号": [("2010-2020年", "2010-2020"), ("4月15日--28日", "--"), ("2022－2024年", "2022－2024")],
    "电话号码": [("电话：0898—26630991", "0898—26630991")],
}

# correct text that a careless rule would flag
SILENT = [
    "加强STEM教育，推广ITSM服务，配发U盘",  # Latin words that are not English function words
    "研究研究再定，一点一点推进，一步一步落实，看看效果",  # legitimate reduplication
    "人人参与，天天锻炼，宝宝屋建设，学校校务公开，实行行政问责",  # single-character doubles
    "乾县中学、乾坤、宫商角徵羽",  # characters correct in names and set phrases
    "宝教〔2024〕1号、沪教委〔2023〕12号",  # correct 文号
    "2024年2月4日，二〇二四年，2025年1月起",  # correct dates
    "时间为8:30，网址https://www.example.edu.cn/a,b;c?d=1，邮箱office@bs.edu.cn",  # URLs, e-mail, times
    "开设人工智能(AI)课程，（STEM）项目",  # parentheses around ASCII only
    "陶行知·教育，“五育”并举",  # the right 间隔号
    "这是为什么？！要继续努力……前进——再前进",  # ？！ …… ——
    "学习《关于〈教育法〉的决定》",  # 〈〉 inside 《》
    "团结、和平、发展，加强、及时、有效，教师、学生和家长，学校、幼儿园等单位",  # 和平 / 及时 are words
    "（2022—2024年），执行GB/T 9704-2012，ISO 9001-2015认证，《三年行动计划（2022-2024）》",  # ranges
    "联系电话：56781234，0898-26630991",
    "第1、2、3项工作，（一）加强领导，1.完善制度，（1）落实责任",  # enumerations and right heading numbers
    "共12所学校，增加3.5个百分点，完成率达到100%",
]


@pytest.mark.parametrize("rule", CAUGHT)
def test_rule_catches_real_slips(rule):
    for text, bad in CAUGHT[rule]:
        found = [f for f in check_text(text) if f.rule == rule]
        assert found, f"{rule}: nothing found in {text!r}"
        assert any(bad in text[f.start : f.end] or text[f.start : f.end] in bad for f in found), (
            rule,
            text,
            [text[f.start : f.end] for f in found],
        )
        assert all(f.fix for f in found) and all(f.message for f in found)


@pytest.mark.parametrize("text", SILENT)
def test_rules_leave_correct_text_alone(text):
    assert check_text(text) == [], [(f.rule, text[f.start : f.end]) for f in check_text(text)]


def test_typed_heading_numbers_that_skip_or_repeat():
    paras = [
        "一、总体要求",
        "（一）指导思想",
        "（二）基本原则",
        "（四）主要目标",
        "二、主要任务",
        "1.加强领导",
        "2.完善制度",
        "2.强化保障",
        "四、保障措施",
    ]
    found = [(paras[k], f.message) for k, f in heading_sequence(paras)]
    assert [p for p, _ in found] == ["（四）主要目标", "2.强化保障", "四、保障措施"], found
    assert (
        heading_sequence(["一、甲", "（一）乙", "（二）丙", "二、丁", "（一）戊", "1.己", "2.庚", "三、辛", "3.壬"])
        == []
    )


def correct_documents():
    dirs = [ROOT / "content" / "2024"] + [d for d in (ROOT / "examples").glob("*/*") if d.is_dir()]
    return [resolve(doc) for d in dirs for doc in load_year(d)]


def test_correct_official_text_gives_no_finding():
    docs = correct_documents()
    chars = sum(len(t) for doc in docs for *_, t in doc.texts)
    assert chars > 10000
    found = [str(f) for doc in docs for f in proofread_document(doc)]
    assert found == []


def run(*args):
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def slips(tmp_path) -> Path:
    """content/2024 with the three slips of the printed notice put back."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "2024", content / "2024")
    att = content / "2024" / "attachment.yaml"
    s = att.read_text(encoding="utf-8")
    for old, new in (
        ("党的二十大精神和习近平总书记", "党的二十大精神 and 习近平总书记"),
        ("中小学生健康月", "中小學生健康月"),
        ("加强特教师队伍建设", "加强特教师队伍队伍建设"),
    ):
        assert old in s
        s = s.replace(old, new, 1)
    att.write_text(s, encoding="utf-8")
    return content


def line_of(path: Path, needle: str) -> int:
    """The line of the YAML key whose value holds `needle` (a folded block starts on its key's line)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    i = next(i for i, ln in enumerate(lines) if needle in ln)
    while not lines[i].lstrip().startswith(("导语:", "内容:", "- 要点:", "要点:")):
        i -= 1
    return i + 1


def test_check_finds_exactly_the_three_slips_of_the_print(slips, tmp_path):
    r = run("--year", "2024", "--content", str(slips), "--check", "--output", str(tmp_path / "out"))
    assert r.returncode == 1, r.stderr
    found = [ln for ln in r.stderr.splitlines() if ln.startswith("校对：") and "［" in ln]
    assert len(found) == 3, found
    att = slips / "2024" / "attachment.yaml"
    for ln, needle, word in zip(found, ("and 习近平", "中小學生", "队伍队伍"), ("“and”", "“學”", "“队伍”重复")):
        assert f"attachment.yaml 第 {line_of(att, needle)} 行" in ln and word in ln and "［错误］" in ln, ln
    assert not (tmp_path / "out").exists(), "--check wrote files"


def test_check_of_the_2024_content_is_clean():
    r = run("--year", "2024", "--check")
    assert r.returncode == 0, r.stderr
    assert "没有发现问题" in r.stderr and "［" not in r.stderr


def test_build_goes_on_and_writes_the_review_docx_with_comments(slips, tmp_path):
    from ooxml_validate import validate_docx

    out = tmp_path / "out"
    r = run("--year", "2024", "--content", str(slips), "--output", str(out), "--format", "docx")
    assert r.returncode == 0, r.stderr
    assert r.stderr.count("校对：") == 3
    review = out / "2024" / "宝教〔2024〕1号-校对意见.docx"
    assert review.is_file() and (out / "2024" / "宝教〔2024〕1号.docx").is_file()
    with zipfile.ZipFile(review) as z:
        doc = etree.fromstring(z.read("word/document.xml"))
        comments = etree.fromstring(z.read("word/comments.xml"))
    W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    notes = ["".join(t.text for t in c.iter(f"{W}t")) for c in comments.iter(f"{W}comment")]
    assert len(notes) == 3 and all("［错误］" in n for n in notes), notes
    # each comment's range covers the words it is about
    anchored = []
    for start in doc.iter(f"{W}commentRangeStart"):
        cid, text, node = start.get(f"{W}id"), "", start
        while node is not None:
            node = node.getnext()
            if node is None or (node.tag == f"{W}commentRangeEnd" and node.get(f"{W}id") == cid):
                break
            text += "".join(t.text or "" for t in node.iter(f"{W}t"))
        anchored.append(text)
    assert (
        any("and" in a for a in anchored)
        and any("學" in a for a in anchored)
        and any("队伍队伍" in a for a in anchored)
    ), anchored
    assert validate_docx(review) == []
    # fixed content: the next build finds nothing and removes the stale review file
    r = run("--year", "2024", "--output", str(out), "--format", "docx")
    assert r.returncode == 0 and not review.exists()


def test_allowlist_silences_deliberate_uses(slips):
    notice = slips / "2024" / "notice.yaml"
    notice.write_text(notice.read_text(encoding="utf-8") + "\n校对例外:\n  - 中小學生\n", encoding="utf-8")
    r = run("--year", "2024", "--content", str(slips), "--check")
    found = [ln for ln in r.stderr.splitlines() if "［" in ln]
    assert len(found) == 2 and not any("學" in ln for ln in found), found


def test_check_file_on_a_text_draft_and_a_word_draft(tmp_path):
    txt = tmp_path / "稿件.txt"
    txt.write_text(
        "一、总体要求\n\n落实党的二十大精神 and 习近平总书记重要论述。\n三、保障措施\n教材,不得随意更换。\n",
        encoding="gb18030",
    )  # as Notepad saves Chinese on Windows
    r = run("--check-file", str(txt))
    assert r.returncode == 1
    lines = [ln for ln in r.stdout.splitlines() if "［" in ln]
    assert any("第 3 行" in ln and "and" in ln for ln in lines), lines
    assert any("第 4 行" in ln and "跳号" in ln for ln in lines), lines
    assert any("第 5 行" in ln and "半角" in ln for ln in lines), lines

    from docx import Document

    d = Document()
    for t in ("关于开展教育调研的通知", "", "各学校：", "请于2024年02月04日前报送材料，联系电话：0898—26630991。"):
        d.add_paragraph(t)
    path = tmp_path / "部门稿.docx"
    d.save(path)
    r = run("--check-file", str(path))
    assert r.returncode == 1
    lines = [ln for ln in r.stdout.splitlines() if "［" in ln]
    assert any("第 4 段" in ln and "虚位" in ln for ln in lines) and any(
        "第 4 段" in ln and "电话" in ln for ln in lines
    ), lines

    ok = tmp_path / "好稿.txt"
    ok.write_text("一、总体要求\n坚持以习近平新时代中国特色社会主义思想为指导。\n", encoding="utf-8")
    r = run("--check-file", str(ok))
    assert r.returncode == 0 and "没有发现问题" in r.stdout


def test_check_file_refuses_what_it_cannot_read(tmp_path):
    doc = tmp_path / "旧稿.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0 old word")
    r = run("--check-file", str(doc))
    assert r.returncode != 0 and "另存为 .docx" in r.stderr and "Traceback" not in r.stderr
    r = run("--check-file", str(tmp_path / "没有这个文件.txt"))
    assert r.returncode != 0 and "找不到文件" in r.stderr and "Traceback" not in r.stderr
    bad = tmp_path / "坏.docx"
    bad.write_bytes(b"not a zip")
    r = run("--check-file", str(bad))
    assert r.returncode != 0 and "不是有效的 Word 文件" in r.stderr and "Traceback" not in r.stderr


def test_each_review_comment_spans_just_its_finding_and_a_footnote_slip_sits_in_its_footnote(tmp_path):
    """A half-width comma inside a long paragraph gets a comment on that comma alone (its run split), and
    a slip inside a footnote gets its comment in the footnote, on the slip's characters."""
    from gongwen.proofread import proofread_document
    from gongwen.source import load_year
    from gongwen.transforms import resolve

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "2024", content / "2024")
    att = content / "2024" / "attachment.yaml"
    s = att.read_text(encoding="utf-8")
    for old, new in (
        ("推进学区教育教学高质量发展。", "推进学区教育教学,高质量发展。"),
        ("1个优质校结对N个薄弱校", "1个优质校结对N个薄弱學校"),
    ):
        assert old in s
        s = s.replace(old, new, 1)
    att.write_text(s, encoding="utf-8")
    found = proofread_document(resolve(load_year(content / "2024")[0]), 2024)
    spans = sorted(f.text[f.finding.start : f.finding.end] for f in found)
    assert spans == sorted([",", "學"]), spans
    out = tmp_path / "out"
    r = run("--year", "2024", "--content", str(content), "--output", str(out), "--format", "docx")
    assert r.returncode == 0, r.stderr
    review = out / "2024" / "宝教〔2024〕1号-校对意见.docx"
    W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

    def anchored(root) -> list[str]:
        got = []
        for start in root.iter(f"{W}commentRangeStart"):
            cid, text, node = start.get(f"{W}id"), "", start
            while True:
                node = node.getnext()
                if node is None or (node.tag == f"{W}commentRangeEnd" and node.get(f"{W}id") == cid):
                    break
                text += "".join(t.text or "" for t in node.iter(f"{W}t"))
            got.append(text)
        return got

    with zipfile.ZipFile(review) as z:
        body = etree.fromstring(z.read("word/document.xml"))
        notes = etree.fromstring(z.read("word/footnotes.xml"))
        comments = etree.fromstring(z.read("word/comments.xml"))
    assert anchored(body) == [","]  # the comma, not the ~430 characters of its paragraph
    assert anchored(notes) == ["學"]  # in the footnote, on the character
    texts = ["".join(t.text for t in c.iter(f"{W}t")) for c in comments.iter(f"{W}comment")]
    assert len(texts) == 2 and not any("^[" in t for t in texts), texts  # no footnote markup in a comment
    from ooxml_validate import validate_docx

    assert validate_docx(review) == []
