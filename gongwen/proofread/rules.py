"""The proofreading rules: each a small function over one paragraph of text, returning findings.

A rule that cries wolf gets the whole check switched off, so every rule here is narrow: it names a
pattern that is wrong in an official document whatever the context (a traditional character outside
GB 2312, an English "and" between Chinese characters, 队伍队伍, a 文号 in square brackets…), and leaves
out what is only usually wrong. Rules measured to be mostly false alarms (的/地/得, single-character
doubles, a space beside a Chinese character) are not here.

Sources: GB/T 9704-2012 (文号 §7.2.5, dates §7.3.5.4), GB/T 15834-2011 (punctuation), GB/T 15835-2011
(numbers), 《通用规范汉字表》 (the simplified forms).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

ERROR, WARNING = "错误", "提示"

HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_HAN = re.compile(f"[{HAN}]")


@dataclass
class Finding:
    rule: str
    level: str  # ERROR or WARNING
    start: int
    end: int
    message: str  # what is wrong
    fix: str  # what would be right

    def span(self, text: str) -> str:
        return text[self.start : self.end]


def is_han(ch: str) -> bool:
    return bool(ch) and bool(_HAN.match(ch))


# -- 1. traditional and variant characters --------------------------------------------------------

# correct in names and set phrases although OpenCC would convert them (乾县, 宫商角徵羽, 於 as a surname)
TRADITIONAL_ALLOWED = set("徵於乾")


@lru_cache(maxsize=1)
def _t2s():
    try:
        import opencc
    except ImportError:  # the check is skipped, not the build
        return None
    return opencc.OpenCC("t2s.json")


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def traditional(text: str) -> list[Finding]:
    """A traditional or variant character: OpenCC (t2s, one character at a time) converts it and it is
    not in GB 2312 (every character of GB 2312 is a current simplified form, e.g. 乾 in 乾坤)."""
    conv = _t2s()
    if conv is None:
        return []
    out = []
    for i, ch in enumerate(text):
        if not is_han(ch) or ch in TRADITIONAL_ALLOWED or _in_gb2312(ch):
            continue
        s = conv.convert(ch)
        if s != ch:
            out.append(Finding("繁体字", ERROR, i, i + 1, f"繁体字或异体字“{ch}”", f"应为“{s}”"))
    return out


# -- 2. English function words between Chinese characters -----------------------------------------

_FUNCTION_WORDS = {
    "and": "和",
    "or": "或",
    "the": "",
    "of": "的",
    "for": "为",
    "to": "到",
    "with": "与",
    "in": "在",
    "on": "在",
    "at": "在",
    "by": "由",
    "from": "从",
    "as": "作为",
}
_FUNCTION_RX = re.compile(
    rf"(?<=[{HAN}，。、；：])\s*(?<![A-Za-z])({'|'.join(_FUNCTION_WORDS)})(?![A-Za-z])\s*(?=[{HAN}])", re.I
)


def english_word(text: str) -> list[Finding]:
    out = []
    for m in _FUNCTION_RX.finditer(text):
        word = m.group(1)
        zh = _FUNCTION_WORDS[word.lower()]
        out.append(
            Finding(
                "英文虚词",
                ERROR,
                m.start(1),
                m.end(1),
                f"中文句子中夹着英文虚词“{word}”",
                f"应为“{zh}”" if zh else "应删去",
            )
        )
    return out


# -- 3. doubled words -------------------------------------------------------------------------------

# two-character verbs whose ABAB reduplication is correct Chinese (研究研究: "look into it a little")
ABAB_VERBS = set(
    "研究 讨论 商量 考虑 学习 休息 打听 活动 锻炼 整理 收拾 准备 检查 介绍 比较 联系 交流 沟通 "
    "了解 调查 思考 琢磨 尝试 体验 熟悉 放松 提高 改进 总结 清理 打扫 修理 认识 体会".split()
)
_DOUBLE_RX = re.compile(rf"([{HAN}]{{2,4}})\1")


def doubled(text: str) -> list[Finding]:
    """A word of 2–4 characters written twice in a row (队伍队伍), not a legitimate reduplication:
    ABAB verbs (研究研究), 一X一X (一点一点, 一步一步); single-character doubles are never flagged."""
    out = []
    for m in _DOUBLE_RX.finditer(text):
        w = m.group(1)
        if w in ABAB_VERBS or (len(w) == 2 and w[0] == "一") or len(set(w)) == 1:
            continue
        out.append(Finding("重复词", ERROR, m.start(), m.end(), f"“{w}”重复", f"应为“{w}”"))
    return out


# -- 4. 文号 ----------------------------------------------------------------------------------------

_DOCNO_RX = re.compile(rf"([{HAN}]{{1,10}}?)?([〔\[［【(（])\s*(\d{{2,4}})\s*([〕\]］】)）])\s*(第?)\s*(\d+)\s*号")


def doc_number(text: str) -> list[Finding]:
    """文号 as GB/T 9704 §7.2.5 writes it: 机关代字〔2024〕1号 — 六角括号, the year in full, no 第, no 虚位."""
    out = []
    for m in _DOCNO_RX.finditer(text):
        prefix, open_, year, close, di, seq = m.groups()
        if open_ in "(（" and not prefix:
            continue  # “（2024）1号” without an organ: a case number or list item, not a 文号
        right = f"{prefix or ''}〔{year if len(year) == 4 else '20' + year}〕{int(seq)}号"
        problems = []
        if open_ != "〔" or close != "〕":
            problems.append(f"年份应用六角括号〔〕，不用“{open_}{close}”")
        if len(year) != 4:
            problems.append("年份应写全四位")
        if di:
            problems.append("序号前不加“第”")
        if seq.startswith("0") and len(seq) > 1:
            problems.append("序号不编虚位")
        if problems:
            out.append(
                Finding(
                    "文号",
                    ERROR,
                    m.start(1) if prefix else m.start(2),
                    m.end(),
                    "文号格式：" + "，".join(problems),
                    f"应为“{right}”",
                )
            )
        elif not prefix and m.start(2) > 0 and text[m.start(2) - 1] in "（(":
            out.append(
                Finding("文号", WARNING, m.start(2), m.end(), "文号缺少机关代字", f"应写全，如“某教〔{year}〕{seq}号”")
            )
    return out


# -- 5. dates -----------------------------------------------------------------------------------------

_PAD_RX = re.compile(r"(?<!\d)(\d{4})年(0\d)月|(?<!\d)(\d{1,2})月(0\d)日")
_SHORT_YEAR_RX = re.compile(r"(?<![\d〔\[])(\d{2})年(\d{1,2})月")
CN_YEAR_RX = re.compile(r"[一二三四五六七八九〇零○0Ｏ]{4}年")  # a year in Chinese numerals (or nearly)


_DATE_RX = re.compile(r"(?:(?<!\d)(\d{4})年)?(?<!\d)(\d{1,2})月(\d{1,2})日")
_WEEKDAY_RX = re.compile(r"\s*[（(](?:星期|周)([一二三四五六日天])[）)]")


def impossible_dates(text: str) -> list[Finding]:
    """2月30日, 4月31日, 13月: a date that does not exist; 2025年1月24日（星期三）: a weekday that is not
    that date's. Without a year, 2月29日 is allowed."""
    import calendar
    import datetime as _dt

    out = []
    for m in _DATE_RX.finditer(text):
        y = int(m.group(1)) if m.group(1) else None
        mo, d = int(m.group(2)), int(m.group(3))
        if not 1 <= mo <= 12:
            out.append(Finding("日期", ERROR, m.start(2), m.end(2) + 1, f"没有{mo}月", "请核对月份"))
            continue
        last = calendar.monthrange(y if y and 1 <= y <= 9999 else 2024, mo)[1]
        if not 1 <= d <= last:
            out.append(
                Finding(
                    "日期",
                    ERROR,
                    m.start(),
                    m.end(),
                    f"{f'{y}年' if y else ''}{mo}月没有{d}日",
                    f"{mo}月只有{last}天，请核对日期",
                )
            )
            continue
        w = _WEEKDAY_RX.match(text, m.end())
        if y and w and 1900 <= y <= 2200:
            actual = "一二三四五六日"[_dt.date(y, mo, d).weekday()]
            said = "日" if w.group(1) == "天" else w.group(1)
            if said != actual:
                out.append(
                    Finding(
                        "日期",
                        ERROR,
                        m.start(),
                        w.end(),
                        f"{y}年{mo}月{d}日是星期{actual}，不是星期{w.group(1)}",
                        "请核对日期或星期",
                    )
                )
    return out


def dates(text: str) -> list[Finding]:
    out = impossible_dates(text)
    for m in _PAD_RX.finditer(text):
        out.append(
            Finding("日期", ERROR, m.start(), m.end(), "日期中的月、日不编虚位（不写 01、02）", "如“2024年2月4日”")
        )
    for m in _SHORT_YEAR_RX.finditer(text):
        out.append(Finding("日期", ERROR, m.start(), m.end(), "年份应写全四位", f"如“20{m.group(1)}年{m.group(2)}月”"))
    for m in CN_YEAR_RX.finditer(text):
        y = m.group()[:-1]
        if not any(c in "一二三四五六七八九" for c in y):
            continue
        bad = [c for c in y if c in "0○Ｏ零"]
        if bad:
            fixed = "".join("〇" if c in "0○Ｏ零" else c for c in y)
            out.append(
                Finding(
                    "日期",
                    ERROR if bad[0] != "零" else WARNING,
                    m.start(),
                    m.end(),
                    f"汉字年份中的零写作“{bad[0]}”",
                    f"应为“{fixed}年”（零写作〇）",
                )
            )
    return out


# -- 6. half-width punctuation beside Chinese --------------------------------------------------------

_URL_RX = re.compile(r"(?:https?://|www\.)[^\s，。；、）》“”]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.I)
_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}


def halfwidth(text: str) -> list[Finding]:
    """, ; : ? ! ( ) beside a Chinese character (GB/T 15834: Chinese text takes full-width marks); not in
    URLs or e-mail addresses, not in times (8:30), not parentheses around ASCII only ((STEM))."""
    skip = set()
    for m in _URL_RX.finditer(text):
        skip.update(range(m.start(), m.end()))
    out = []
    for i, ch in enumerate(text):
        if ch not in _FULL or i in skip:
            continue
        before = text[i - 1] if i else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        if ch == ":" and before.isdigit() and after.isdigit():
            continue  # 8:30
        if ch in "()":
            inner = _paren_content(text, i)
            if inner is None or not _HAN.search(inner):
                continue  # (STEM), (1), an unmatched parenthesis in ASCII
        elif not (is_han(before) or is_han(after) or before in "“”《》）" or after in "“”《》（"):
            continue
        out.append(Finding("半角标点", ERROR, i, i + 1, f"中文中用了半角“{ch}”", f"应为全角“{_FULL[ch]}”"))
    return out


def _paren_content(text: str, i: int) -> str | None:
    if text[i] == "(":
        j = text.find(")", i)
        return text[i + 1 : j] if j > 0 else text[i + 1 : i + 20]
    j = text.rfind("(", 0, i)
    return text[j + 1 : i] if j >= 0 else text[max(0, i - 20) : i]


# -- 7. look-alike characters ----------------------------------------------------------------------

_INVISIBLE = {
    "\u00a0": "不换行空格",
    "\u200b": "零宽空格",
    "\u200c": "零宽不连字",
    "\u200d": "零宽连字",
    "\u2060": "零宽不换行",
    "\ufeff": "字节顺序标记",
}
_DOT_RX = re.compile(rf"(?<=[{HAN}])([˙•・‧∙⋅])(?=[{HAN}])")


def lookalikes(text: str) -> list[Finding]:
    out = []
    for i, ch in enumerate(text):
        o = ord(ch)
        if 0x2F00 <= o <= 0x2FD5 or 0xF900 <= o <= 0xFAFF or 0x2E80 <= o <= 0x2EF3:
            right = unicodedata.normalize("NFKC", ch)
            out.append(
                Finding(
                    "形近字符",
                    ERROR,
                    i,
                    i + 1,
                    f"“{ch}”是部首或兼容字符（U+{o:04X}），不是通用汉字",
                    f"应为“{right}”" if right != ch else "请重新输入这个字",
                )
            )
        elif 0xFF10 <= o <= 0xFF19 or 0xFF21 <= o <= 0xFF3A or 0xFF41 <= o <= 0xFF5A:
            out.append(
                Finding(
                    "全角字母数字",
                    WARNING,
                    i,
                    i + 1,
                    f"全角字母或数字“{ch}”",
                    f"应为半角“{unicodedata.normalize('NFKC', ch)}”",
                )
            )
        elif ch in _INVISIBLE:
            out.append(
                Finding("不可见字符", WARNING, i, i + 1, f"含有{_INVISIBLE[ch]}（U+{o:04X}）", "应删去或换成普通空格")
            )
    for m in _DOT_RX.finditer(text):
        out.append(Finding("间隔号", ERROR, m.start(1), m.end(1), f"间隔号误用“{m.group(1)}”", "应为“·”"))
    return out


# -- 8. doubled or clashing punctuation ------------------------------------------------------------

_PUNCT_RX = re.compile(r"([，。、；：])([，。、；：？！])")


def punctuation(text: str) -> list[Finding]:
    out = []
    for m in _PUNCT_RX.finditer(text):
        a, b = m.groups()
        out.append(
            Finding(
                "标点重复",
                ERROR,
                m.start(),
                m.end(),
                f"标点“{a}{b}”连用",
                f"应只留“{b if a in '，、' and b not in '，、' else a}”",
            )
        )
    return out


# -- 9. paired marks ------------------------------------------------------------------------------

_PAIRS = {"“": "”", "《": "》", "（": "）", "〔": "〕", "〈": "〉", "【": "】", "‘": "’"}
_CLOSE = {v: k for k, v in _PAIRS.items()}


def paired(text: str) -> list[Finding]:
    """Paired marks balanced within the paragraph; 《 inside 《》 is 〈〉 (GB/T 15834 §4.15)."""
    out = []
    stack: list[tuple[str, int]] = []
    for i, ch in enumerate(text):
        if ch in _PAIRS:
            if ch == "《" and any(c == "《" for c, _ in stack):
                out.append(Finding("书名号", ERROR, i, i + 1, "书名号内又用了书名号“《”", "内层应用单书名号“〈〉”"))
            stack.append((ch, i))
        elif ch in _CLOSE:
            if stack and stack[-1][0] == _CLOSE[ch]:
                stack.pop()
            elif any(c == _CLOSE[ch] for c, _ in stack):
                while stack and stack[-1][0] != _CLOSE[ch]:
                    c, j = stack.pop()
                    out.append(Finding("标点不成对", ERROR, j, j + 1, f"“{c}”没有配对的“{_PAIRS[c]}”", "请补全或删去"))
                stack.pop()
            else:
                out.append(Finding("标点不成对", ERROR, i, i + 1, f"“{ch}”没有配对的“{_CLOSE[ch]}”", "请补全或删去"))
    for c, j in stack:
        out.append(Finding("标点不成对", ERROR, j, j + 1, f"“{c}”没有配对的“{_PAIRS[c]}”", "请补全或删去"))
    return out


# -- 10. heading numbers typed in the text ----------------------------------------------------------

_HEADING_RX = [
    (re.compile(r"^\s*(\d{1,2})、"), "序号“{0}、”", "三级序号应为“{0}.”"),
    (re.compile(r"^\s*([一二三四五六七八九十]+)[.．]"), "序号“{0}.”", "一级序号应为“{0}、”"),
    (
        re.compile(r"[（(]([一二三四五六七八九十]+)[）)]([、，.．])"),
        "序号“（{0}）{1}”",
        "二级序号后不加标点：“（{0}）”",
    ),
    (re.compile(r"[（(](\d{1,2})[）)]([、，.．])"), "序号“（{0}）{1}”", "四级序号后不加标点：“（{0}）”"),
]


def heading_numbers(text: str) -> list[Finding]:
    out = []
    for rx, what, fix in _HEADING_RX:
        for m in rx.finditer(text):
            g = m.groups()
            out.append(
                Finding(
                    "序号",
                    ERROR,
                    m.start(1) - (1 if "（" in what else 0),
                    m.end(),
                    what.format(*g) + "不合层次序数的写法（GB/T 9704 §7.3.3）",
                    fix.format(*g),
                )
            )
    return out


_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


def _cn_value(s: str) -> int:
    if s == "十":
        return 10
    if "十" in s:
        a, _, b = s.partition("十")
        return (_CN_DIGITS.get(a, 1) if a else 1) * 10 + (_CN_DIGITS.get(b, 0) if b else 0)
    return _CN_DIGITS.get(s, 0)


_LEVEL_RX = [
    (1, re.compile(r"^\s*([一二三四五六七八九十]+)、")),
    (2, re.compile(r"^\s*[（(]([一二三四五六七八九十]+)[）)]")),
    (3, re.compile(r"^\s*(\d{1,3})[.．、]")),
    (4, re.compile(r"^\s*[（(](\d{1,3})[）)]")),
]


def heading_sequence(paragraphs: list[str]) -> list[tuple[int, Finding]]:
    """Typed heading numbers that skip or repeat (一、 then 三、): (paragraph index, finding)."""
    last: dict[int, int] = {}
    out = []
    for k, text in enumerate(paragraphs):
        for level, rx in _LEVEL_RX:
            m = rx.match(text)
            if not m:
                continue
            raw = m.group(1)
            n = int(raw) if raw.isdigit() else _cn_value(raw)
            prev = last.get(level)
            if prev is not None and n != prev + 1 and n != 1:
                kind = "重复" if n == prev else "跳号"
                out.append(
                    (
                        k,
                        Finding(
                            "序号",
                            ERROR,
                            m.start(1),
                            m.end(1),
                            f"序号{kind}：上一个是 {prev}，这里是 {n}",
                            f"应为 {prev + 1}",
                        ),
                    )
                )
            last[level] = n
            for lower in range(level + 1, 5):
                if lower != 3:  # 1. 2. … may run on through the parts
                    last.pop(lower, None)
            break
    return out


# -- 11. 顿号 before 等 / 和 / 或 / 及 / 与 ----------------------------------------------------------

_CONJ = {"等", "等等", "和", "或", "或者", "及", "以及", "与"}


def serial_comma(text: str) -> list[Finding]:
    """GB/T 15834 §4.5: no 顿号 before 等 or before the last conjunction of a series (“A、B、和C”).
    Whether the next character begins such a word (和 not 和平, 及 not 及时) is decided by the word
    segmenter."""
    out = []
    for m in re.finditer(r"、(?=[等和或及与以])", text):
        word = _first_word(text[m.end() : m.end() + 6])
        if word in _CONJ:
            out.append(
                Finding("顿号", ERROR, m.start(), m.end() + len(word), f"“{word}”前不用顿号", f"删去“、”，写作“{word}”")
            )
    return out


def _first_word(s: str) -> str:
    try:
        import rjieba

        words = rjieba.cut(s)
    except ImportError:
        return s[:1]
    return words[0] if words else ""


# -- 12. range connectors and phone numbers --------------------------------------------------------

_YEAR_RANGE_RX = re.compile(r"(?<![\d.])(\d{4})\s*(?:--|-|－|~|～)\s*(\d{4})(?![\d.])")
_DAY_RANGE_RX = re.compile(r"(日|月)\s*(--|-|－|~|～)\s*(?=\d{1,2}[日月])")
_DOUBLE_HYPHEN_RX = re.compile(rf"(?<=[{HAN}\d])--(?=[{HAN}\d])")
_PHONE_RX = re.compile(r"(?<!\d)(0\d{2,3})[—–－](\d{7,8})(?!\d)")


def _quoted_titles(text: str) -> set[int]:
    """Positions inside 《…》: another document's title, quoted as it was issued."""
    inside, depth = set(), 0
    for i, ch in enumerate(text):
        if ch == "《":
            depth += 1
        elif ch == "》":
            depth = max(0, depth - 1)
        elif depth:
            inside.add(i)
    return inside


def ranges(text: str) -> list[Finding]:
    out = []
    quoted = _quoted_titles(text)
    for m in _YEAR_RANGE_RX.finditer(text):
        if re.search(r"[A-Za-z]", text[max(0, m.start() - 8) : m.start()]):
            continue  # GB/T 9704-2012, ISO 9001-2015: the standard's own hyphen
        if m.start() in quoted:
            continue  # 《…三年行动计划（2022-2024）》: the cited document's title as issued
        a, b = m.groups()
        if not (1900 <= int(a) < int(b) <= 2100):
            continue
        out.append(Finding("连接号", WARNING, m.start(), m.end(), "年份范围用了连字符", f"应为一字线“{a}—{b}”"))
    for m in _DAY_RANGE_RX.finditer(text):
        if m.group(2) == "--":
            continue  # one slip, one finding: the “--” below says it
        out.append(
            Finding("连接号", WARNING, m.start(2), m.end(2), f"时间范围用了“{m.group(2)}”", "应为一字线“—”或浪纹线“～”")
        )
    for m in _DOUBLE_HYPHEN_RX.finditer(text):
        out.append(
            Finding(
                "连接号",
                WARNING,
                m.start(),
                m.end(),
                "用两个连字符“--”代替了破折号或连接号",
                "破折号应为“——”，连接号应为“—”",
            )
        )
    for m in _PHONE_RX.finditer(text):
        out.append(
            Finding("电话号码", ERROR, m.start(), m.end(), "电话号码中用了一字线", f"应为“{m.group(1)}-{m.group(2)}”")
        )
    for m in _EXTENSION_RX.finditer(text):
        out.append(
            Finding(
                "电话号码",
                ERROR,
                m.start(),
                m.end(),
                "分机号前用了一字线",
                f"应为“{m.group(1)}-{m.group(2)}”或“{m.group(1)}转{m.group(2)}”",
            )
        )
    for m in _COUNT_RANGE_RX.finditer(text):
        a, b = m.group(1), m.group(2)
        if 1900 <= int(a) <= 2100 and 1900 <= int(b) <= 2100:
            continue  # years: the year-range finding above
        out.append(
            Finding(
                "连接号",
                WARNING,
                m.start(),
                m.end(),
                f"数值范围“{m.group()}”用了连字符",
                f"应为“{a}～{b}”（浪纹线）或“{a}—{b}”（GB/T 15834 §4.13）",
            )
        )
    return out


_EXTENSION_RX = re.compile(r"(?<!\d)(\d{7,8})[—–](\d{2,5})(?!\d)")
_COUNT_RANGE_RX = re.compile(r"(?<![\d.\-A-Za-z])(\d{1,4})-(\d{1,4})(?=[个位名所人次项万亿元%％岁周天级班倍]|小时)")


# -- 13. 别字 (confusables.py) ------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _word_bounds(text: str) -> frozenset[int]:
    """Where words start and end, by the segmenter (rjieba, jieba's dictionary); every position without it."""
    try:
        import rjieba
    except ImportError:
        return frozenset(range(len(text) + 1))
    out, at = {0}, 0
    for w in rjieba.cut(text):
        at += len(w)
        out.add(at)
    return frozenset(out)


@lru_cache(maxsize=1)
def _confusables():
    from .confusables import CONFUSABLES

    return [
        (
            e,
            re.compile(re.escape(e["wrong"])),
            *(re.compile(e[k]) if e.get(k) else None for k in ("after", "unless_after", "before")),
        )
        for e in CONFUSABLES
    ]


def confusable(text: str) -> list[Finding]:
    """A word written with the wrong character (别字, the list in confusables.py): only where it falls on
    the segmenter's word boundaries and its context (after / before) says so."""
    out = []
    for e, rx, after, unless, before in _confusables():
        for m in rx.finditer(text):
            a, b = m.span()
            if after and not after.match(text, b):
                continue
            if unless and unless.match(text, b):
                continue
            if before and not before.search(text[:a]):
                continue
            how = e.get("bounds", "both")
            bounds = _word_bounds(text) if how != "none" else ()
            if (how != "none" and a not in bounds) or (how == "both" and b not in bounds):
                continue
            out.append(Finding("别字", ERROR, a, b, f"“{e['wrong']}”是别字", f"应为“{e['right']}”"))
    return out


# -- 14. an ASCII full stop after Chinese ------------------------------------------------------------


def ascii_stop(text: str) -> list[Finding]:
    """A half-width “.” ending a Chinese sentence (见附件1.): Chinese text takes “。”. Not a list number
    (1. at the start, 附件：1.), not a decimal point, not inside Latin text or an address."""
    out = []
    for m in re.finditer(rf"\.(?=$|[{HAN}“（《])", text):
        before = text[: m.start()]
        if not re.search(rf"[{HAN}][0-9A-Za-z]{{0,3}}$", before):
            continue
        if re.search(r"(?:^|[：:、\s（(])\s*\d{1,3}$", before) or _URL_RX.search(
            text[max(0, m.start() - 40) : m.end() + 1]
        ):
            continue
        out.append(Finding("句号", ERROR, m.start(), m.end(), "中文句末用了半角的“.”", "应为“。”"))
    return out


# -- 15. the full stop and the closing quote ----------------------------------------------------------

# a fragment quoted inside a sentence (做到“应开尽开。”): the stop belongs to the sentence, after the quote
_FRAGMENT_STOP_RX = re.compile(rf"(?<=[{HAN}])“([^“”：:]{{1,30}})。”")
# a whole sentence quoted after a colon (指出：“……”。): its stop inside the quote (GB/T 15834 §5.1.4)
_WHOLE_STOP_RX = re.compile(r"[：:]“([^“”]{8,}[^。！？…”])”。")


def quote_stop(text: str) -> list[Finding]:
    out = []
    for m in _FRAGMENT_STOP_RX.finditer(text):
        out.append(
            Finding(
                "引号",
                WARNING,
                m.end() - 2,
                m.end(),
                "句中引用的词语，句号放在了引号里面",
                "应为“”。”（句号在引号外），或删去引号内的句号",
            )
        )
    for m in _WHOLE_STOP_RX.finditer(text):
        out.append(
            Finding(
                "引号",
                WARNING,
                m.end() - 2,
                m.end(),
                "冒号后完整引用的一句话，句号放在了引号外面",
                "应为“。””（句号在引号内）",
            )
        )
    return out


TEXT_RULES = [
    traditional,
    english_word,
    doubled,
    doc_number,
    dates,
    halfwidth,
    lookalikes,
    punctuation,
    paired,
    heading_numbers,
    serial_comma,
    ranges,
    confusable,
    ascii_stop,
    quote_stop,
]


def check_text(text: str) -> list[Finding]:
    """Every text rule over one paragraph, in text order."""
    out = []
    for rule in TEXT_RULES:
        out += rule(text)
    return sorted(out, key=lambda f: (f.start, f.rule))
