"""Safe YAML loading that keeps line numbers and rejects duplicate keys.

PyYAML's safe loader silently keeps the last of two equal keys and forgets where each value came from.
Here the document is composed into nodes, then turned into plain Python values while every mapping and
list remembers the line of each entry, so that errors can name the line.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ..errors import ContentError, Problem

FAST_LOADER = getattr(yaml, "CSafeLoader", None)
MAX_NODES = 200_000  # bound on expanded nodes: an alias bomb fails fast instead of eating memory
MAX_CHARS = 5_000_000  # bound on the characters of a file's text once aliases are expanded


class YMap(dict):
    """A mapping from YAML with `line` (of the mapping) and `lines[key]` (of each key); `raws[key]`: how a
    value that YAML read as a number, date or yes/no was typed (0777, 12:30, 2024.10), for text fields."""

    line: int = 0
    lines: dict
    raws: dict


class YList(list):
    """A list from YAML with `line` and `lines[i]` for each item, `raws[i]` as YMap.raws (None: text)."""

    line: int = 0
    lines: list
    raws: list


def _raw(node) -> str | None:
    """The source spelling of a scalar YAML did not read as text."""
    if isinstance(node, yaml.ScalarNode) and node.tag not in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:null"):
        return node.value
    return None


class YInt(int):
    """An integer from YAML that remembers how it was written (to catch 01 or 0x1 in a 文号)."""

    raw: str = ""


def load_yaml(path: Path):
    """Load one YAML file into YMap/YList/scalars, raising ContentError with file and line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ContentError([Problem(path, None, "", f"无法读取文件（{exc.strerror}）")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError([Problem(path, line, "", "文件不是 UTF-8 编码，请在编辑器中“另存为 UTF-8”后重试")]) from None
    if not text.strip():
        raise ContentError([Problem(path, None, "", "文件是空的")])
    bad = re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]", text)
    if bad:  # a raw control character, e.g. pasted from a word processor
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise ContentError(
            [
                Problem(
                    path,
                    line,
                    "",
                    f"第 {col} 列有不可见的控制字符 U+{ord(bad.group()):04X}，请删除（常见于从其他文档复制的文字）",
                )
            ]
        )
    loader = node = None
    if FAST_LOADER is not None:  # libyaml (C), ~15× faster; on any error the Python loader reads the file
        try:  # again, so that what is reported is worded as always
            loader = FAST_LOADER(text)
            node = loader.get_single_node()
        except Exception:
            loader = node = None
    try:
        if loader is None:
            loader = yaml.SafeLoader(text)
            node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = f"第 {mark.column + 1} 列，" if mark else ""
        what = _yaml_problem_zh(exc.problem or "")
        raise ContentError([Problem(path, line, "", f"YAML 语法错误（{col}{what}）")]) from None
    except yaml.YAMLError as exc:
        raise ContentError([Problem(path, None, "", f"YAML 语法错误（{exc}）")]) from None
    except RecursionError:
        raise ContentError([Problem(path, None, "", "嵌套层数过多，无法读取")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        raise ContentError([Problem(path, None, "", "文件是空的")])
    problems: list[Problem] = []
    budget = [MAX_NODES, MAX_CHARS]
    try:
        value = _convert(node, path, problems, budget, loader, set())
    except RecursionError:
        raise ContentError([Problem(path, None, "", "嵌套层数过多，无法读取")]) from None
    if problems:
        raise ContentError(problems)
    return value


def _yaml_problem_zh(problem: str) -> str:
    table = {
        "mapping values are not allowed here": "此处不能出现“键: 值”，可能是冒号后缺空格或缩进不对",
        "could not find expected ':'": "缺少“:”",
        "that cannot start any token": "有不能出现在这里的字符（Tab 缩进请改用空格；以 @ ` 开头的文字请加引号）",
        "expected <block end>": "缩进不一致",
        "found undefined alias": "引用了未定义的别名",
        "expected the node content": "此处缺少内容，可能是方括号、花括号或引号没有配对",
        "found unexpected end of stream": "文件意外结束，可能是引号没有配对",
        "expected ',' or ']'": "方括号没有配对",
        "expected ',' or '}'": "花括号没有配对",
        "found unknown escape character": "双引号中的反斜杠转义无效（要写反斜杠本身请用单引号）",
        "found duplicate anchor": "重复的锚点名",
        "expected a comment or a line break": "此处多了文字，可能是引号后面还有内容",
        "block sequence entries are not allowed here": "此处不能出现“- ”列表项，可能是缩进不对",
    }
    for key, zh in table.items():
        if key in problem:
            return zh
    return f"无法解析：{problem}" if problem else "无法解析"


def _convert(node, path, problems, budget, loader, ancestors: set[int]):
    budget[0] -= 1
    if budget[0] < 0:
        raise ContentError(
            [Problem(path, node.start_mark.line + 1, "", "文件展开后过大（别名/锚点嵌套过多），已停止读取")]
        )
    if id(node) in ancestors:  # an alias that contains itself
        raise ContentError([Problem(path, node.start_mark.line + 1, "", "别名引用了它自己（循环引用），无法读取")])
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        ancestors = ancestors | {id(node)}
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in (
        "tag:yaml.org,2002:map",
        "tag:yaml.org,2002:seq",
    ):
        problems.append(Problem(path, node.start_mark.line + 1, "", f"不支持的 YAML 标签 {node.tag}"))
        return None
    if isinstance(node, yaml.MappingNode):
        out = YMap()
        out.line = node.start_mark.line + 1
        out.lines = {}
        out.raws = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                problems.append(Problem(path, key_node.start_mark.line + 1, "<<", "不支持 YAML 合并键"))
                continue
            key = _convert(key_node, path, problems, budget, loader, ancestors)
            if not isinstance(key, (str, int)):
                problems.append(Problem(path, key_node.start_mark.line + 1, str(key), "键必须是文字"))
                continue
            key = str(key)
            line = key_node.start_mark.line + 1
            if key in out:
                problems.append(
                    Problem(path, line, key, f"重复的键（第 {out.lines[key]} 行已有同名键），请删去其中一个")
                )
                continue
            out[key] = _convert(value_node, path, problems, budget, loader, ancestors)
            out.lines[key] = line
            out.raws[key] = _raw(value_node)
        return out
    if isinstance(node, yaml.SequenceNode):
        out = YList()
        out.line = node.start_mark.line + 1
        out.lines = []
        out.raws = []
        for item in node.value:
            out.append(_convert(item, path, problems, budget, loader, ancestors))
            out.lines.append(item.start_mark.line + 1)
            out.raws.append(_raw(item))
        return out
    budget[1] -= len(node.value)
    if budget[1] < 0:
        raise ContentError(
            [
                Problem(
                    path,
                    node.start_mark.line + 1,
                    "",
                    f"文件展开别名后文字超过 {MAX_CHARS} 字（别名/锚点把长段落重复了太多次），已停止读取",
                )
            ]
        )
    # scalar: only the safe core tags; anything else is refused
    allowed = {
        "tag:yaml.org,2002:str",
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:null",
        "tag:yaml.org,2002:timestamp",
    }
    if node.tag not in allowed:
        problems.append(Problem(path, node.start_mark.line + 1, "", f"不支持的 YAML 标签 {node.tag}"))
        return None
    try:
        value = loader.construct_object(node, deep=True)
        if isinstance(value, int) and not isinstance(value, bool):
            value = YInt(value)
            value.raw = node.value
        return value
    except (yaml.YAMLError, ValueError) as exc:
        if node.tag == "tag:yaml.org,2002:timestamp":
            problems.append(Problem(path, node.start_mark.line + 1, "", f"日期“{node.value}”不存在，请检查年月日"))
        else:
            problems.append(Problem(path, node.start_mark.line + 1, "", f"无法读取的值“{node.value}”（{exc}）"))
        return None
