"""A department's fragment (no 版头, no title: a few items, a part, two sections) imports as what it is, and
merges into a year's attachment at a named place (--into attachment.yaml --after 二), leaving the rest of
the file — comments included — as the clerk wrote it. Checked on the built document: the parts and items
are where they were put and numbered on."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gongwen.source import load_year
from gongwen.transforms import resolve

ROOT = Path(__file__).resolve().parent.parent


def run(*args):
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def word_list_fragment(path: Path, paragraphs: list[tuple[str, str]]) -> None:
    """A fragment typed in Word: `paragraphs` as (kind, text) with kind 'part' (Heading 1 with an automatic
    一、 list), 'item' (an automatic 1. list, the lead in bold) or 'body'."""
    from docx import Document
    from docx.oxml import parse_xml

    d = Document()
    numbering = d.part.numbering_part.element
    W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    numbering.append(
        parse_xml(
            f'<w:abstractNum {W} w:abstractNumId="90"><w:multiLevelType w:val="multilevel"/>'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/>'
            '<w:lvlRestart w:val="0"/></w:lvl></w:abstractNum>'
        )
    )
    numbering.append(parse_xml(f'<w:num {W} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for kind, text in paragraphs:
        if kind == "body":
            d.add_paragraph(text)
            continue
        p = d.add_paragraph(style="Heading 1" if kind == "part" else None)
        ppr = p._p.get_or_add_pPr()
        ppr.append(
            parse_xml(f'<w:numPr {W}><w:ilvl w:val="{0 if kind == "part" else 1}"/><w:numId w:val="90"/></w:numPr>')
        )
        if kind == "item":
            lead, _, rest = text.partition("。")
            p.add_run(lead + "。").bold = True
            p.add_run(rest)
        else:
            p.add_run(text)
    d.save(path)


PARTS = [
    ("part", "加强校园安全管理"),
    ("item", "健全安全责任体系。压实学校安全主体责任，逐级签订责任书。"),
    ("item", "开展隐患排查整治。每月开展一次全覆盖排查，建立整改台账。"),
    ("part", "推进平安校园建设"),
    ("item", "建设智慧安防平台。实现视频监控全覆盖并接入区平台。"),
]
ITEMS = [
    ("item", "开展心理健康月活动。组织全区中小学开展主题活动。"),
    ("item", "加强心理教师培训。分层分类开展专题培训。"),
]


@pytest.fixture
def year_2030(tmp_path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "2024", content / "2030")
    return content


def merge(frag: Path, content: Path, into: str = "attachment.yaml", after: str | None = None):
    """build.py --import FRAG --year 2030 --content CONTENT --into INTO [--after AFTER]."""
    return run(
        "--import", str(frag), "--year", "2030", "--content", str(content), "--into", into,
        *(["--after", after] if after is not None else []),
    )  # fmt: skip


def built(content: Path):
    return resolve(load_year(content / "2030")[0])


def test_a_fragment_without_into_becomes_an_attachment_file_to_list(tmp_path):
    frag = tmp_path / "安全科稿.docx"
    word_list_fragment(frag, PARTS)
    content = tmp_path / "content"
    r = run("--import", str(frag), "--year", "2030", "--content", str(content))
    assert r.returncode == 0, r.stderr
    assert "片段" in r.stdout and "最上一层是部分" in r.stdout and "--into" in r.stdout, r.stdout
    assert "可以生成了" not in r.stdout
    out = content / "2030" / "安全科稿.yaml"
    text = out.read_text(encoding="utf-8")
    assert "标题: （请填写附件标题）" in text and "发文机关标志" not in text
    import yaml

    data = yaml.safe_load(text)
    assert [p["标题"] for p in data["部分"]] == ["加强校园安全管理", "推进平安校园建设"]
    assert data["部分"][0]["条目"][1] == {
        "要点": "开展隐患排查整治。",
        "内容": "每月开展一次全覆盖排查，建立整改台账。",
    }
    # a second import of the same file is refused unless forced
    r = run("--import", str(frag), "--year", "2030", "--content", str(content))
    assert r.returncode == 2 and "已经存在" in r.stderr


def test_parts_merge_after_a_named_part_and_everything_else_stays(year_2030, tmp_path):
    frag = tmp_path / "安全科稿.docx"
    word_list_fragment(frag, PARTS)
    att = year_2030 / "2030" / "attachment.yaml"
    before = att.read_text(encoding="utf-8")
    old = built(year_2030)
    r = merge(frag, year_2030, after="二")
    assert r.returncode == 0, r.stderr
    assert "并入 attachment.yaml：“二”之后" in r.stdout and "可以生成了" in r.stdout, r.stdout
    after = att.read_text(encoding="utf-8")
    assert (year_2030 / "2030" / "attachment.yaml.bak").read_text(encoding="utf-8") == before
    assert after.splitlines()[:3] == before.splitlines()[:3]  # the clerk's comments kept
    # every line of the old file is still there, in order
    it = iter(after.splitlines())
    assert all(any(line == x for x in it) for line in before.splitlines())
    doc = built(year_2030)
    parts = doc.attachments[0].parts
    assert [p.label for p in parts] == ["一、", "二、", "三、", "四、", "五、", "六、", "七、", "八、", "九、"]
    assert [p.heading[0].text for p in parts[2:4]] == ["加强校园安全管理", "推进平安校园建设"]
    assert [p.heading[0].text for p in parts[:2]] == [p.heading[0].text for p in old.attachments[0].parts[:2]]
    assert parts[4].heading[0].text == old.attachments[0].parts[2].heading[0].text
    # items run on: the first new item follows the last item of part 二
    last_of_two = parts[1].children[-1].label
    assert parts[2].children[0].label == f"{int(last_of_two[:-1]) + 1}."
    assert len(doc.items) == len(old.items) + 3
    assert len(doc.footnotes) == 3


def test_items_merge_after_a_numbered_item_or_at_the_end_of_a_part(year_2030, tmp_path):
    frag = tmp_path / "德育科稿.docx"
    word_list_fragment(frag, ITEMS)
    old = built(year_2030)
    r = merge(frag, year_2030, after="5")
    assert r.returncode == 0, r.stderr
    doc = built(year_2030)
    leads = ["".join(x.text for x in i.heading) for i in doc.items]
    assert leads[5:7] == ["开展心理健康月活动。", "加强心理教师培训。"]
    assert leads[4] == "".join(x.text for x in old.items[4].heading) and leads[7] == "".join(
        x.text for x in old.items[5].heading
    )
    assert [i.label for i in doc.items] == [f"{k}." for k in range(1, len(old.items) + 3)]
    # at the end of part 二
    r = merge(frag, year_2030, after="二")
    assert r.returncode == 0, r.stderr
    doc = built(year_2030)
    two = doc.attachments[0].parts[1]
    assert ["".join(x.text for x in i.heading) for i in two.children[-2:]] == [
        "开展心理健康月活动。",
        "加强心理教师培训。",
    ]


def test_a_merge_that_does_not_fit_changes_nothing(year_2030, tmp_path):
    att = year_2030 / "2030" / "attachment.yaml"
    before = att.read_bytes()
    frag = tmp_path / "片段.docx"
    word_list_fragment(frag, PARTS)
    r = merge(frag, year_2030, after="12")
    assert r.returncode != 0 and "不能放在条目“12”之后" in r.stderr and "Traceback" not in r.stderr, r.stderr
    r = merge(frag, year_2030, after="十五")
    assert r.returncode != 0 and "没有这个序号" in r.stderr and "二、" not in r.stderr, r.stderr
    r = merge(frag, year_2030, "../../etc/passwd")
    assert r.returncode != 0 and "没有附件文件" in r.stderr
    r = merge(frag, year_2030, "notice.yaml")
    assert r.returncode != 0 and "是发文文件" in r.stderr
    assert att.read_bytes() == before and not (year_2030 / "2030" / "attachment.yaml.bak").exists()
    # a whole notice is not a fragment
    from gongwen.docx import DocxWriter
    from gongwen.house import load_house

    h = load_house()
    ours = tmp_path / "ours.docx"
    ours.write_bytes(DocxWriter(resolve(load_year(ROOT / "content" / "2024")[0], h), h).build())
    r = merge(ours, year_2030, "attachment.yaml")
    assert r.returncode != 0 and "不是片段" in r.stderr
    assert att.read_bytes() == before
