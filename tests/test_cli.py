"""The command line as a user meets it: bad content, bad arguments, and the last good output kept."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content" / "2024"


def run(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def good_build(tmp_path_factory):
    """One good build (PDF and DOCX) of content/2024, copied into each test's output folder."""
    out = tmp_path_factory.mktemp("good")
    r = run("--year", "2024", "--output", str(out), "-q")
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture
def workspace(tmp_path, good_build):
    """A copy of content/2024 and an output folder holding the last good build."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content / "2024")
    out = tmp_path / "output"
    shutil.copytree(good_build / "2024", out / "2024")
    pdf = next((out / "2024").glob("*.pdf"))
    return content / "2024", out, pdf


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(needle)


def _write(text: bytes):
    return lambda path: path.write_bytes(text)


def _gbk(path: Path) -> None:
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))


def _alias_bomb(path: Path) -> None:
    rows = ['b0: &b0 ["哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈"]']
    rows += [f"b{i}: &b{i} [" + ", ".join([f"*b{i - 1}"] * 10) + "]" for i in range(1, 9)]
    path.write_text(path.read_text(encoding="utf-8") + "\n".join(rows) + "\n", encoding="utf-8")


# Each case: a small mutation of content/2024 — (file, old text, new text) or (file, function) — and the
# words the message must contain besides the file name. Every case must exit 2, print no traceback and
# leave the previous PDF and DOCX byte-identical.
N, A = "notice.yaml", "attachment.yaml"
CASES = [
    ("yaml-syntax", N, "主送机关: 教育系统各单位", "主送机关 教育系统各单位", ["YAML 语法错误"]),
    ("tab-indent", N, "  机关代字: 宝教", "\t机关代字: 宝教", ["YAML 语法错误", "Tab"]),
    ("missing-signature", N, "发文机关署名: 上海市宝山区教育局\n", "", ["「发文机关署名」", "缺少必填项"]),
    ("missing-date", N, "成文日期: 2024-02-04\n", "", ["「成文日期」", "缺少必填项"]),
    (
        "no-body",
        N,
        "正文:\n  - 现将《上海市宝山区教育局2024年工作意见》印发给你们，请结合本单位实际，认真贯彻执行。\n",
        "",
        ["「正文」", "缺少正文"],
    ),
    ("date-does-not-exist", N, "成文日期: 2024-02-04", "成文日期: 2025-02-30", ["2025-02-30", "不存在"]),
    ("date-in-words", N, "成文日期: 2024-02-04", "成文日期: 二〇二四年二月四日", ["「成文日期」", "应为日期"]),
    ("print-date-month-13", N, "印发日期: 2024-02-04", "印发日期: 2024-13-04", ["2024-13-04", "不存在"]),
    ("sequence-with-di", N, "  序号: 1", "  序号: 第1", ["「发文字号.序号」", "应为整数"]),
    ("sequence-leading-zero", N, "  序号: 1", "  序号: 01", ["「发文字号.序号」", "不编虚位"]),
    ("sequence-zero", N, "  序号: 1", "  序号: 0", ["「发文字号.序号」", "正整数"]),
    ("two-digit-year", N, "  年份: 2024", "  年份: 24", ["「发文字号.年份」", "四位"]),
    ("prefix-with-year", N, "  机关代字: 宝教", "  机关代字: 宝教〔2024〕", ["「发文字号.机关代字」", "只写机关代字"]),
    ("prefix-path", N, "  机关代字: 宝教", "  机关代字: ../../etc", ["「发文字号.机关代字」", "汉字或字母"]),
    ("unknown-key", N, "\n标题:\n", "\n题目:\n", ["「题目」", "是不是“标题”"]),
    (
        "duplicate-key",
        N,
        "主送机关: 教育系统各单位",
        "主送机关: 教育系统各单位\n主送机关: 各学校",
        ["「主送机关」", "重复的键"],
    ),
    ("copies-in-words", N, "  印数: 350", "  印数: 三百五十", ["「版记.印数」", "应为整数"]),
    ("missing-printer", N, "  印发机关: 上海市宝山区教育局办公室\n", "", ["「版记.印发机关」", "缺少必填项"]),
    ("body-as-mapping", N, "正文:\n  - 现将", "正文:\n  甲: 现将", ["「正文」", "应为文字"]),
    ("attachment-missing", N, "  - attachment.yaml", "  - attachment-2024.yaml", ["「附件[1]」", "找不到附件文件"]),
    ("attachment-outside", N, "  - attachment.yaml", "  - ../2023/attachment.yaml", ["「附件[1]」", "本年度目录"]),
    (
        "python-tag",
        N,
        "主送机关: 教育系统各单位",
        "主送机关: !!python/object/apply:os.system [echo]",
        ["不支持的 YAML 标签"],
    ),
    ("control-character", N, "主送机关: 教育系统各单位", '主送机关: "教育系统\\a各单位"', ["「主送机关」", "U+0007"]),
    ("alias-bomb", N, _alias_bomb, ["过大"]),
    ("empty-file", N, _write(b""), ["文件是空的"]),
    ("not-utf8", N, _gbk, ["UTF-8"]),
    ("heading-numbered", A, "  - 标题: 落实立德树人", "  - 标题: 一、落实立德树人", ["「部分[1].标题」", "自动编号"]),
    (
        "item-numbered",
        A,
        "      - 要点: 加强体育和美育工作。",
        "      - 要点: 2.加强体育和美育工作。",
        ["「部分[1].条目[2].要点」", "自动编号"],
    ),
    (
        "footnote-unclosed",
        A,
        "“1+N”^[1个优质校结对N个薄弱校]",
        "“1+N”^[1个优质校结对N个薄弱校",
        ["「部分[1].条目[1].内容」", "缺少配对"],
    ),
    ("footnote-empty", A, "“1+N”^[1个优质校结对N个薄弱校]", "“1+N”^[]", ["「部分[1].条目[1].内容」", "内容为空"]),
    ("footnote-at-start", A, "继续推进落实中小学", "^[注]继续推进落实中小学", ["「部分[1].条目[1].内容」", "段首"]),
    (
        "item-unknown-key",
        A,
        "      - 要点: 加强体育和美育工作。",
        "      - 要点: 加强体育和美育工作。\n        要旨: 多余",
        ["「部分[1].条目[2].要旨」", "未知的键"],
    ),
    (
        "items-not-a-list",
        A,
        "促进学生全面发展\n    条目:",
        "促进学生全面发展\n    条目: 见下\n    旧条目:",
        ["「部分[1].条目」", "应为列表"],
    ),
    (
        "item-empty",
        A,
        "    条目:\n      - 要点: 坚持不懈",
        "    条目:\n      - {}\n      - 要点: 坚持不懈",
        ["「部分[1].条目[1]」", "条目是空的"],
    ),
    (
        "part-without-heading",
        A,
        "  - 标题: 落实立德树人根本任务，促进学生全面发展\n",
        "  - 导语: 落实立德树人根本任务\n",
        ["「部分[1].标题」", "缺少必填项"],
    ),
    (
        "sections-and-items-mixed",
        A,
        "    条目:\n      - 要点: 坚持不懈",
        "    小节:\n      - 标题: 思想引领\n    条目:\n      - 要点: 坚持不懈",
        ["「部分[1].条目」", "既有“小节”又有“条目”"],
    ),
    (
        "section-numbered",
        A,
        "    条目:\n      - 要点: 坚持不懈",
        "    小节:\n      - 标题: （一）思想引领\n        条目:\n      - 要点: 坚持不懈",
        ["「部分[1].小节[1].标题」", "自动编号"],
    ),
    ("item-numbering-unknown", A, "\n部分:\n", "\n条目编号: 分开\n部分:\n", ["「条目编号」", "“连续”"]),
    ("secrecy-unknown", N, "\n发文字号:", "\n密级: 内部\n发文字号:", ["「密级」", "“机密”"]),
    ("secrecy-term-alone", N, "\n发文字号:", "\n保密期限: 1年\n发文字号:", ["「保密期限」", "没有写密级"]),
    ("urgency-unknown", N, "\n发文字号:", "\n紧急程度: 很急\n发文字号:", ["「紧急程度」", "“特急”"]),
    ("copy-number-seven-digits", N, "\n发文字号:", "\n份号: 1234567\n发文字号:", ["「份号」", "6 位"]),
    ("publicity-unknown", N, "\n版记:", "\n公开属性: 公开\n版记:", ["「公开属性」", "“主动公开”"]),
    (
        "joint-signatures-mismatch",
        N,
        "发文机关标志: 上海市宝山区教育局文件",
        "发文机关标志:\n  机关: [中共上海市宝山区教育工作委员会, 上海市宝山区教育局]\n  后缀: 文件",
        ["「发文机关署名」", "署名应有 2 项"],
    ),
    (
        "mark-unknown-key",
        N,
        "发文机关标志: 上海市宝山区教育局文件",
        "发文机关标志:\n  机构: [上海市宝山区教育局]",
        ["「发文机关标志.机构」", "是不是“机关”"],
    ),
    (
        "attachment-note-not-bool",
        N,
        "\n发文机关署名:",
        "\n附件说明: 不要\n发文机关署名:",
        ["「附件说明」", "“是”或“否”"],
    ),
    ("stray-yaml-file", "旧稿.yaml", _write("标题: 旧稿\n".encode()), ["既不是发文文件", "附件"]),
    (
        "same-number-twice",
        "通知二.yaml",
        lambda p: p.write_text((p.parent / "notice.yaml").read_text(encoding="utf-8"), encoding="utf-8"),
        ["文号相同"],
    ),
    ("attachment-empty", A, _write(b"# nothing yet\n"), ["文件是空的"]),
    ("raw-control-byte", N, "主送机关: 教育系统各单位", "主送机关: 教育系统\x07各单位", ["U+0007", "控制字符"]),
    ("self-alias", N, "主送机关: 教育系统各单位", "主送机关: &a [*a]", ["循环引用"]),
    ("deep-nesting", N, "主送机关: 教育系统各单位", "主送机关: " + "[" * 3000 + "]" * 3000, ["嵌套层数过多"]),
    (
        "empty-title-list",
        N,
        "\n标题:\n  - 上海市宝山区教育局关于下发《上海市\n  - 宝山区教育局2024年工作意见》的通知\n",
        "\n标题: []\n",
        ["「标题」", "不能为空"],
    ),
    ("copies-negative", N, "  印数: 350", "  印数: -350", ["「版记.印数」", "正整数"]),
    ("date-far-future", N, "成文日期: 2024-02-04", "成文日期: 2204-02-04", ["「成文日期」", "年份不合理"]),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_content_is_reported_in_chinese_and_keeps_the_last_good_outputs(workspace, case):
    content, out, pdf = workspace
    fname, *mutation, words = case[1:]
    docx = pdf.with_suffix(".docx")
    before = (digest(pdf), digest(docx))
    if len(mutation) == 1:
        mutation[0](content / fname)
    else:
        edit(content / fname, *mutation)
    r = run("--year", "2024", "--content", str(content.parent), "--output", str(out))
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr + r.stdout and "程序内部错误" not in r.stderr
    assert fname in r.stderr
    for w in words:
        assert w in r.stderr, f"{w!r} missing from: {r.stderr}"
    assert (digest(pdf), digest(docx)) == before, "a failed build changed the previous outputs"
    assert not list((out / "2024").glob(".tmp-*")), "temporary file left behind"


def test_there_are_at_least_30_bad_input_cases():
    assert len(CASES) >= 30


def test_error_names_the_line_of_the_field(workspace):
    content, out, _ = workspace
    edit(content / "notice.yaml", "  序号: 1", "  序号: 一")
    r = run("--year", "2024", "--content", str(content.parent), "--output", str(out))
    line = line_of(content / "notice.yaml", "序号: 一")
    assert f"notice.yaml 第 {line} 行" in r.stderr, r.stderr


def test_all_problems_are_reported_at_once(workspace):
    content, out, _ = workspace
    edit(content / "notice.yaml", "发文机关署名: 上海市宝山区教育局\n", "")
    edit(content / "attachment.yaml", "      - 要点: 加强体育和美育工作。", "      - 要点: 2.加强体育和美育工作。")
    r = run("--year", "2024", "--content", str(content.parent), "--output", str(out))
    assert r.returncode == 2
    assert "2 处问题" in r.stderr and "发文机关署名" in r.stderr and "attachment.yaml" in r.stderr


@pytest.mark.parametrize("year", ["24", "20245", "2024/../..", "abcd"])
def test_year_must_be_four_digits(year):
    r = run("--year", year)
    assert r.returncode == 2
    assert "四位数字" in r.stderr and "Traceback" not in r.stderr and "程序内部错误" not in r.stderr


def test_missing_year_says_which_years_exist(tmp_path):
    r = run("--year", "2031", "--output", str(tmp_path))
    assert r.returncode == 2
    assert "2031" in r.stderr and "2024" in r.stderr


def test_help_is_chinese():
    r = run("--help")
    assert r.returncode == 0
    assert "年度" in r.stdout and "显示本帮助并退出" in r.stdout


def test_build_reports_which_font_served_each_role(tmp_path):
    r = run("--year", "2024", "--output", str(tmp_path))
    assert r.returncode == 0, r.stderr
    for role in ("小标宋", "仿宋", "黑体", "楷体", "宋体"):
        assert f"字体 {role}：" in r.stdout
    assert "已生成" in r.stdout


def test_two_builds_of_the_same_year_at_once_both_finish_with_valid_files(tmp_path):
    import zipfile

    import pdfplumber

    out = tmp_path / "out"
    cmd = [sys.executable, str(ROOT / "build.py"), "--year", "2024", "--output", str(out), "-q"]
    procs = [
        subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)
    ]
    results = [p.communicate(timeout=300) + (p.returncode,) for p in procs]
    assert [r[2] for r in results] == [0, 0], results
    pdf = next((out / "2024").glob("*.pdf"))
    with pdfplumber.open(pdf) as doc:
        assert len(doc.pages) == 17
    with zipfile.ZipFile(pdf.with_suffix(".docx")) as z:
        assert z.testzip() is None
    assert not list((out / "2024").glob(".tmp-*"))


def test_every_usage_message_is_chinese():
    for args, words in (
        ((), "必须指定其中一个"),
        (("--year", "2024", "--format", "xls"), "无效"),
        (("--year", "2024", "--new", "2025"), "不能与"),
        (("--year",), "需要一个值"),
    ):
        r = run(*args)
        assert r.returncode == 2 and words in r.stderr, r.stderr
        assert not re.search(r"\b(one of|argument|required|invalid choice|usage|expected)\b", r.stderr), r.stderr


def test_build_py_runs_with_the_system_python_after_setup(tmp_path):
    """As the office types it: `python build.py` with the Python that created .venv (without the project's
    packages) re-runs itself with .venv's Python; a copy of build.py without .venv beside it asks for
    setup.sh in one line."""
    base = getattr(sys, "_base_executable", sys.executable)
    probe = subprocess.run([base, "-c", "import weasyprint"], capture_output=True)
    if probe.returncode == 0:
        pytest.skip("the system Python has the project's packages installed itself")
    r = subprocess.run(
        [base, str(ROOT / "build.py"), "--year", "2024", "--check"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0 and "没有发现问题" in r.stderr, r.stderr
    lone = tmp_path / "build.py"
    lone.write_text((ROOT / "build.py").read_text(encoding="utf-8"), encoding="utf-8")
    r = subprocess.run([base, str(lone), "--year", "2024"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and "bash scripts/setup.sh" in r.stderr and "Traceback" not in r.stderr, r.stderr


def test_an_empty_item_list_gets_one_message(workspace):
    content, out, pdf = workspace
    att = content / "attachment.yaml"
    s = att.read_text(encoding="utf-8")
    i = s.index("    条目:\n")
    att.write_text(s[:i] + "    条目: []\n    旧条目:\n" + s[i + len("    条目:\n") :], encoding="utf-8")
    r = run("--year", "2024", "--content", str(content.parent), "--output", str(out))
    assert r.returncode == 2
    assert r.stderr.count("「部分[1].条目」") == 1, r.stderr
