"""Glyph advances and vertical metrics of the font files the PDF embeds.

An advance is what HarfBuzz gives the character when it shapes it the way Pango will in the PDF: in
Chinese (`lang="zh-CN"`), so that a CJK font's localised forms apply (Noto Sans CJK's — is 0.894 em in
its default form and 1 em in its Chinese one), with kerning and ligatures off as the CSS sets them.
Without uharfbuzz the advance is read from the font's hmtx table (fontTools)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path

import unicodedata

from fontTools.ttLib import TTFont

try:
    import uharfbuzz as hb
except ImportError:  # measured from hmtx instead (same for nearly every character)
    hb = None

FEATURES = {"kern": False, "liga": False, "clig": False}


def _shape_script(ch: str) -> str | None:
    """The script Pango gives a character inside Chinese text: letters keep their own, punctuation and
    digits (script Common) take the surrounding Han."""
    if unicodedata.category(ch)[0] == "L" and ord(ch) < 0x2E80:
        return None  # HarfBuzz guesses (Latin, Greek, Cyrillic…)
    return "Hani"


class Metrics:
    """Glyph advances (em) and vertical metrics of one font face.

    Read with fontTools on first use. Parsing the cmap and hmtx of a 65,000-glyph CJK font costs
    ~0.15 s, so the advances of the characters a build used are kept in a small JSON file next to the
    fontconfig cache and reused while the font file is unchanged.
    """

    def __init__(self, file: str, index: int, cache_dir: Path | None = None):
        self.file, self.index = file, index
        self.missing: set[str] = set()
        self._font = None
        self._hb = None
        self._dirty = False
        self.cache_file = None
        data = None
        if cache_dir is not None:
            st = os.stat(file)
            how = "hb-zh" if hb is not None else "hmtx"
            key = hashlib.sha256(f"{file}|{index}|{st.st_size}|{st.st_mtime_ns}|{how}".encode()).hexdigest()[:16]
            self.cache_file = cache_dir / f"metrics-{key}.json"
            try:
                data = json.loads(self.cache_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = None
        if data:
            self.ascent, self.descent = data["ascent"], data["descent"]
            self.adv: dict[str, float | None] = data["adv"]
        else:
            font = self._load()
            hhea = font["hhea"]
            self.ascent = hhea.ascent / self.upm
            self.descent = -hhea.descent / self.upm
            self.adv = {}
            self._dirty = True

    def _load(self):
        if self._font is None:
            self._font = TTFont(self.file, fontNumber=self.index, lazy=True)
            self.upm = self._font["head"].unitsPerEm
            self.cmap = self._font.getBestCmap()
            self.hmtx = self._font["hmtx"]
        return self._font

    def _lookup(self, ch: str) -> float | None:
        """Advance of `ch` in em, None if the face has no glyph for it (cached either way)."""
        a = self.adv.get(ch, -1.0)
        if a == -1.0:
            self._load()
            gid = self.cmap.get(ord(ch))
            a = None if gid is None else self._shaped(ch, gid)
            self.adv[ch] = a
            self._dirty = True
        return a

    def _shape(self, text: str, script: str | None = None) -> float:
        """Width in em of `text` shaped by HarfBuzz in Chinese (zh-cn), the script guessed unless given."""
        if self._hb is None:
            face = hb.Face(hb.Blob.from_file_path(self.file), self.index)
            self._hb = (hb.Font(face), face.upem)
        font, upem = self._hb
        buf = hb.Buffer()
        buf.add_str(text)
        buf.guess_segment_properties()
        buf.language = "zh-cn"
        if script:
            buf.script = script
        hb.shape(font, buf, FEATURES)
        return sum(p.x_advance for p in buf.glyph_positions) / upem

    def _shaped(self, ch: str, gid: int) -> float:
        if hb is None:
            return self.hmtx[gid][0] / self.upm
        return self._shape(ch, _shape_script(ch))

    def string_width(self, text: str) -> float:
        """Width in em of `text` shaped as one run whose script HarfBuzz guesses, as Pango shapes a line of
        only digits, spaces and dashes (“— 17 —”: no Han around it, so the dash keeps its default,
        proportional glyph, where beside Han it takes the full-width one)."""
        if hb is None:
            return sum(self.advance(ch) for ch in text)
        return self._shape(text)

    def advance(self, ch: str) -> float:
        a = self._lookup(ch)
        if a is None:
            self.missing.add(ch)
            return 0.5 if ord(ch) < 0x2E80 else 1.0
        return a

    def has(self, ch: str) -> bool:
        """Whether the face has a glyph for `ch` (without counting it as missing)."""
        return self._lookup(ch) is not None

    def save(self) -> None:
        if self._dirty and self.cache_file is not None:
            try:
                tmp = self.cache_file.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_text(
                    json.dumps({"ascent": self.ascent, "descent": self.descent, "adv": self.adv}, ensure_ascii=False),
                    encoding="utf-8",
                )
                tmp.replace(self.cache_file)
                self._dirty = False
            except OSError:
                with contextlib.suppress(OSError):  # a full disk: no half-written temporary left
                    tmp.unlink()
                # a cache that cannot be written only costs time


_METRICS: dict[tuple, Metrics] = {}


def metrics_for(file: str, index: int, cache_dir: Path | None = None) -> Metrics:
    key = (file, index, cache_dir)
    if key not in _METRICS:
        _METRICS[key] = Metrics(file, index, cache_dir)
    return _METRICS[key]


def save_metrics() -> None:
    for m in _METRICS.values():
        m.save()
