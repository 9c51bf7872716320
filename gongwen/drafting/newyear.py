"""Drafting next year's plan: the new-year scaffold and the stale-year check.

`python build.py --new 2025` copies the latest earlier year's content, moves the document's year forward
where it names the document's year (文号, the titles, "2024年工作意见"), leaves the dates to be decided
(待定) and prints a checklist. While building, text that still presents an earlier year as the current
one ("2024年是…", "宝教〔2024〕", a title saying 2024) is reported with file, line and field.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..model import Document

YEAR_DIR = re.compile(r"^\d{4}$")
TITLE_FIELDS = re.compile(r"^(标题(\[\d+\])?|部分\[\d+\]\.标题)$")
# phrases that present their year as the document's own year
CURRENT_YEAR_PHRASES = [
    (re.compile(r"(\d{4})年是"), "“{0}年是”"),
    (re.compile(r"〔(\d{4})〕"), "“〔{0}〕”"),
    (re.compile(r"(\d{4})年(?:工作意见|工作要点|工作计划)"), "“{0}年工作…”"),
]


@dataclass
class Finding:
    file: Path | str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file} 第 {self.line} 行「{self.field}」：{self.message}"


# a year that only looks back (比2024年增长, 2024年以来, 自2024年起) or cites a document (中发〔2018〕4号)
_LOOKS_BACK_BEFORE = re.compile(r"(?:自|从|截至|截止|与|较|比|同比|对比|相比|相较|回顾|总结|完成了?|实现了?)\s*$")
_LOOKS_BACK_AFTER = re.compile(r"年?(?:底|末|初)?(?:以来|来|起|的基础上)|年(?:度)?(?:同期|相比|水平)")
_RANGE_AROUND = re.compile(r"(\d{4})\s*(?:年\s*)?(?:—|–|-|－|~|～|至|到)\s*(\d{4})")


def _stale_in_text(text: str, year: int, own_prefix: str) -> list[tuple[int, int, str]]:
    """Places in a text where last year is still written as the plan's own: (start, end, what is shown).
    A single year-1 (认真分析2024年招生形势, 《…2024年科学育儿指导方案》) and a period that ended last year
    (（2022-2024）); not a period that runs into this year (2025—2027年, 2024—2035年), not a year that
    looks back (比2024年, 2024年以来), not another organ's 文号 (中发〔2024〕4号)."""
    out = []
    spans = []
    for m in _RANGE_AROUND.finditer(text):
        a, b = int(m.group(1)), int(m.group(2))
        if not (1900 <= a < b <= 2200):
            continue
        spans.append((m.start(), m.end()))
        if b == year - 1:
            out.append((m.start(), m.end(), m.group()))
    for m in re.finditer(r"(?<!\d)(\d{4})(?!\d)", text):
        if int(m.group(1)) != year - 1 or any(a <= m.start() < b for a, b in spans):
            continue
        before, after = text[: m.start()], text[m.end() :]
        if before.endswith("〔") and not before[:-1].endswith(own_prefix or "\0"):
            continue  # another organ's 文号, cited
        if not after.startswith(("年", "〕")) or _LOOKS_BACK_BEFORE.search(before) or _LOOKS_BACK_AFTER.match(after):
            continue
        end = min(len(text), m.end() + 6)
        out.append((m.start(), m.end(), text[m.start() : end].split("，")[0].split("。")[0]))
    return out


def stale_year_findings(doc: Document, year: int) -> list[Finding]:
    """Text that presents a year other than `year` as the current one."""
    out: list[Finding] = []
    own = doc.notice.number.prefix
    for path, line, field, text in doc.texts:
        seen = set()
        for pattern, shown in CURRENT_YEAR_PHRASES:
            for m in pattern.finditer(text):
                y = int(m.group(1))
                if pattern.pattern.startswith("〔") and own and not text[: m.start()].endswith(own):
                    continue  # another organ's 文号 cited (中发〔2018〕4号): not this plan's year
                if y != year and m.group(0) not in seen:
                    seen.add(m.group(0))
                    out.append(
                        Finding(path, line, field, f"{shown.format(y)}仍把 {y} 年当作本年度（本文件是 {year} 年度）")
                    )
        if TITLE_FIELDS.match(field):
            for m in re.finditer(r"(\d{4})年", text):
                y = int(m.group(1))
                r = re.search(r"(\d{4})\s*[—–\-－~～至到]\s*$", text[: m.start()])
                if r and int(r.group(1)) <= year <= y:
                    continue  # （2025—2027年）: a period that includes this year
                if y != year and m.group(0) not in seen:
                    seen.add(m.group(0))
                    out.append(Finding(path, line, field, f"标题写的是 {y} 年（本文件是 {year} 年度）"))
        for a, b, shown in _stale_in_text(text, year, own):
            if any(text[a:b] in s for s in seen):
                continue  # said above (“2024年是”, a title)
            seen.add(text[a:b])
            out.append(
                Finding(
                    path, line, field, f"“{shown}”仍写着上一年度（本文件是 {year} 年度），是从去年的内容沿用下来的吗？"
                )
            )
    n = doc.notice
    notice_file = Path(doc.source_file) if doc.source_file else Path(doc.source_dir) / "notice.yaml"
    if n.number.year and n.number.year != year:
        out.append(
            Finding(
                notice_file,
                doc.lines.get("发文字号.年份", 0),
                "发文字号.年份",
                f"文号年份是 {n.number.year}，本文件是 {year} 年度",
            )
        )
    for label, d in (("成文日期", n.date), ("版记.印发日期", doc.colophon.print_date)):
        if d is not None and d.year not in (year, year - 1):
            out.append(Finding(notice_file, doc.lines.get(label, 0), label, f"日期 {d} 不在 {year} 年度"))
    return out


def pending_dates(doc: Document) -> list[str]:
    out = []
    if doc.notice.date is None:
        out.append("成文日期")
    if doc.colophon.print_date is None:
        out.append("版记.印发日期")
    return out


def latest_year_before(content_root: Path, year: int) -> Path | None:
    years = sorted(int(d.name) for d in content_root.iterdir() if d.is_dir() and YEAR_DIR.match(d.name))
    earlier = [y for y in years if y < year]
    return content_root / str(earlier[-1]) if earlier else None


BLANK_NOTICE = """# {year} 年度的发文文件（由 python build.py --new {year} --blank 新建），请按打印的清单逐项填写。
# 格式说明见 README.md「内容格式」。

发文机关标志: 上海市宝山区教育局文件

发文字号:
  机关代字: 宝教
  年份: {year}
  序号: 1

标题: 上海市宝山区教育局关于印发《上海市宝山区教育局{year}年工作意见》的通知

主送机关: 教育系统各单位

正文:
  - 现将《上海市宝山区教育局{year}年工作意见》印发给你们，请结合本单位实际，认真贯彻执行。

附件:
  - attachment.yaml

发文机关署名: 上海市宝山区教育局
成文日期: 待定   # 请填写成文日期，如 {year}-02-04

版记:
  印发机关: 上海市宝山区教育局办公室
  印发日期: 待定   # 请填写印发日期，如 {year}-02-04
"""

BLANK_ATTACHMENT = """# 附件：上海市宝山区教育局{year}年工作意见（由 --blank 新建，请填写）
# 序号（一、二、… 和 1. 2. …）由程序自动生成，不要手工输入。

标题: 上海市宝山区教育局{year}年工作意见

导语: 请填写导语。

部分:
  - 标题: 请填写第一部分的标题
    条目:
      - 要点: 请填写第一条的要点句。
        内容: 请填写第一条的内容。
"""


def scaffold_blank_year(content_root: Path, year: int) -> Path:
    """content/<year>/ holding a minimal valid document (待定 dates, placeholders to fill in)."""
    target = content_root / str(year)
    if target.exists():
        raise FileExistsError(target)
    tmp = content_root / f".{year}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    (tmp / "notice.yaml").write_text(BLANK_NOTICE.format(year=year), encoding="utf-8")
    (tmp / "attachment.yaml").write_text(BLANK_ATTACHMENT.format(year=year), encoding="utf-8")
    tmp.rename(target)
    return target


def scaffold_new_year(content_root: Path, year: int, source: Path | None = None) -> tuple[Path, Path]:
    """Create content/<year>/ from the latest earlier year. Returns (new folder, source folder).
    Raises FileExistsError if the year exists, LookupError if there is no earlier year."""
    target = content_root / str(year)
    if target.exists():
        raise FileExistsError(target)
    source = source or latest_year_before(content_root, year)
    if source is None or not source.is_dir():
        raise LookupError(content_root)
    old = int(source.name)
    tmp = content_root / f".{year}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    files = sorted(source.glob("*.y*ml"))
    documents = sum(1 for f in files if re.search(r"^发文字号:", f.read_text(encoding="utf-8"), re.M))
    for f in files:
        text = f.read_text(encoding="utf-8")
        text = _move_year(text, old, year, reset_sequence=documents <= 1)
        if f.name == "notice.yaml":
            text = f"# 由 {old} 年度内容生成（python build.py --new {year}），请按生成时打印的清单逐项修改。\n" + text
        (tmp / f.name).write_text(text, encoding="utf-8")
    tmp.rename(target)
    return target, source


def _move_year(text: str, old: int, new: int, reset_sequence: bool = True) -> str:
    """Move the year forward where it names the document's year; leave the dates to be decided."""
    out = []
    block = ""  # the top-level key whose block we are in
    for line in text.splitlines(keepends=True):
        m = re.match(r"^(\S[^:#]*):", line)
        if m:
            block = m.group(1).strip()
        stripped = line.lstrip()
        if re.match(r"年份:\s*\d{4}", stripped):
            line = re.sub(r"(年份:\s*)\d{4}", rf"\g<1>{new}", line)
        elif reset_sequence and re.match(r"序号:\s*\d+", stripped):  # several documents keep theirs
            line = re.sub(r"(序号:\s*)\d+", r"\g<1>1", line)
        elif re.match(r"(成文日期|印发日期):", stripped):
            key = stripped.split(":")[0]
            indent = line[: len(line) - len(stripped)]
            line = f"{indent}{key}: 待定   # 请填写{key}，如 {new}-02-04\n"
        elif block == "标题" or stripped.startswith("标题:"):
            line = line.replace(f"{old}年", f"{new}年")
        line = line.replace(f"{old}年工作意见", f"{new}年工作意见")
        if stripped.startswith("#"):  # a comment naming the year: “2024 年工作意见的发文通知”
            line = re.sub(rf"(?<!\d){old}(\s*年)", rf"{new}\1", line)
        out.append(line)
    return "".join(out)
