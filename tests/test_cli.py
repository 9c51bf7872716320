"""The command line as a user meets it: bad content, bad arguments, and the last good output kept."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content" / "2024"


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def workspace(tmp_path):
    """A copy of content/2024 and an output folder holding one good build."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content / "2024")
    out = tmp_path / "output"
    r = run("--year", "2024", "--content", str(content), "--output", str(out), "-q")
    assert r.returncode == 0, r.stderr
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


CASES = [
    # (file, old, new, expected words in the message: file name, line marker, field)
    ("notice.yaml", "主送机关: 教育系统各单位", "主送机关 教育系统各单位", ["notice.yaml", "YAML 语法错误"]),
    ("notice.yaml", "发文机关署名: 上海市宝山区教育局\n", "", ["notice.yaml", "「发文机关署名」", "缺少必填项"]),
    ("notice.yaml", "成文日期: 2024-02-04", "成文日期: 2024-02-30", ["notice.yaml", "2024-02-30", "不存在"]),
    ("notice.yaml", "  序号: 1", "  序号: 第1", ["notice.yaml", "「发文字号.序号」", "应为整数"]),
    ("notice.yaml", "\n标题:\n", "\n题目:\n", ["notice.yaml", "「题目」", "是不是“标题”"]),
    ("notice.yaml", "主送机关: 教育系统各单位", "主送机关: 教育系统各单位\n主送机关: 各学校", ["notice.yaml", "重复的键"]),
    ("attachment.yaml", "  - 标题: 落实立德树人", "  - 标题: 一、落实立德树人", ["attachment.yaml", "「部分[1].标题」", "自动编号"]),
    ("attachment.yaml", "“1+N”^[1个优质校结对N个薄弱校]", "“1+N”^[1个优质校结对N个薄弱校", ["attachment.yaml", "缺少配对"]),
    ("attachment.yaml", "      - 要点: 加强体育和美育工作。", "      - 要点: 加强体育和美育工作。\n        要旨: 多余", ["attachment.yaml", "「部分[1].条目[2].要旨」"]),
]


@pytest.mark.parametrize("fname,old,new,words", CASES, ids=[c[3][-1] for c in CASES])
def test_bad_content_is_reported_in_chinese_and_keeps_the_last_good_pdf(workspace, fname, old, new, words):
    content, out, pdf = workspace
    before = digest(pdf)
    edit(content / fname, old, new)
    r = run("--year", "2024", "--content", str(content.parent), "--output", str(out))
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout
    for w in words:
        assert w in r.stderr, f"{w!r} missing from: {r.stderr}"
    assert " 行" in r.stderr  # every message names a line
    assert digest(pdf) == before, "a failed build changed the previous PDF"
    assert not list((out / "2024").glob(".tmp-*")), "temporary file left behind"


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
    assert "四位数字" in r.stderr and "Traceback" not in r.stderr


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
