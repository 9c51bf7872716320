"""Read content/<year>/*.yaml into the document model, checking every field.

All problems of a build are collected and reported together, each with file, line and field.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import ContentError, Problem
from .model import (Attachment, Colophon, DocNumber, Document, FootnoteRef, Inline, Item, Notice,
                    Paragraph, Part, Text)
from .yamlsrc import YList, YMap, load_yaml

NOTICE_FILE = "notice.yaml"


@dataclass
class F:
    """One field of the schema."""

    kind: str  # "text" | "lines" (text or list of text) | "int" | "date" | "map" | "list"
    required: bool = True
    children: dict | None = None  # for map
    item: "F | None" = None  # for list
    hint: str = ""


NOTICE_SCHEMA = {
    "发文机关标志": F("text", hint="如：上海市宝山区教育局文件"),
    "发文字号": F("map", children={
        "机关代字": F("text", hint="如：宝教"),
        "年份": F("int", hint="四位年份，如 2024"),
        "序号": F("int", hint="不编虚位、不加“第”，如 1"),
    }),
    "份号": F("text", required=False),
    "密级": F("text", required=False),
    "紧急程度": F("text", required=False),
    "标题": F("lines", hint="一行文字；要指定转行处时写成列表，每项一行"),
    "主送机关": F("text"),
    "正文": F("lines", hint="每段一项的列表"),
    "附件": F("list", required=False, item=F("text"), hint="附件内容文件名的列表"),
    "发文机关署名": F("text"),
    "成文日期": F("date", hint="写成 2024-02-04；尚未确定时写“待定”"),
    "附注": F("text", required=False),
    "版记": F("map", children={
        "抄送": F("lines", required=False),
        "印发机关": F("text"),
        "印发日期": F("date", hint="写成 2024-02-04；尚未确定时写“待定”"),
        "印数": F("int", required=False, hint="份数，如 350"),
    }),
}

ITEM_SCHEMA = {
    "要点": F("text", hint="条目的第一句，如：坚持不懈用党的创新理论铸魂育人。"),
    "内容": F("lines", required=False, hint="要点之后的文字；多段时写成列表"),
}

PART_SCHEMA = {
    "标题": F("text", hint="不写序号，如：落实立德树人根本任务，促进学生全面发展"),
    "导语": F("lines", required=False),
    "条目": F("list", item=F("map", children=ITEM_SCHEMA)),
}

ATTACHMENT_SCHEMA = {
    "标题": F("text"),
    "导语": F("lines", required=False),
    "部分": F("list", item=F("map", children=PART_SCHEMA)),
}

PENDING = "待定"  # a date not decided yet: the build prints “2025年　月　日” and says so

KIND_ZH = {"text": "文字", "lines": "文字或文字列表", "int": "整数", "date": "日期", "map": "键值表", "list": "列表"}

# XML 1.0 cannot hold these; they also never belong in an official document.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


class _Checker:
    def __init__(self, path: Path):
        self.path = path
        self.problems: list[Problem] = []
        self.texts: list[tuple[Path, int, str, str]] = []  # (file, line, field, text): for glyph checks
        self.field_lines: dict[str, int] = {}  # field path → line

    def add(self, line, field, message):
        self.problems.append(Problem(self.path, line, field, message))

    def check(self, data, schema: dict, prefix: str, line: int) -> dict:
        """Check a mapping against a schema; return {key: value} of valid fields (None for invalid)."""
        out = {}
        if not isinstance(data, YMap):
            self.add(line, prefix.rstrip("."), f"应为键值表（“键: 值”形式），实际是{_kind_of(data)}")
            return {k: None for k in schema}
        for key in data:
            if key not in schema:
                near = difflib.get_close_matches(key, list(schema), n=1, cutoff=0.4)
                tip = f"，是不是“{near[0]}”？" if near else f"。可用的键：{'、'.join(schema)}"
                self.add(data.lines[key], prefix + key, f"未知的键{tip}")
        for key, spec in schema.items():
            name = prefix + key
            if key not in data or data[key] is None:
                if spec.required:
                    hint = f"（{spec.hint}）" if spec.hint else ""
                    self.add(data.line if key not in data else data.lines[key], name, f"缺少必填项{hint}")
                out[key] = None
                continue
            self.field_lines[name] = data.lines[key]
            out[key] = self.value(data[key], spec, name, data.lines[key])
            if spec.required and out[key] == []:
                self.add(data.lines[key], name, f"不能为空{f'（{spec.hint}）' if spec.hint else ''}")
        return out

    def value(self, v, spec: F, name: str, line: int):
        hint = f"（{spec.hint}）" if spec.hint else ""
        if spec.kind == "text":
            if isinstance(v, bool) or not isinstance(v, (str, int, float)):
                self.add(line, name, f"应为{KIND_ZH['text']}，实际是{_kind_of(v)}{hint}")
                return None
            return self.text(str(v), name, line)
        if spec.kind == "lines":
            if isinstance(v, YList):
                res = []
                for i, x in enumerate(v):
                    r = self.value(x, F("text"), f"{name}[{i + 1}]", v.lines[i])
                    if r is not None:
                        res.append((r, v.lines[i]))
                return res
            r = self.value(v, F("text", hint=spec.hint), name, line)
            return None if r is None else [(r, line)]
        if spec.kind == "int":
            if isinstance(v, bool) or not isinstance(v, int):
                self.add(line, name, f"应为整数，实际是{_kind_of(v)}{hint}")
                return None
            return v
        if spec.kind == "date":
            if isinstance(v, str) and v.strip() == PENDING:
                return PENDING  # a draft: the date is left for the author to decide
            if isinstance(v, dt.datetime):
                v = v.date()
            if not isinstance(v, dt.date):
                self.add(line, name, f"应为日期，实际是“{v}”{hint}")
                return None
            if not 1949 <= v.year <= 2099:
                self.add(line, name, f"日期 {v} 的年份不合理，请检查")
                return None
            return v
        if spec.kind == "map":
            return self.check(v, spec.children, name + ".", line)
        if spec.kind == "list":
            if not isinstance(v, YList):
                self.add(line, name, f"应为列表（每项以“- ”开头），实际是{_kind_of(v)}{hint}")
                return None
            if not v:
                self.add(line, name, "列表是空的")
            return [(self.value(x, spec.item, f"{name}[{i + 1}]", v.lines[i]), v.lines[i]) for i, x in enumerate(v)]
        raise AssertionError(spec.kind)

    def text(self, s: str, name: str, line: int) -> str | None:
        # a line break inside a text (YAML "|" blocks) joins Chinese directly and Latin with a space
        s = s.strip()
        s = re.sub(r"[ \t]*(?:\r\n|\r|\n)[ \t]*", lambda m: _join(m, s), s)
        if not s:
            self.add(line, name, "不能为空")
            return None
        bad = _CONTROL.search(s)
        if bad:
            self.add(line, name, f"含有不可见的控制字符 U+{ord(bad.group()):04X}，请删除（常见于从其他文档复制的文字）")
            return None
        self.texts.append((self.path, line, name, s))
        return s

    def inlines(self, s: str, name: str, line: int) -> list[Inline]:
        """Parse footnotes written in place: 文字^[脚注内容]文字. A literal "^[" is written "\\^[". """
        out: list[Inline] = []
        buf = []
        i = 0
        while i < len(s):
            if s.startswith("\\^[", i):
                buf.append("^[")
                i += 3
                continue
            if s.startswith("^[", i):
                depth, j = 1, i + 2
                while j < len(s) and depth:
                    depth += {"[": 1, "]": -1}.get(s[j], 0)
                    j += 1
                if depth:
                    self.add(line, name, "脚注“^[”缺少配对的“]”")
                    return [Text(s)]
                note = s[i + 2 : j - 1].strip()
                if not note:
                    self.add(line, name, "脚注“^[]”内容为空")
                if not buf and not out:
                    self.add(line, name, "脚注不能写在段首，应紧跟在被注释的文字后面")
                if buf:
                    out.append(Text("".join(buf)))
                    buf = []
                out.append(FootnoteRef(note))
                i = j
                continue
            buf.append(s[i])
            i += 1
        if buf:
            out.append(Text("".join(buf)))
        return out

    def paragraphs(self, lines, name: str) -> list[Paragraph]:
        res = []
        for i, (s, line) in enumerate(lines or []):
            field = name if len(lines) == 1 else f"{name}[{i + 1}]"
            res.append(Paragraph(self.inlines(s, field, line), f"{self.path}:{line}"))
        return res


def _join(m: re.Match, s: str) -> str:
    before = s[m.start() - 1] if m.start() else ""
    after = s[m.end()] if m.end() < len(s) else ""
    return " " if before.isascii() and after.isascii() and before and after else ""


def _kind_of(v) -> str:
    if isinstance(v, YMap):
        return "键值表"
    if isinstance(v, YList):
        return "列表"
    if v is None:
        return "空值"
    if isinstance(v, bool):
        return f"真假值 {v}（如需文字请加引号）"
    if isinstance(v, (int, float)):
        return f"数字 {v}"
    if isinstance(v, dt.date):
        return f"日期 {v}"
    return f"“{v}”"


def load_document(year_dir: Path) -> Document:
    """Load content/<year>/ into a Document (not yet resolved by transforms)."""
    problems: list[Problem] = []
    notice_path = year_dir / NOTICE_FILE
    if not notice_path.is_file():
        raise ContentError([Problem(year_dir, None, "", f"找不到 {NOTICE_FILE}（每个年度目录都需要一个发文通知文件）")])
    try:
        raw = load_yaml(notice_path)
    except ContentError as exc:
        raise ContentError(exc.problems) from None
    ck = _Checker(notice_path)
    n = ck.check(raw, NOTICE_SCHEMA, "", 1)

    copies = (n["版记"] or {}).get("印数")
    if copies is not None and copies < 1:
        ck.add(ck.field_lines.get("版记.印数"), "版记.印数", f"印数应为正整数，实际是 {copies}")
    num = n["发文字号"] or {}
    if num:
        lines = raw["发文字号"].lines if isinstance(raw.get("发文字号"), YMap) else {}
        _check_doc_number(ck, num, lines)
    colo = n["版记"] or {}

    attachments: list[Attachment] = []
    for idx, (fname, line) in enumerate(n["附件"] or []):
        if fname is None:
            continue
        apath = (year_dir / fname)
        if apath.resolve().parent != year_dir.resolve() or not fname.endswith((".yaml", ".yml")):
            ck.add(line, f"附件[{idx + 1}]", f"附件文件“{fname}”必须是本年度目录下的 .yaml 文件")
            continue
        if not apath.is_file():
            ck.add(line, f"附件[{idx + 1}]", f"找不到附件文件“{fname}”")
            continue
        try:
            attachments.append(_load_attachment(apath, problems))
        except ContentError as exc:
            problems.extend(exc.problems)

    title = [t for t, _ in (n["标题"] or [])]
    notice = Notice(
        issuer_mark=n["发文机关标志"] or "",
        number=DocNumber(num.get("机关代字") or "", num.get("年份") or 0, num.get("序号") or 0),
        title_lines=title,
        recipients=(n["主送机关"] or "").rstrip("：:"),
        body=ck.paragraphs(n["正文"], "正文"),
        signature=n["发文机关署名"] or "",
        date=None if n["成文日期"] in (None, PENDING) else n["成文日期"],
        note=n["附注"] or "",
    )
    colophon = Colophon(
        printer=colo.get("印发机关") or "",
        print_date=None if colo.get("印发日期") in (None, PENDING) else colo.get("印发日期"),
        copies=colo.get("印数"),
        cc=[t for t, _ in (colo.get("抄送") or [])],
    )
    problems[:0] = ck.problems
    if problems:
        raise ContentError(problems)
    year = notice.number.year
    doc = Document(notice=notice, attachments=attachments, colophon=colophon, year=year, source_dir=str(year_dir))
    doc.texts = ck.texts + [t for a in attachments for t in a.texts]
    doc.lines = ck.field_lines
    return doc


def _check_doc_number(ck: _Checker, num: dict, lines: dict) -> None:
    """GB/T 9704 §7.2.5: 机关代字 + 〔full year〕 + sequence without 第 or leading zeros + 号.
    The 文号 also names the output files, so the 机关代字 may hold only letters (no / \\ . etc.)."""
    prefix, year, seq = num.get("机关代字"), num.get("年份"), num.get("序号")
    if prefix and re.search(r"[〔〕\[\]（）()【】0-9０-９第号]", prefix):
        ck.add(lines.get("机关代字"), "发文字号.机关代字", "只写机关代字（如“宝教”），年份、括号、序号和“号”由程序生成")
    elif prefix and not re.fullmatch(r"[\u3400-\u9fffA-Za-z]+", prefix):
        ck.add(lines.get("机关代字"), "发文字号.机关代字", f"机关代字只能由汉字或字母组成（如“宝教”），实际是“{prefix}”")
    if year is not None and not 1949 <= year <= 2999:
        ck.add(lines.get("年份"), "发文字号.年份", f"年份应写全四位（如 2024），实际是 {year}")
    elif year is not None and getattr(year, "raw", str(year)) != str(year):
        ck.add(lines.get("年份"), "发文字号.年份", f"年份应写成四位阿拉伯数字（如 2024），实际写的是“{year.raw}”")
    if seq is not None and seq < 1:
        ck.add(lines.get("序号"), "发文字号.序号", "序号应为正整数（如 1）")
    elif seq is not None and getattr(seq, "raw", str(seq)) != str(seq):
        ck.add(lines.get("序号"), "发文字号.序号", f"序号不编虚位（写 1，不写 01），实际写的是“{seq.raw}”")


def _load_attachment(path: Path, problems: list[Problem]) -> Attachment:
    raw = load_yaml(path)
    ck = _Checker(path)
    a = ck.check(raw, ATTACHMENT_SCHEMA, "", 1)
    parts: list[Part] = []
    for pi, (p, pline) in enumerate(a["部分"] or []):
        if not p:
            continue
        pname = f"部分[{pi + 1}]"
        heading = p["标题"] or ""
        if re.match(r"^[一二三四五六七八九十]+、", heading):
            ck.add(pline, pname + ".标题", "不要手工写“一、”等序号，程序会自动编号")
        items = []
        for ii, (it, iline) in enumerate(p["条目"] or []):
            if not it:
                continue
            iname = f"{pname}.条目[{ii + 1}]"
            lead = it["要点"] or ""
            if re.match(r"^\s*[0-9０-９]+[.．、]", lead):
                ck.add(iline, iname + ".要点", "不要手工写“1.”等序号，程序会自动编号")
            items.append(Item(
                lead=ck.inlines(lead, iname + ".要点", iline),
                paragraphs=ck.paragraphs(it["内容"], iname + ".内容"),
            ))
        parts.append(Part(heading=ck.inlines(heading, pname + ".标题", pline), items=items,
                          intro=ck.paragraphs(p["导语"], pname + ".导语")))
    problems.extend(ck.problems)
    att = Attachment(title=a["标题"] or "", preamble=ck.paragraphs(a["导语"], "导语"), parts=parts,
                     source=str(path))
    att.texts = ck.texts
    return att
