"""Lines: measuring text in the embedded fonts and breaking paragraphs into justified grid lines.

* every line holds 28 cells of 156 mm / 28; a full-width character takes one cell, Latin letters and
  digits take their own advance (measured from the very font file the PDF embeds);
* 避头尾 (kinsoku): ，。、；：？！”）》 … never start a line and “（《 never end one; a closing mark that
  would start the next line is kept on its line by tightening that line (标点挤压) instead;
* every line but a paragraph's last is justified to the full 156 mm (per-line letter-spacing).
"""

from __future__ import annotations

import functools
import itertools
import math
import unicodedata
from dataclasses import replace

from ..fonts import FontSet
from ..house import House
from ..model import FootnoteRef, Inline, Text
from .boxes import EPS, NOEND, NOSTART, Line, Run, Style
from .metrics import Metrics, metrics_for


WEASYPRINT_DRIFT_EM = 0.0005  # half of the 1/1000 em WeasyPrint may add to each glyph of a tightened line

# where a character the role's font lacks is drawn from: named here, measured here and written into the
# PDF as that font, so that no glyph is left to an unmeasured fallback
FALLBACK_ROLES = ("songti", "heiti", "xiaobiaosong", "kaiti", "fangsong")


@functools.lru_cache(maxsize=4096)
def zero_width(ch: str) -> bool:
    """Combining marks, format characters and variation selectors: drawn on the character before them."""
    o = ord(ch)
    return unicodedata.category(ch) in ("Mn", "Me", "Cf") or 0xFE00 <= o <= 0xFE0F or 0xE0100 <= o <= 0xE01EF


@functools.lru_cache(maxsize=4096)
def latin(ch: str) -> bool:
    """Letters, digits and marks of alphabetic scripts (Bǎoshān, 2025, e-mail): kept together as words."""
    if ch.isspace():
        return False
    return ch.isascii() or (ord(ch) < 0x2E80 and unicodedata.category(ch)[0] in "LMN")


TITLE_SEARCH_LIMIT = 200_000  # ways of cutting a title weighed at most (a 60-character title needs a few hundred)
DANGLING = {"的", "和", "与", "及", "或", "并", "对", "在", "关于"}
# names of the genre and of plans that the word segmenter cuts in two (行动 / 方案): a title never breaks inside
TITLE_COMPOUNDS = {
    "行动方案",
    "工作方案",
    "实施方案",
    "推进方案",
    "建设方案",
    "评估方案",
    "三年行动方案",
    "行动计划",
    "工作计划",
    "实施计划",
    "三年行动计划",
    "工作要点",
    "工作意见",
    "实施意见",
    "指导意见",
    "若干意见",
    "实施细则",
    "管理办法",
    "暂行办法",
    "实施办法",
    "考核办法",
    "专项规划",
    "发展规划",
    "工作规划",
    "工作规则",
    "工作制度",
    "工作总结",
    "工作报告",
    "项目清单",
    "任务清单",
    "责任清单",
    "行动纲要",
    "指导纲要",
    "管理规定",
    "暂行规定",
    "工作指引",
    "工作指南",
    "操作指南",
    "重点项目",
}
_OPENING = set("“‘（《〈「『【〔([{")
_CLOSING = set("，。、；：？！”’）》〉」』】〕…,.;:!?)]}")


def title_words(text: str) -> list[str]:
    """The words of a title, where it may break: a Chinese word segmenter's words (rjieba, the Rust port
    of jieba with its dictionary), opening marks joined to the next word and closing marks to the word
    before. Without the segmenter every character is a word."""
    try:
        import rjieba

        words = list(rjieba.cut(text))
    except ImportError:
        words = list(text)
    out: list[str] = []
    pending = ""
    for w in words:
        if all(ch in _OPENING for ch in w):
            pending += w
            continue
        w = pending + w
        pending = ""
        if out and all(ch in _CLOSING for ch in w):
            out[-1] += w
        elif out and (w[0].isascii() and w[0].isalnum() and out[-1][-1].isascii() and out[-1][-1].isalnum()):
            out[-1] += w  # 2024 + 年 are separate words; digits and Latin stay together
        else:
            out.append(w)
    if pending:
        out.append(pending)
    merged = True
    while merged:  # 行动 + 方案 → 行动方案, then 三年 + 行动方案 → 三年行动方案
        merged = False
        for k in range(len(out) - 1):
            core = (out[k] + out[k + 1]).strip("".join(_OPENING | _CLOSING))
            if core in TITLE_COMPOUNDS:
                out[k : k + 2] = [out[k] + out[k + 1]]
                merged = True
                break
    return out


class LineBreaker:
    """Measures and breaks text for one document (the base of the Composer)."""

    max_squeeze = 1  # closing marks kept on a full line by tightening it

    def __init__(self, house: House, fonts: FontSet):
        self.h = house
        self.fonts = fonts
        self.P = house.pitch
        self.W = house.type_width
        self.H = house.type_height
        self.S = house.body_size
        self.cell = house.cell
        self.ls_grid = self.cell - self.S  # −0.21 pt: 28 characters of 16 pt in 156 mm
        sizes = house["sizes_pt"]
        self.body = Style("fangsong", self.S)
        lead = house["body"]["item_lead_style"]
        self.lead = {
            "plain": self.body,
            "bold": Style("fangsong", self.S, bold=True),
            "kai": Style("kaiti", self.S),
            "hei": Style("heiti", self.S),
        }.get(lead, self.body)
        self.call = Style("fangsong", float(sizes["footnote_call"]), call=True)
        self.fn = Style("fangsong", float(sizes["footnote"]))
        self._roles: dict[tuple[str, str], str] = {}
        self._metrics: dict[str, Metrics] = {}
        self._em: dict[tuple[str, str], float] = {}  # (character, role) → advance in em, fallback included

    # -- measuring -------------------------------------------------------------------------------
    def metrics(self, role: str) -> Metrics:
        m = self._metrics.get(role)
        if m is None:
            face = self.fonts[role].face
            m = self._metrics[role] = metrics_for(face.file, face.index, self.fonts.config_file.parent)
        return m

    def role_for(self, ch: str, role: str) -> str:
        """The role whose font draws `ch`: the style's own, else the first fallback role that has it."""
        key = (ch, role)
        got = self._roles.get(key)
        if got is None:
            got = role
            if not zero_width(ch) and not self.metrics(role).has(ch):
                got = next(
                    (r for r in FALLBACK_ROLES if r != role and r in self.fonts.roles and self.metrics(r).has(ch)), role
                )
            self._roles[key] = got
        return got

    def adv(self, ch: str, st: Style) -> float:
        key = (ch, st.role)
        em = self._em.get(key)
        if em is None:
            em = self._em[key] = 0.0 if zero_width(ch) else self.metrics(self.role_for(ch, st.role)).advance(ch)
        return em * st.size

    def drawn_runs(self, runs: list[Run]) -> list[Run]:
        """Runs split where a character is drawn from a fallback font (its style names that font)."""
        out: list[Run] = []
        for r in runs:
            for ch in r.text:
                st = r.style
                if not zero_width(ch):
                    role = self.role_for(ch, st.role)
                    if role != st.role:
                        st = replace(st, role=role, bold=False)
                elif out:
                    st = out[-1].style  # a combining mark stays with its base
                if out and out[-1].style == st:
                    out[-1].text += ch
                else:
                    out.append(Run(ch, st))
        return out

    @staticmethod
    def clusters(runs: list[Run]) -> int:
        """Characters that take a place on the line (letter-spacing falls between these)."""
        return sum(1 for r in runs for ch in r.text if not zero_width(ch))

    def natural_width(self, runs: list[Run]) -> float:
        return sum(self.adv(ch, r.style) for r in runs for ch in r.text)

    def ascent(self, st: Style) -> float:
        """Distance from a line box top to the baseline when line-height = (ascent + descent) · size."""
        m = self.metrics(st.role)
        return m.ascent * st.size

    def box_height(self, st: Style) -> float:
        m = self.metrics(st.role)
        return (m.ascent + m.descent) * st.size

    # -- line breaking ---------------------------------------------------------------------------
    def break_runs(self, runs: list[Run], first_avail: float, rest_avail: float, ls: float) -> list[list[Run]]:
        """Greedy Word-like line breaking with 避头尾 and one squeezed closing mark per line."""
        atoms = [(ch, r.style) for r in runs for ch in r.text]
        tokens: list[list[int]] = []  # atom indices
        for i, (ch, st) in enumerate(atoms):
            prev = atoms[i - 1] if i else None
            glue = prev is not None and (
                st.call
                or zero_width(ch)  # a combining mark or variation selector stays with its base
                or (latin(ch) and latin(prev[0]) and not prev[1].call)
                or (ch in "—…" and prev[0] == ch)  # —— and …… are never split
                # a single 连接号 (2025—2027年) neither starts nor ends a line: it joins its neighbours
                or (ch == "—" and prev[0] != "—" and not (i + 1 < len(atoms) and atoms[i + 1][0] == "—"))
                or (prev[0] == "—" and ch != "—" and not (i >= 2 and atoms[i - 2][0] == "—"))
            )
            if glue and tokens:
                tokens[-1].append(i)
            else:
                tokens.append([i])
        width = [0.0 if zero_width(ch) else self.adv(ch, st) + ls for ch, st in atoms]
        # a Latin word or URL wider than a line is broken anywhere, character by character
        narrow = min(first_avail, rest_avail)
        split: list[list[int]] = []
        for tok in tokens:
            if len(tok) > 1 and sum(width[i] for i in tok) > narrow:
                split.extend([i] for i in tok)
            else:
                split.append(tok)
        tokens = split

        def tw(tok):
            return sum(width[i] for i in tok)

        def nostart(tok):
            return atoms[tok[0]][0] in NOSTART or atoms[tok[0]][1].call

        def noend(tok):
            return atoms[tok[-1]][0] in NOEND

        def space(tok):
            return atoms[tok[0]][0].isspace()

        lines: list[list[list[int]]] = []
        cur: list[list[int]] = []
        w, avail, squeezed = 0.0, first_avail, 0
        for tok in tokens:
            if not cur and space(tok):
                continue
            t = tw(tok)
            if w + t <= avail + EPS:
                cur.append(tok)
                w += t
                continue
            if nostart(tok) and squeezed < self.max_squeeze and cur and len(tok) == 1:
                cur.append(tok)  # 标点挤压: keep the closing mark, tighten the line
                w += t
                squeezed += 1
                continue
            carry = [tok]
            while cur and nostart(carry[0]):
                carry.insert(0, cur.pop())
            while cur and noend(cur[-1]):
                carry.insert(0, cur.pop())
            if not cur:  # nothing can be moved: break anyway
                cur, carry = carry[:-1], carry[-1:]
            if not cur:  # a single token wider than the line: it stands on a line of its own
                cur, carry = carry, []
            while cur and space(cur[-1]):
                cur.pop()
            lines.append(cur)
            cur = [c for c in carry if not (c is carry[0] and space(c))]
            w = sum(tw(c) for c in cur)
            avail, squeezed = rest_avail, 0
        while cur and space(cur[-1]):
            cur.pop()
        if cur or not lines:
            lines.append(cur)
        lines = [ln for ln in lines if ln] or [[]]

        out = []
        for line in lines:
            runs_out: list[Run] = []
            for tok in line:
                for i in tok:
                    ch, st = atoms[i]
                    if runs_out and runs_out[-1].style == st:
                        runs_out[-1].text += ch
                    else:
                        runs_out.append(Run(ch, st))
            out.append(runs_out)
        return out

    def paragraph_lines(
        self,
        runs: list[Run],
        indent_first: float,
        indent_rest: float = 0.0,
        avail: float | None = None,
        ls: float | None = None,
        kind: str = "body",
        justify: bool = True,
    ) -> list[Line]:
        """Break a paragraph and return its lines (baseline not yet set)."""
        avail = self.W if avail is None else avail
        ls = self.ls_grid if ls is None else ls
        broken = self.break_runs(runs, avail - indent_first, avail - indent_rest, ls)
        lines = []
        for k, rl in enumerate(broken):
            indent = indent_first if k == 0 else indent_rest
            n = self.clusters(rl)
            nat = self.natural_width(rl)
            last = k == len(broken) - 1
            grid_width = nat + ls * max(n - 1, 0)
            if n > 1 and ((justify and not last) or grid_width > avail - indent + EPS):
                s = (avail - indent - nat) / (n - 1)  # justify, or tighten a line holding a squeezed mark
                if s < 0:
                    # WeasyPrint writes each glyph's position adjustment truncated to a whole 1/1000 em
                    # (int() in draw_first_line): a tightened line drifts right by up to that much a
                    # glyph. Aim at the middle of the drift so the line ends on the margin.
                    s -= WEASYPRINT_DRIFT_EM * max(r.style.size for r in rl)
            else:
                s = ls
            width = nat + s * max(n - 1, 0)
            fns = [r for r in rl if r.style.call]
            lines.append(Line(rl, indent, 0.0, s, width, kind, footnotes=[ch for r in fns for ch in r.text]))
        return lines

    def inline_runs(self, inlines: list[Inline], st: Style) -> list[Run]:
        runs: list[Run] = []
        for x in inlines:
            if isinstance(x, Text):
                runs.append(Run(x.text, st))
            elif isinstance(x, FootnoteRef):
                runs.append(Run(x.mark, self.call))
        return runs

    def centered(self, text: str, st: Style, ls: float = 0.0, kind: str = "center") -> Line:
        runs = [Run(text, st)]
        width = self.natural_width(runs) + ls * max(self.clusters(runs) - 1, 0)
        return Line(runs, (self.W - width) / 2, 0.0, ls, width, kind)

    # -- the document ----------------------------------------------------------------------------

    def title_lines(self, given: list[str], st: Style) -> list[str]:
        """Title lines: as the author broke them; a line too long for the 版心 is broken between words
        (GB/T 9704 §7.3.1: 回行时要做到词意完整，排列对称，长短适宜，间距恰当，梯形或菱形)."""
        out = []
        for t in given:
            if self.natural_width([Run(t, st)]) <= self.W + EPS:
                out.append(t)
            else:
                out += self.balanced_title(t, st)
        return out

    def balanced_title(self, text: str, st: Style) -> list[str]:
        """The fewest lines that fit, breaking only between words (a Chinese word segmenter's words, with
        punctuation kept on the proper side), shaped as a trapezoid (each line no longer than the one
        above) or, from three lines, a diamond, and as even as the words allow."""
        words = title_words(text)
        widths = [self.natural_width([Run(w, st)]) for w in words]
        if any(w > self.W + EPS for w in widths):  # a word longer than a line (a URL…): fill the lines
            broken = self.break_runs([Run(text, st)], self.W, self.W, 0.0)
            return ["".join(r.text for r in rl) for rl in broken]
        total = sum(widths)
        best = None
        for n in range(2, len(words) + 1):
            if math.comb(len(words) - 1, n - 1) > TITLE_SEARCH_LIMIT:
                # an extraordinarily long title: weighing every way of cutting it would take hours;
                # fill the lines instead, still breaking only between words
                return self._filled_title(words, widths)
            target = total / n
            for cuts in itertools.combinations(range(1, len(words)), n - 1):
                bounds = (0, *cuts, len(words))
                lines = [sum(widths[a:b]) for a, b in zip(bounds, bounds[1:])]
                if max(lines) > self.W + EPS:
                    continue
                cost = sum((w - target) ** 2 for w in lines)
                # trapezoid (lines shortening downwards) or diamond (widening to the longest, then shortening)
                top = 0 if n == 2 else lines.index(max(lines))
                cost += 4 * sum(max(0.0, lines[i] - lines[i + 1]) ** 2 for i in range(top))
                cost += 4 * sum(max(0.0, lines[i + 1] - lines[i]) ** 2 for i in range(top, n - 1))
                if n >= 3 and lines[-1] > max(lines[:-1]) + st.size / 2:
                    cost += 1e6 * (lines[-1] - max(lines[:-1]))  # widest at the foot: neither shape (§7.3.1)
                for a in bounds[1:-1]:
                    if words[a - 1] in DANGLING:
                        cost += (2 * st.size) ** 2  # a line ending in 的 / 和 / 及 …
                if best is None or cost < best[0]:
                    best = (cost, bounds)
            if best is not None:
                break
        bounds = best[1]
        return ["".join(words[a:b]) for a, b in zip(bounds, bounds[1:])]

    def _filled_title(self, words: list[str], widths: list[float]) -> list[str]:
        lines, cur, w = [], "", 0.0
        for word, ww in zip(words, widths):
            if cur and w + ww > self.W + EPS:
                lines.append(cur)
                cur, w = "", 0.0
            cur += word
            w += ww
        return lines + [cur]

    def grid_baseline(self, box_top: float, st: Style, pitch: float | None = None) -> float:
        """Baseline that centres the ideographic em box (0.88 / 0.12 em) in a grid line."""
        pitch = self.P if pitch is None else pitch
        return box_top + pitch / 2 + 0.38 * st.size

    # -- pages -----------------------------------------------------------------------------------
