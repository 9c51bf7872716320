"""Read content/<year>/*.yaml into the document model, checking every field.

All problems of a build are collected and reported together, each with file, line and field.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import ContentError, Problem
from ..model import (
    HEADING_KEY,
    ITEMS_CONTINUOUS,
    ITEMS_RESTART,
    LEVEL_KEYS,
    TEXT_KEY,
    Attachment,
    Colophon,
    DocNumber,
    Document,
    FootnoteRef,
    Inline,
    Notice,
    Paragraph,
    Section,
    Text,
)
from .yamlsrc import YList, YMap, load_yaml

NOTICE_FILE = "notice.yaml"


# traditional forms of the characters of the keys (標題 → 标题): a key typed on a traditional-Chinese input
# method or pasted from a Hong Kong or Taiwan document gets its simplified spelling suggested
_TRAD = str.maketrans(
    "標題導語節條項內號級緊發機關誌後綴簽稱說註開屬對記數編單於與為來們這個時會學習實際"
    "務動態產場體發經濟區國義軍門話讀書員師報網絡電視頭長東車馬鳥魚龍",
    "标题导语节条项内号级紧发机关志后缀签称说注开属对记数编单于与为来们这个时会学习实际"
    "务动态产场体发经济区国义军门话读书员师报网络电视头长东车马鸟鱼龙",
)


def _plain_key(key: str) -> str:
    """A key as the schema spells it: full-width letters and marks folded (NFKC), traditional characters
    simplified, a trailing colon and spaces dropped."""
    import unicodedata

    return unicodedata.normalize("NFKC", key).translate(_TRAD).strip().rstrip(":：").strip()


@dataclass
class F:
    """One field of the schema."""

    kind: str  # "text" | "lines" (text or list of text) | "int" | "date" | "bool" | "code" (份号) | "map" | "list"
    #          | "textmap" (text, or a map with `children`)
    required: bool = True
    children: dict | None = None  # for map
    item: "F | None" = None  # for list
    hint: str = ""
    choices: tuple = ()  # allowed values of a text field


ITEMS_CHOICES = (ITEMS_CONTINUOUS, ITEMS_RESTART)


def section_schema(level: int) -> dict:
    """The keys of one section at `level` (1 部分 一、 · 2 小节 （一） · 3 条目 1. · 4 分项 （1））."""
    hints = {
        1: "不写序号，如：落实立德树人根本任务，促进学生全面发展",
        2: "不写序号，如：加快构建固本铸魂的思想政治体系",
        3: "条目的第一句，如：坚持不懈用党的创新理论铸魂育人。",
        4: "分项的第一句",
    }
    schema = {
        HEADING_KEY[level]: F("text", required=level <= 2, hint=hints[level]),
        TEXT_KEY[level]: F(
            "lines",
            required=False,
            hint="标题之后的段落；多段时写成列表" if level <= 2 else "要点之后的文字；多段时写成列表",
        ),
    }
    for deeper in CHILD_LEVELS[level]:
        schema[LEVEL_KEYS[deeper]] = F("list", required=False, item=F("map", children=section_schema(deeper)))
    return schema


# which levels may stand directly under a level (0: the body of a plan or attachment)
CHILD_LEVELS = {0: (1, 2, 3), 1: (2, 3), 2: (3,), 3: (4,), 4: ()}


def body_schema() -> dict:
    """Sections at the top of a body, and how its items are numbered."""
    out = {
        LEVEL_KEYS[lv]: F("list", required=False, item=F("map", children=section_schema(lv))) for lv in CHILD_LEVELS[0]
    }
    out["条目编号"] = F(
        "text",
        required=False,
        choices=ITEMS_CHOICES,
        hint=f"“{ITEMS_CONTINUOUS}”（全文连续编号，默认）或“{ITEMS_RESTART}”（每个一级、二级标题下从 1. 重新编号）",
    )
    return out


NOTICE_SCHEMA = {
    "份号": F("code", required=False, hint="6 位阿拉伯数字，如 000001"),
    "密级": F("text", required=False, choices=("绝密", "机密", "秘密"), hint="绝密、机密或秘密"),
    "保密期限": F("text", required=False, hint="如：1年（排在密级之后，以★隔开）"),
    "紧急程度": F("text", required=False, choices=("特急", "加急", "特提", "平急"), hint="特急或加急"),
    "发文机关标志": F(
        "textmap",
        hint="如：上海市宝山区教育局文件；联合行文写成“机关”列表和“后缀”",
        children={
            "机关": F("lines", hint="发文机关名称，联合行文时每个机关一项，主办机关在前"),
            "后缀": F("text", required=False, hint="排在机关名称右侧的字，一般为“文件”"),
        },
    ),
    "发文字号": F(
        "map",
        children={
            "机关代字": F("text", hint="如：宝教"),
            "年份": F("int", hint="四位年份，如 2024"),
            "序号": F("int", hint="不编虚位、不加“第”，如 1"),
        },
    ),
    "签发人": F("lines", required=False, hint="上行文的签发人姓名；多人时写成列表"),
    "标题": F("lines", hint="一行文字；要指定转行处时写成列表，每项一行"),
    "主送机关": F("text", required=False),
    "正文": F("lines", required=False, hint="每段一项的列表"),
    **body_schema(),
    "附件": F(
        "list",
        required=False,
        item=F(
            "textmap",
            hint="附件内容文件名，如 attachment.yaml",
            children={
                "文件": F("text", hint="附件内容文件名，如 attachment.yaml"),
                "名称": F("text", required=False, hint="附件说明中的名称（不写则用附件标题）"),
            },
        ),
        hint="附件内容文件名的列表",
    ),
    "附件说明": F("bool", required=False, hint="写“否”则不排“附件：……”说明"),
    "发文机关署名": F("lines", hint="如：上海市宝山区教育局；联合行文时每个机关一项"),
    "成文日期": F("date", hint="写成 2024-02-04；尚未确定时写“待定”"),
    "附注": F("text", required=False),
    "代章": F(
        "text",
        required=False,
        hint="用哪个机关的印章代章，如：中共上海市长宁区教育工作委员会（排成“（……代章）”，在成文日期下一行）",
    ),
    "印章": F("lines", required=False, hint="电子印章图片（PNG，红色图案、透明背景）的路径；联合行文时每个机关一项"),
    "公开属性": F("text", required=False, choices=("主动公开", "依申请公开", "不予公开")),
    "校对例外": F("lines", required=False, hint="校对时不报的写法，每项一条，如：乾县"),
    "版记": F(
        "map",
        children={
            "主送": F("text", required=False, hint="主送机关太多、放在版记中时填写"),
            "抄送": F("lines", required=False),
            "印发机关": F("text"),
            "印发日期": F("date", hint="写成 2024-02-04；尚未确定时写“待定”"),
            "印数": F("int", required=False, hint="份数，如 350"),
        },
    ),
}

ATTACHMENT_SCHEMA = {
    "标题": F("lines", hint="一行文字；要指定转行处时写成列表，每项一行"),
    "副标题": F("text", required=False, hint="标题下一行，如：（2025—2027年）"),
    "导语": F("lines", required=False),
    **body_schema(),
}

# a YAML file in a year folder is a document (not an attachment) when it has one of these keys
DOCUMENT_KEYS = ("发文字号", "发文机关标志")

PENDING = "待定"  # a date not decided yet: the build prints “2025年　月　日” and says so

KIND_ZH = {
    "text": "文字",
    "lines": "文字或文字列表",
    "int": "整数",
    "date": "日期",
    "map": "键值表",
    "list": "列表",
    "bool": "“是”或“否”",
    "code": "数字",
    "textmap": "文字或键值表",
}

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
                plain = _plain_key(key)
                near = [plain] if plain in schema else difflib.get_close_matches(plain, list(schema), n=1, cutoff=0.4)
                why = "（键要用简体字、半角标点写）" if near and plain in schema else ""
                tip = f"，是不是“{near[0]}”？{why}" if near else f"。可用的键：{'、'.join(schema)}"
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
            out[key] = self.value(data[key], spec, name, data.lines[key], getattr(data, "raws", {}).get(key))
            if spec.required and out[key] == []:
                self.add(data.lines[key], name, f"不能为空{f'（{spec.hint}）' if spec.hint else ''}")
        return out

    def value(self, v, spec: F, name: str, line: int, raw: str | None = None):
        hint = f"（{spec.hint}）" if spec.hint else ""
        if spec.kind == "text":
            if raw is not None and not isinstance(v, str) and v is not None:
                v = raw  # a text field prints what was typed: 0777, 010, 12:30, 2024.10, yes stay as written
            if isinstance(v, bool) or not isinstance(v, (str, int, float)):
                self.add(line, name, f"应为{KIND_ZH['text']}，实际是{_kind_of(v)}{hint}")
                return None
            t = self.text(str(v), name, line)
            if t is not None and spec.choices and t not in spec.choices:
                self.add(line, name, f"“{t}”不是可用的写法，应为{'、'.join('“' + c + '”' for c in spec.choices)}之一")
                return None
            return t
        if spec.kind == "textmap":
            if isinstance(v, YMap):
                return self.check(v, spec.children, name + ".", line)
            return self.value(v, F("text", hint=spec.hint), name, line, raw)
        if spec.kind == "bool":
            if isinstance(v, bool):
                return v
            if isinstance(v, str) and v.strip() in ("是", "否"):
                return v.strip() == "是"
            self.add(line, name, f"应写“是”或“否”，实际是{_kind_of(v)}{hint}")
            return None
        if spec.kind == "code":  # 份号: 6 digits, zero-padded (GB/T 9704 §7.2.1)
            raw = getattr(v, "raw", None) or (str(v) if isinstance(v, (int, str)) and not isinstance(v, bool) else "")
            raw = raw.strip()
            if not re.fullmatch(r"[0-9]{1,6}", raw):
                self.add(line, name, f"份号应为不超过 6 位的阿拉伯数字（如 000001），实际是{_kind_of(v)}")
                return None
            self.texts.append((self.path, line, name, raw.zfill(6)))
            return raw.zfill(6)
        if spec.kind == "lines":
            if isinstance(v, YList):
                res = []
                for i, x in enumerate(v):
                    r = self.value(x, F("text"), f"{name}[{i + 1}]", v.lines[i], getattr(v, "raws", [None] * len(v))[i])
                    if r is not None:
                        res.append((r, v.lines[i]))
                return res
            r = self.value(v, F("text", hint=spec.hint), name, line, raw)
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
            if isinstance(v, str) and re.fullmatch(r"\s*\d{4}-\d{1,2}-\d{1,2}\s*", v):  # written in quotes
                try:
                    v = dt.date(*map(int, v.strip().split("-")))
                except ValueError:
                    self.add(line, name, f"日期 {v.strip()} 不存在，请检查年月日")
                    return None
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
            raws = getattr(v, "raws", [None] * len(v))
            return [
                (self.value(x, spec.item, f"{name}[{i + 1}]", v.lines[i], raws[i]), v.lines[i]) for i, x in enumerate(v)
            ]
        raise AssertionError(spec.kind)

    def text(self, s: str, name: str, line: int) -> str | None:
        # a line break inside a text (YAML "|" blocks) joins Chinese directly and Latin with a space
        s = s.strip()
        s = re.sub(r"[ \t]*(?:\r\n|\r|\n)[ \t]*", lambda m: _join(m, s), s)
        s = re.sub(r"\t+", " ", s)  # a tab (pasted from a word processor) reads as a space
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
        """Parse footnotes written in place: 文字^[脚注内容]文字. A literal "^[" is written "\\^["."""
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


def document_files(year_dir: Path) -> tuple[list[tuple[Path, YMap]], list[Problem]]:
    """The documents of a year folder: every YAML file that has a 发文字号 or 发文机关标志 (notice.yaml always
    counts), each with its parsed content. Every other YAML file must be listed as an attachment."""
    problems: list[Problem] = []
    docs: list[tuple[Path, YMap]] = []
    others: list[Path] = []
    files = sorted([*year_dir.glob("*.yaml"), *year_dir.glob("*.yml")], key=lambda f: (f.name != NOTICE_FILE, f.name))
    home = year_dir.resolve()
    for f in files:
        if not f.is_file():
            continue
        if f.resolve().parent != home:  # a link to a file elsewhere: nothing of it is read or shown
            problems.append(
                Problem(
                    f,
                    None,
                    "",
                    "这个文件是指向年度目录以外的链接（符号链接），为安全起见没有读取；请把文件本身复制到年度目录中",
                )
            )
            continue
        try:
            raw = load_yaml(f)
        except ContentError as exc:
            if f.name == NOTICE_FILE:
                raise
            problems.extend(exc.problems)
            continue
        if f.name == NOTICE_FILE or (isinstance(raw, YMap) and any(k in raw for k in DOCUMENT_KEYS)):
            docs.append((f, raw))
        else:
            others.append(f)
    if not docs:
        raise ContentError(
            problems
            + [Problem(year_dir, None, "", f"找不到发文文件（一般是 {NOTICE_FILE}，其中写有发文字号、标题、正文等）")]
        )
    listed = set()
    for _, raw in docs:
        atts = raw.get("附件") if isinstance(raw, YMap) else None
        for a in atts if isinstance(atts, YList) else []:
            name = a.get("文件") if isinstance(a, YMap) else a
            if isinstance(name, str):
                listed.add(name.strip())
    for f in others:
        if f.name not in listed:
            problems.append(
                Problem(
                    f,
                    None,
                    "",
                    "这个文件既不是发文文件（没有“发文字号”），也没有被发文文件的“附件”列出；"
                    "不用的文件请移出本年度目录",
                )
            )
    return docs, problems


def load_year(year_dir: Path) -> list[Document]:
    """Every document of content/<year>/ (not yet resolved), in order of their 文号."""
    files, stray = document_files(year_dir)
    docs, problems = [], []
    for path, raw in files:
        try:
            docs.append(load_document(path, raw))
        except ContentError as exc:
            problems.extend(exc.problems)
    problems += stray
    if problems:
        raise ContentError(problems)
    seen: dict[str, str] = {}
    for d in docs:
        t = d.notice.number.text
        if t in seen:
            problems.append(
                Problem(
                    d.source_file,
                    d.lines.get("发文字号.序号"),
                    "发文字号",
                    f"{t} 与 {seen[t]} 的文号相同，同一年度的每个文件应有不同的序号",
                )
            )
        seen[t] = Path(d.source_file).name
    if problems:
        raise ContentError(problems)
    return sorted(docs, key=lambda d: (d.notice.number.prefix, d.notice.number.sequence))


def load_document(path: Path, raw=None) -> Document:
    """Load one document (its YAML file, or the year folder for its first document) into a Document
    (not yet resolved by transforms)."""
    if path.is_dir():
        if not (path / NOTICE_FILE).is_file() and not any(path.glob("*.y*ml")):
            raise ContentError([Problem(path, None, "", f"找不到 {NOTICE_FILE}（每个年度目录都需要一个发文文件）")])
        return load_year(path)[0]
    year_dir = path.parent
    notice_path = path
    problems: list[Problem] = []
    if raw is None:
        raw = load_yaml(notice_path)
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
    for idx, (ref, line) in enumerate(n["附件"] or []):
        if ref is None:
            continue
        fname, note_name = (ref.get("文件"), ref.get("名称")) if isinstance(ref, dict) else (ref, None)
        if fname is None:
            continue
        apath = year_dir / fname
        if apath.resolve().parent != year_dir.resolve() or not fname.endswith((".yaml", ".yml")):
            ck.add(line, f"附件[{idx + 1}]", f"附件文件“{fname}”必须是本年度目录下的 .yaml 文件")
            continue
        if not apath.is_file():
            ck.add(line, f"附件[{idx + 1}]", f"找不到附件文件“{fname}”")
            continue
        if apath.resolve() == notice_path.resolve():
            ck.add(line, f"附件[{idx + 1}]", "附件不能是发文文件自己")
            continue
        try:
            att = _load_attachment(apath, problems)
            att.note_name = note_name or ""
            attachments.append(att)
        except ContentError as exc:
            problems.extend(exc.problems)
    if n["附件说明"] is not None and not n["附件"]:
        ck.add(ck.field_lines.get("附件说明"), "附件说明", "没有附件，不需要“附件说明”")

    mark = n["发文机关标志"]
    if isinstance(mark, dict):
        organs = [t for t, _ in (mark.get("机关") or [])]
        suffix = mark.get("后缀") or ""
    else:
        organs, suffix = ([mark] if mark else []), ""
    signatures = [t for t, _ in (n["发文机关署名"] or [])]
    if organs and len(organs) > 1 and signatures and len(signatures) != len(organs):
        ck.add(
            ck.field_lines.get("发文机关署名"),
            "发文机关署名",
            f"联合行文有 {len(organs)} 个发文机关，署名应有 {len(organs)} 项（每个机关一项，顺序与发文机关标志相同），"
            f"实际是 {len(signatures)} 项",
        )
    body_pars = ck.paragraphs(n["正文"], "正文")
    sections = _body_sections(ck, n, "")
    if not body_pars and not sections and n["正文"] is None:
        ck.add(
            raw.line if isinstance(raw, YMap) else 1,
            "正文",
            "缺少正文：写“正文”（每段一项），或直接写“部分”“条目”等结构（工作要点直接发文时）",
        )
    secrecy = n["密级"] or ""
    if n["保密期限"]:
        if not secrecy:
            ck.add(ck.field_lines.get("保密期限"), "保密期限", "写了保密期限，但没有写密级")
        else:
            secrecy += "★" + n["保密期限"]
    note = (n["附注"] or "").strip()
    if note[:1] in "（(" and note[-1:] in "）)":
        note = note[1:-1].strip()  # printed in parentheses anyway

    seal_by = (n["代章"] or "").strip()
    if seal_by[:1] in "（(" and seal_by[-1:] in "）)":
        seal_by = seal_by[1:-1].strip()
    seal_by = seal_by.removesuffix("代章").strip()  # printed （…代章） anyway

    title = [t for t, _ in (n["标题"] or [])]
    notice = Notice(
        issuer_organs=organs,
        issuer_suffix=suffix,
        number=DocNumber(num.get("机关代字") or "", num.get("年份") or 0, num.get("序号") or 0),
        title_lines=title,
        recipients=(n["主送机关"] or "").rstrip("：:"),
        body=body_pars,
        sections=sections,
        item_numbering=n["条目编号"] or ITEMS_CONTINUOUS,
        signatures=signatures,
        signers=[t for t, _ in (n["签发人"] or [])],
        copy_number=n["份号"] or "",
        secrecy=secrecy,
        urgency=n["紧急程度"] or "",
        date=None if n["成文日期"] in (None, PENDING) else n["成文日期"],
        note=note,
        seal_by=seal_by,
        publicity=n["公开属性"] or "",
        seals=_check_seals(ck, n["印章"], notice_path, len(signatures)),
        show_attachment_note=n["附件说明"] is not False,
        proof_allow=[t for t, _ in (n["校对例外"] or [])],
    )
    colophon = Colophon(
        printer=colo.get("印发机关") or "",
        print_date=None if colo.get("印发日期") in (None, PENDING) else colo.get("印发日期"),
        copies=colo.get("印数"),
        cc=[t for t, _ in (colo.get("抄送") or [])],
        recipients=colo.get("主送") or "",
    )
    problems[:0] = ck.problems
    if problems:
        raise ContentError(problems)
    year = notice.number.year
    doc = Document(
        notice=notice,
        attachments=attachments,
        colophon=colophon,
        year=year,
        source_dir=str(year_dir),
        source_file=str(notice_path),
    )
    doc.texts = ck.texts + [t for a in attachments for t in a.texts]
    doc.lines = ck.field_lines
    return doc


SEAL_MAX_BYTES = 8 * 1024 * 1024
SEAL_MAX_PIXELS = 4000


def _check_seals(ck: "_Checker", entries, notice_path: Path, organs: int) -> list[str]:
    """印章: each a PNG the office provides (never committed; keep it in seals/), red on transparent.
    A path is taken relative to the document's folder, then to the project folder."""
    if not entries:
        return []
    out = []
    root = Path(__file__).resolve().parent.parent.parent
    for k, (name, line) in enumerate(entries):
        field = "印章" if len(entries) == 1 else f"印章[{k + 1}]"
        path = next((c for c in (Path(name), notice_path.parent / name, root / name) if c.is_file()), None)
        if path is None:
            ck.add(line, field, f"找不到印章图片“{name}”（可放在项目的 seals/ 目录中，写成 seals/文件名.png）")
            continue
        problem = seal_problem(path)
        if problem:
            ck.add(line, field, f"{problem}（{name}）")
            continue
        out.append(str(path.resolve()))
    if out and organs and len(entries) != organs:
        ck.add(
            entries[0][1],
            "印章",
            f"有 {organs} 个发文机关署名，印章应有 {organs} 个（每个机关一个，顺序相同），实际是 {len(entries)} 个",
        )
    return out


SEAL_MAX_CHUNK = 1024 * 1024  # a PNG chunk other than image data (text, ICC profile …) above this is refused


def _png_problem(data: bytes) -> str:
    """The PNG's own header and chunk table, read before any decoding: its size in pixels from IHDR, and
    no chunk but image data larger than SEAL_MAX_CHUNK (a text chunk that inflates to a gigabyte is one
    of these). "" when the structure is sound."""
    import struct

    if len(data) < 33 or data[12:16] != b"IHDR":
        return "印章图片的 PNG 文件头不完整，无法读取"
    w, h = struct.unpack(">II", data[16:24])
    if max(w, h) > SEAL_MAX_PIXELS or w * h > SEAL_MAX_PIXELS**2 or not w or not h:
        return f"印章图片过大（{w}×{h} 像素），边长请在 {SEAL_MAX_PIXELS} 像素以内（没有解码）"
    at = 8
    while at + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[at : at + 8])
        if kind != b"IDAT" and size > SEAL_MAX_CHUNK:
            name = kind.decode("latin-1", "replace")
            return f"印章图片中有过大的 {name} 数据块（{size // 1024} KB），已拒绝读取；请用图像软件重新导出为普通 PNG"
        at += 12 + size
        if kind == b"IEND":
            break
    return ""


def seal_problem(path: Path) -> str:
    """Why a seal image cannot be used, or "" when it can. Sizes are checked from the file before Pillow
    decodes anything, and whatever Pillow refuses (a decompression bomb, a text chunk too large to
    inflate, a broken stream) is reported, never raised."""
    try:
        size = path.stat().st_size
        if size > SEAL_MAX_BYTES:
            return f"印章图片过大（{size // 1024 // 1024} MB），请用 8 MB 以内、边长 4000 像素以内的图片"
        data = path.read_bytes()
    except OSError as exc:
        return f"印章图片无法读取（{exc.strerror}）"
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "印章图片必须是 PNG 格式（透明背景）"
    bad = _png_problem(data)
    if bad:
        return bad
    import zlib

    from PIL import Image

    try:
        with Image.open(path) as im:
            if max(im.size) > SEAL_MAX_PIXELS:
                return f"印章图片过大（{im.size[0]}×{im.size[1]} 像素），边长请在 {SEAL_MAX_PIXELS} 像素以内"
            rgba = im.convert("RGBA")
            rgba.thumbnail((200, 200))
            pixels = list(rgba.getdata())
    except (OSError, ValueError, SyntaxError, zlib.error, MemoryError, Image.DecompressionBombError) as exc:
        return f"印章图片无法读取（{type(exc).__name__}），请用图像软件重新导出为 PNG"
    clear = sum(1 for p in pixels if p[3] < 32)
    ink = [p for p in pixels if p[3] >= 128]
    red = sum(1 for r, g, b, a in ink if r >= 150 and g <= 110 and b <= 110)
    if clear < len(pixels) * 0.2:
        return "印章图片应为透明背景（现在背景不透明，会遮住署名和日期）"
    if not ink or red < len(ink) * 0.7:
        return "印章图片应为红色图案（现在大部分不是红色）"
    return ""


def _check_doc_number(ck: _Checker, num: dict, lines: dict) -> None:
    """GB/T 9704 §7.2.5: 机关代字 + 〔full year〕 + sequence without 第 or leading zeros + 号.
    The 文号 also names the output files, so the 机关代字 may hold only letters (no / \\ . etc.)."""
    prefix, year, seq = num.get("机关代字"), num.get("年份"), num.get("序号")
    if prefix and re.search(r"[〔〕\[\]（）()【】0-9０-９第号]", prefix):
        ck.add(lines.get("机关代字"), "发文字号.机关代字", "只写机关代字（如“宝教”），年份、括号、序号和“号”由程序生成")
    elif prefix and not re.fullmatch(r"[\u3400-\u9fffA-Za-z]+", prefix):
        ck.add(
            lines.get("机关代字"), "发文字号.机关代字", f"机关代字只能由汉字或字母组成（如“宝教”），实际是“{prefix}”"
        )
    if year is not None and not 1949 <= year <= 2999:
        ck.add(lines.get("年份"), "发文字号.年份", f"年份应写全四位（如 2024），实际是 {year}")
    elif year is not None and getattr(year, "raw", str(year)) != str(year):
        ck.add(lines.get("年份"), "发文字号.年份", f"年份应写成四位阿拉伯数字（如 2024），实际写的是“{year.raw}”")
    if seq is not None and seq < 1:
        ck.add(lines.get("序号"), "发文字号.序号", "序号应为正整数（如 1）")
    elif seq is not None and getattr(seq, "raw", str(seq)) != str(seq):
        ck.add(lines.get("序号"), "发文字号.序号", f"序号不编虚位（写 1，不写 01），实际写的是“{seq.raw}”")


def _body_sections(ck: "_Checker", data: dict, prefix: str) -> list[Section]:
    """The sections at the top of a body (部分, or 小节 / 条目 when the plan has no 一、 level)."""
    present = [lv for lv in CHILD_LEVELS[0] if data.get(LEVEL_KEYS[lv])]
    if len(present) > 1:
        ck.add(
            ck.field_lines.get(prefix + LEVEL_KEYS[present[1]]),
            prefix + LEVEL_KEYS[present[1]],
            f"同一层不能既有“{LEVEL_KEYS[present[0]]}”又有“{LEVEL_KEYS[present[1]]}”：请把"
            f"“{LEVEL_KEYS[present[1]]}”写到某个“{LEVEL_KEYS[present[0]]}”之下",
        )
    return _sections(
        ck,
        data.get(LEVEL_KEYS[present[0]]) if present else None,
        present[0] if present else 1,
        prefix + (LEVEL_KEYS[present[0]] if present else ""),
    )


def _sections(ck: "_Checker", entries, level: int, name: str) -> list[Section]:
    out = []
    for i, (d, line) in enumerate(entries or []):
        if not d:
            continue
        sname = f"{name}[{i + 1}]"
        hkey, tkey = HEADING_KEY[level], TEXT_KEY[level]
        heading = d.get(hkey) or ""
        if level <= 2 and re.match(r"^\s*[（(]?[一二三四五六七八九十百]+[、）)]", heading):
            ck.add(line, f"{sname}.{hkey}", "不要手工写“一、”“（一）”等序号，程序会自动编号")
        if level >= 3 and re.match(r"^\s*(?:[0-9０-９]+[.．、]|[（(][0-9０-９]+[）)])", heading):
            ck.add(line, f"{sname}.{hkey}", "不要手工写“1.”“（1）”等序号，程序会自动编号")
        present = [lv for lv in CHILD_LEVELS[level] if d.get(LEVEL_KEYS[lv])]
        if len(present) > 1:
            ck.add(
                line,
                f"{sname}.{LEVEL_KEYS[present[1]]}",
                f"同一层不能既有“{LEVEL_KEYS[present[0]]}”又有“{LEVEL_KEYS[present[1]]}”",
            )
        if level >= 3 and not heading and not d.get(tkey) and not present:
            ck.add(line, sname, f"{LEVEL_KEYS[level]}是空的：至少写“要点”或“内容”")
        children = (
            _sections(ck, d.get(LEVEL_KEYS[present[0]]), present[0], f"{sname}.{LEVEL_KEYS[present[0]]}")
            if present
            else []
        )
        out.append(
            Section(
                level=level,
                heading=ck.inlines(heading, f"{sname}.{hkey}", line) if heading else [],
                paragraphs=ck.paragraphs(d.get(tkey), f"{sname}.{tkey}"),
                children=children,
                source=f"{ck.path}:{line}",
            )
        )
    return out


def _load_attachment(path: Path, problems: list[Problem]) -> Attachment:
    raw = load_yaml(path)
    ck = _Checker(path)
    a = ck.check(raw, ATTACHMENT_SCHEMA, "", 1)
    parts = _body_sections(ck, a, "")
    problems.extend(ck.problems)
    att = Attachment(
        title_lines=[t for t, _ in (a["标题"] or [])],
        subtitle=a["副标题"] or "",
        preamble=ck.paragraphs(a["导语"], "导语"),
        parts=parts,
        item_numbering=a["条目编号"] or ITEMS_CONTINUOUS,
        source=str(path),
    )
    att.texts = ck.texts
    return att
