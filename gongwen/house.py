"""The house style: styles/house.yaml, read once, with derived grid values in pt."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


MM = 72 / 25.4  # pt per mm
STYLES_DIR = Path(__file__).resolve().parent.parent / "styles"


@dataclass
class House:
    raw: dict

    def __getitem__(self, key):
        return self.raw[key]

    # geometry in pt
    @property
    def type_width(self) -> float:
        return self.raw["page"]["type_width_mm"] * MM

    @property
    def type_height(self) -> float:
        return self.raw["page"]["type_height_mm"] * MM

    @property
    def pitch(self) -> float:
        """Line pitch: 版心 height / 22 (28.99 pt)."""
        return self.type_height / self.raw["page"]["lines"]

    @property
    def cell(self) -> float:
        """Character pitch: 版心 width / 28 (15.79 pt)."""
        return self.type_width / self.raw["page"]["chars"]

    @property
    def body_size(self) -> float:
        return float(self.raw["sizes_pt"]["body"])


MAX_HOUSE_BYTES = 1_000_000  # a house file is a page of settings; anything larger is not one

# the house file's schema: section → key → (kind, low, high) with the range that keeps the page sane, or
# (kind, choices). Kinds: num (int or float), int, bool, text, color (#RRGGBB), cmyk (4 numbers 0–1),
# fonts (a list of font names). Required unless HOUSE_DEFAULTS has a value for it.
_N, _I = "num", "int"
HOUSE_SCHEMA: dict[str, dict[str, tuple]] = {
    "page": {
        "width_mm": (_N, 100, 1000),
        "height_mm": (_N, 100, 1500),
        "top_mm": (_N, 5, 200),
        "left_mm": (_N, 5, 200),
        "type_width_mm": (_N, 50, 900),
        "type_height_mm": (_N, 50, 1400),
        "lines": (_I, 10, 60),
        "chars": (_I, 10, 60),
    },
    "sizes_pt": {
        "body": (_N, 8, 32),
        "title": (_N, 10, 48),
        "mark": (_N, 12, 80),
        "joint_mark": (_N, 12, 80),
        "page_number": (_N, 8, 24),
        "colophon": (_N, 8, 24),
        "footnote": (_N, 6, 20),
        "footnote_call": (_N, 5, 16),
    },
    "colors": {"red": ("color",), "red_cmyk": ("cmyk",)},
    "print": {"duplex": ("bool",), "icc_profile": ("text",)},
    "header": {
        "mark_offset_mm": (_N, 0, 150),
        "mark_max_width_mm": (_N, 20, 900),
        "number_lines_below_mark": (_N, 0, 10),
        "rule_gap_mm": (_N, 0, 30),
        "rule_thickness_mm": (_N, 0.1, 3),
        "title_lines_below_rule": (_N, 0, 10),
        "joint_mark_line_em": (_N, 0.8, 3),
        "joint_mark_gap_em": (_N, 0, 3),
    },
    "body": {
        "recipients_lines_below_title": (_I, 0, 5),
        "attachment_note_lines_before": (_I, 0, 5),
        "signature_lines_before": (_I, 0, 8),
        "joint_signature_row_gap_lines": (_I, 0, 10),
        "seal_diameter_mm": (_N, 10, 80),
        "seal_gap_lines": (_N, 0, 2),
        "date_right_chars": (_N, 0, 10),
        "first_line_indent_chars": (_N, 0, 6),
        "item_lead_style": ("choice", ("plain", "bold", "kai", "hei")),
        "footnote_rule_width_mm": (_N, 5, 900),
        "footnote_line_pt": (_N, 6, 40),
        "min_line_pitch_pt": (_N, 8, 200),
        "max_letter_tightening_em": (_N, 0, 0.2),
        "widow_control": ("bool",),
        "orphan_control": ("bool",),
        "footnote_min_lines": (_I, 1, 60),
    },
    "attachment": {"title_lines_below_label": (_I, 0, 5), "body_lines_below_title": (_I, 0, 5)},
    "page_number": {"offset_mm": (_N, 0, 30), "side_space_chars": (_N, 0, 5)},
    "colophon": {"thick_rule_mm": (_N, 0.1, 2), "thin_rule_mm": (_N, 0.05, 2), "side_space_chars": (_N, 0, 5)},
    "fonts": {r: ("fonts",) for r in ("xiaobiaosong", "fangsong", "heiti", "kaiti", "songti")},
}
_OPTIONAL_SECTIONS = {"print"}
# the values a house file may leave out, declared once: every writer reads house[section][key] and finds them
HOUSE_DEFAULTS: dict[tuple[str, str], object] = {
    ("sizes_pt", "joint_mark"): None,  # None: the same as sizes_pt.mark
    ("colors", "red_cmyk"): [0, 1, 1, 0],
    ("print", "duplex"): False,
    ("print", "icc_profile"): "",
    ("header", "joint_mark_line_em"): 1.25,
    ("header", "joint_mark_gap_em"): 0.5,
    ("body", "joint_signature_row_gap_lines"): 4,
    ("body", "seal_diameter_mm"): 42,
    ("body", "seal_gap_lines"): 0.2,
    ("body", "max_letter_tightening_em"): 0.05,
    ("body", "widow_control"): True,
    ("body", "orphan_control"): False,
    ("body", "footnote_min_lines"): 10,
}
_KIND_ZH = {
    "num": "数值",
    "int": "整数",
    "bool": "true 或 false",
    "text": "文字",
    "color": '颜色（如 "#FF0000"）',
    "cmyk": "四个 0–1 之间的数（如 [0, 1, 1, 0]）",
    "fonts": "字体名称的列表",
    "choice": "下列写法之一",
}


def _check_value(spec: tuple, v) -> str | None:
    """What is wrong with `v` for `spec`, in Chinese, or None."""
    kind = spec[0]
    if kind in ("num", "int"):
        ok = isinstance(v, (int, float)) and not isinstance(v, bool) and (kind == "num" or isinstance(v, int))
        if not ok:
            return f"应为{_KIND_ZH[kind]}"
        lo, hi = spec[1], spec[2]
        if not lo <= v <= hi:
            return f"应在 {lo}–{hi} 之间（否则版面无法成立）"
        return None
    if kind == "bool":
        return None if isinstance(v, bool) else f"应为{_KIND_ZH[kind]}"
    if kind == "text":
        return None if isinstance(v, str) and v.strip() else f"应为{_KIND_ZH[kind]}"
    if kind == "color":
        import re

        return None if isinstance(v, str) and re.fullmatch(r"#[0-9A-Fa-f]{6}", v) else f"应为{_KIND_ZH[kind]}"
    if kind == "cmyk":
        ok = (
            isinstance(v, list)
            and len(v) == 4
            and all(isinstance(x, (int, float)) and not isinstance(x, bool) and 0 <= x <= 1 for x in v)
        )
        return None if ok else f"应为{_KIND_ZH[kind]}"
    if kind == "fonts":
        ok = isinstance(v, list) and v and all(isinstance(x, str) and x.strip() for x in v)
        return None if ok else f"应为{_KIND_ZH[kind]}"
    if kind == "choice":
        return None if v in spec[1] else f"应为{'、'.join(spec[1])}之一"
    raise AssertionError(kind)


def validate_house(path: Path, data) -> None:
    """Check a house file against HOUSE_SCHEMA and the page's own arithmetic (the 版心 inside the paper,
    the closed pitch below the grid's); raise ContentError naming the file, line and key."""
    import difflib

    from .errors import ContentError, Problem

    problems: list = []

    def line_of(m, key):
        return getattr(m, "lines", {}).get(key) if key in m else getattr(m, "line", None)

    if not isinstance(data, dict):
        raise ContentError([Problem(path, None, "", "版式文件应为“键: 值”形式的各节设置")])
    for sec in data:
        if sec not in HOUSE_SCHEMA:
            near = difflib.get_close_matches(str(sec), list(HOUSE_SCHEMA), n=1, cutoff=0.5)
            problems.append(
                Problem(path, line_of(data, sec), str(sec), f"未知的一节{f'，是不是“{near[0]}”？' if near else ''}")
            )
    for sec, keys in HOUSE_SCHEMA.items():
        m = data.get(sec)
        if m is None:
            if sec not in _OPTIONAL_SECTIONS:
                problems.append(Problem(path, None, sec, "缺少这一节"))
            continue
        if not isinstance(m, dict):
            problems.append(Problem(path, line_of(data, sec), sec, "应为“键: 值”形式的设置"))
            continue
        for key in m:
            if key not in keys:
                near = difflib.get_close_matches(str(key), list(keys), n=1, cutoff=0.5)
                problems.append(
                    Problem(
                        path, line_of(m, key), f"{sec}.{key}", f"未知的设置{f'，是不是“{near[0]}”？' if near else ''}"
                    )
                )
        for key, spec in keys.items():
            if key not in m:
                if (sec, key) not in HOUSE_DEFAULTS:
                    problems.append(Problem(path, getattr(m, "line", None), f"{sec}.{key}", "缺少这项设置"))
                continue
            why = _check_value(spec, m[key])
            if why:
                problems.append(Problem(path, line_of(m, key), f"{sec}.{key}", f"{why}，实际是 {m[key]!r}"))
    if not problems:
        pg, body = data["page"], data["body"]
        if pg["left_mm"] + pg["type_width_mm"] > pg["width_mm"] - 5:
            problems.append(
                Problem(
                    path,
                    line_of(pg, "type_width_mm"),
                    "page.type_width_mm",
                    "订口加版心宽超出了纸张宽度（右边至少留 5 mm）",
                )
            )
        if pg["top_mm"] + pg["type_height_mm"] > pg["height_mm"] - 5:
            problems.append(
                Problem(
                    path,
                    line_of(pg, "type_height_mm"),
                    "page.type_height_mm",
                    "天头加版心高超出了纸张高度（下边至少留 5 mm）",
                )
            )
        pitch = pg["type_height_mm"] * MM / pg["lines"]
        if body["min_line_pitch_pt"] > pitch:
            problems.append(
                Problem(
                    path,
                    line_of(body, "min_line_pitch_pt"),
                    "body.min_line_pitch_pt",
                    f"收行距的下限不能大于网格行距 {pitch:.2f} 磅",
                )
            )
        if data["sizes_pt"]["body"] * pg["chars"] > pg["type_width_mm"] * MM * 1.05:
            problems.append(
                Problem(
                    path,
                    line_of(data["sizes_pt"], "body"),
                    "sizes_pt.body",
                    f"每行 {pg['chars']} 个这么大的字放不进版心宽",
                )
            )
        if data["sizes_pt"]["body"] > pitch:
            problems.append(
                Problem(
                    path,
                    line_of(data["sizes_pt"], "body"),
                    "sizes_pt.body",
                    f"正文字号大于行距 {pitch:.2f} 磅，每页 {pg['lines']} 行放不下",
                )
            )
    if problems:
        raise ContentError(problems)


def _plain(v):
    """YMap/YList/YInt from the safe loader as plain dict/list/int (the layout reads plain values)."""
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, int) and not isinstance(v, bool):
        return int(v)
    return v


def load_house(path: Path | None = None) -> House:
    """Read and check the house file (styles/house.yaml or --house): the same safe YAML reader as the
    content (no tags, no alias bombs, line numbers kept), only a regular file of at most 1 MB."""
    from .errors import ContentError, Problem
    from .source.yamlsrc import load_yaml

    path = path or STYLES_DIR / "house.yaml"
    try:
        st = path.stat()
    except OSError as exc:
        raise ContentError([Problem(path, None, "", f"无法读取版式文件（{exc.strerror}）")]) from None
    import stat

    if not stat.S_ISREG(st.st_mode):
        raise ContentError([Problem(path, None, "", "版式文件应为普通文件（不是目录、管道或设备）")])
    if st.st_size > MAX_HOUSE_BYTES:
        raise ContentError([Problem(path, None, "", f"版式文件过大（{st.st_size} 字节，上限 {MAX_HOUSE_BYTES}）")])
    data = load_yaml(path)
    validate_house(path, data)
    raw = _plain(data)
    for (sec, key), value in HOUSE_DEFAULTS.items():
        raw.setdefault(sec, {}).setdefault(key, value)
    if raw["sizes_pt"]["joint_mark"] is None:
        raw["sizes_pt"]["joint_mark"] = raw["sizes_pt"]["mark"]
    return House(raw)
