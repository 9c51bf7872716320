"""Merging an imported fragment (a department's parts, sections or items) into a year's attachment file.

The fragment's YAML is written into the file's text after the place named by `--after` (一级序号, 二级序号,
条目序号 as the built document shows them: 二 · 二（一） · 二（一）3 · 12), at the indentation the file uses,
so that everything else in the file — comments, blank lines, quoting — stays as the clerk wrote it. The
merged text is loaded and checked like any content before it replaces the file (atomically; the previous
version is kept beside it as .bak).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import BuildError, ContentError, Problem
from ..model import ITEMS_RESTART, LEVEL_KEYS

NAMES = {1: "一级标题（部分）", 2: "二级标题（小节）", 3: "条目", 4: "分项"}
UNITS = {1: "个", 2: "个", 3: "条", 4: "项"}


@dataclass
class _Node:
    level: int
    node: yaml.MappingNode
    seq: yaml.SequenceNode  # the list it is an item of
    label: str  # 二 · 二（一） · 12


def _value(m: yaml.MappingNode, key: str):
    for k, v in m.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return v
    return None


def _outline(root: yaml.MappingNode) -> list[_Node]:
    """Every section of the attachment with the number the build gives it."""
    from .wordml import chinese_number

    restart = getattr(_value(root, "条目编号"), "value", "") == ITEMS_RESTART
    out: list[_Node] = []
    item_no = [0]

    def walk(m: yaml.MappingNode, level: int, prefix: str):
        for lv in (level + 1, level + 2, level + 3):
            if lv > 4:
                break
            seq = _value(m, LEVEL_KEYS[lv])
            if isinstance(seq, yaml.SequenceNode):
                for k, child in enumerate(seq.value, 1):
                    if not isinstance(child, yaml.MappingNode):
                        continue
                    if lv == 1:
                        label = chinese_number(k)
                    elif lv == 2:
                        label = f"{prefix}（{chinese_number(k)}）"
                    elif lv == 3:
                        if restart:
                            label = f"{prefix}{k}"
                        else:
                            item_no[0] += 1
                            label = str(item_no[0])
                    else:
                        label = f"{prefix}（{k}）"
                    out.append(_Node(lv, child, seq, label))
                    walk(child, lv, label)
                break

    walk(root, 0, "")
    return out


def _normalise(spec: str) -> str:
    s = spec.strip().replace("(", "（").replace(")", "）").replace("、", "").replace(".", "").replace("．", "")
    return s.translate(str.maketrans("０１２３４５６７８９", "0123456789"))


def _find(outline: list[_Node], spec: str) -> _Node:
    want = _normalise(spec)
    for n in outline:
        if _normalise(n.label) == want:
            return n
    # a section or item named within its part: 二3 for item 3 of part 二 when items run on
    examples = "、".join(n.label for n in outline[:6])
    raise BuildError(
        f"--after {spec}：附件中没有这个序号。可以写一级序号（如 二）、二级序号（如 二（一））或条目序号"
        f"（如 12）；这个附件的序号有：{examples}……"
    )


def _dump(data, indent: int) -> list[str]:
    from .docx_import import to_yaml

    text = to_yaml(data, "")
    lines = [line for line in text.splitlines() if line.strip()]
    return [" " * indent + line for line in lines]


def merge_fragment(target: Path, fragment: dict, kind: str, after: str | None, source: str) -> list[str]:
    """Insert `fragment` into the attachment file `target`; returns what to tell the user."""
    from .content import _load_attachment
    from .yamlsrc import load_yaml

    load_yaml(target)  # the file as it is must load (bounded, safe)
    text = target.read_text(encoding="utf-8-sig")
    root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(root, yaml.MappingNode):
        raise BuildError(f"{target.name} 不是附件内容文件（应为“标题”“部分”等键值）")
    if any(isinstance(k, yaml.ScalarNode) and k.value in ("发文字号", "发文机关标志") for k, _ in root.value):
        raise BuildError(f"{target.name} 是发文文件，不是附件内容文件：请用 --into 指定附件文件（如 attachment.yaml）")
    level = {"部分": 1, "小节": 2, "条目": 3}.get(kind, 0)
    told: list[str] = []
    outline = _outline(root)
    intro = fragment.get("导语")
    intro = [intro] if isinstance(intro, str) else list(intro or [])
    if fragment.get("标题"):
        told.append(
            f"片段的标题“{fragment['标题'] if isinstance(fragment['标题'], str) else ''.join(fragment['标题'])}”"
            "没有并入（附件已有标题）"
        )
    lines = text.splitlines()
    if after:
        anchor = _find(outline, after)
    else:
        same = [n for n in outline if n.level == (level or 3)]
        if level and not same and level > 1:
            same = [n for n in outline if n.level < level]
        anchor = same[-1] if same else None
    if level == 0:  # plain paragraphs only: appended to the anchor's text
        if anchor is None:
            raise BuildError("片段只有段落、没有标题或条目：请用 --after 指定并入哪一项之后（如 --after 12）")
        at, new = _append_text(lines, anchor, intro)
        lines[at:at] = new
        where = f"“{anchor.label}”的末尾"
    else:
        nodes = fragment[LEVEL_KEYS[level]]
        if anchor is None:
            if level == 1 and any(n.level == 1 for n in outline):
                anchor = [n for n in outline if n.level == 1][-1]
            elif not outline and _value(root, LEVEL_KEYS[level]) is None:
                at = len(lines)
                lines[at:at] = [""] + _dump({LEVEL_KEYS[level]: nodes}, 0)
                anchor = None
            else:
                raise BuildError(f"片段是{NAMES[level]}，这个附件中没有能放它的地方：请用 --after 指定位置")
        if anchor is not None:
            if anchor.level == level:  # a sibling after the anchor
                at = _end_line(lines, anchor.node)
                col = anchor.seq.start_mark.column
                lines[at:at] = _dump(nodes, col)
                where = f"“{anchor.label}”之后"
            elif anchor.level < level:  # at the end of the anchor's children of that kind
                key = LEVEL_KEYS[level]
                other = [
                    LEVEL_KEYS[lv]
                    for lv in (anchor.level + 1, anchor.level + 2)
                    if lv != level and lv <= 4 and _value(anchor.node, LEVEL_KEYS[lv]) is not None
                ]
                if other:
                    raise BuildError(
                        f"“{anchor.label}”下是{other[0]}，不能直接放{key}：请指定到{other[0]}，"
                        f"如 --after {anchor.label}（一）"
                    )
                seq = _value(anchor.node, key)
                if isinstance(seq, yaml.SequenceNode) and seq.value:
                    at = _end_line(lines, seq.value[-1])
                    lines[at:at] = _dump(nodes, seq.start_mark.column)
                else:
                    at = _end_line(lines, anchor.node)
                    col = anchor.node.start_mark.column
                    lines[at:at] = _dump({key: nodes}, col)
                where = f"“{anchor.label}”的最后"
            else:
                raise BuildError(
                    f"片段是{NAMES[level]}，不能放在{NAMES[anchor.level]}“{anchor.label}”之后："
                    f"请指定一个{NAMES[level][:4]}，或不写 --after"
                )
        else:
            where = "附件的最后"
        if intro:
            if anchor is None:
                raise BuildError("片段开头有不属于任何标题的段落，附件中没有可以接上的地方：请用 --after 指定位置")
            at, new = _append_text(lines, _last_leaf(anchor, outline), intro)
            lines[at:at] = new
            told.append(
                f"片段开头不属于任何标题的 {len(intro)} 段，接在了“{_last_leaf(anchor, outline).label}”的末尾，请核对"
            )
    merged = "\n".join(lines) + "\n"
    # check the merged file loads like any content before it replaces the old one
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".yaml", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp)
    try:
        tmp.write_text(merged, encoding="utf-8")
        problems: list[Problem] = []
        try:
            _load_attachment(tmp, problems)
        except ContentError as exc:
            problems += exc.problems
        if problems:
            raise ContentError(
                [Problem(target, p.line, p.field, p.message + "（并入后的内容，文件未改动）") for p in problems]
            )
        backup = target.with_name(target.name + ".bak")
        backup.write_bytes(target.read_bytes())
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    counts = _count(fragment)
    told.insert(
        0,
        f"并入 {target.name}：{where}，"
        + "，".join(f"{NAMES[lv]} {c} {UNITS[lv]}" for lv, c in counts.items() if c)
        + f"（来自 {source}；序号自动重编，原文件备份为 {backup.name}）",
    )
    return told


def _count(fragment: dict) -> dict[int, int]:
    counts = {1: 0, 2: 0, 3: 0, 4: 0}

    def walk(nodes, level):
        for n in nodes or []:
            counts[level] += 1
            for lv in (level + 1, level + 2):
                if lv <= 4:
                    walk(n.get(LEVEL_KEYS[lv]), lv)

    for lv in (1, 2, 3):
        walk(fragment.get(LEVEL_KEYS[lv]), lv)
    return counts


def _end_line(lines: list[str], node) -> int:
    """The line index just after `node`'s own lines (blank and comment lines after it left where they are)."""
    m = node.end_mark
    if m.line >= len(lines):
        end = len(lines)
    elif lines[m.line][: m.column].strip():
        end = m.line + 1  # the node ends inside this line (a scalar)
    else:
        end = m.line  # the node ended before this line (a block, closed by what follows)
    while end > node.start_mark.line + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return end


def _last_leaf(anchor: _Node, outline: list[_Node]) -> _Node:
    k = outline.index(anchor)
    last = anchor
    for n in outline[k + 1 :]:
        if n.level <= anchor.level:
            break
        last = n
    return last


def _append_text(lines: list[str], anchor: _Node, paras: list[str]) -> tuple[int, list[str]]:
    """Lines that add `paras` at the end of the anchor's 导语/内容 (a new list when it had one paragraph)."""
    key = "导语" if anchor.level <= 2 else "内容"
    node = anchor.node
    value = _value(node, key)
    col = node.start_mark.column
    if value is None:
        at = _end_line(lines, node)
        # after the heading line, before any children: simplest is the end of the mapping, but a text after
        # children would print after them; place it right after the heading key instead
        hkey = _value(node, "标题" if anchor.level <= 2 else "要点")
        if hkey is not None:
            at = hkey.end_mark.line + 1
        return at, _dump({key: paras if len(paras) > 1 else paras[0]}, col)
    if isinstance(value, yaml.SequenceNode):
        at = _end_line(lines, value.value[-1]) if value.value else value.end_mark.line
        return at, _dump(paras, value.start_mark.column)
    # a single paragraph: it becomes a list of the old one and the new ones
    knode = next(k for k, v in node.value if v is value)
    start, end = knode.start_mark.line, _end_line(lines, value)
    del lines[start:end]
    return start, _dump({key: [value.value, *paras]}, col)
