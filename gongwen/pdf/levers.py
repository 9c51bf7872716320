"""Speed and memory levers that reach into WeasyPrint's private internals, each one guarded.

WeasyPrint stays the PDF engine; these only stop it paying for what a build does not use. Each lever:

* is applied only to the WeasyPrint versions it was tested with (TESTED); any other version renders as
  WeasyPrint ships, slower but the same;
* checks that every private name it touches is there, and leaves WeasyPrint untouched otherwise;
* leaves the PDF byte for byte the same (tests/test_speed.py builds with and without the levers).

`applied()` says which levers are active (the benchmark prints it).
"""

from __future__ import annotations

import sys

TESTED = ("70.",)  # WeasyPrint versions the levers were measured and tested with

_applied: dict[str, bool] = {}


def applied() -> dict[str, bool]:
    return dict(_applied)


def install() -> dict[str, bool]:
    """Apply every lever once (after `import weasyprint`)."""
    if _applied:
        return applied()
    try:
        import weasyprint
        version = getattr(weasyprint, "__version__", "")
    except ImportError:
        return {}
    tested = version.startswith(TESTED)
    for name, lever in (("lazy_font_files", _lazy_font_files), ("subset_memo", _subset_memo)):
        ok = False
        if tested:
            try:
                ok = lever()
            except Exception:  # an internal that changed shape: leave WeasyPrint as it is
                ok = False
        _applied[name] = ok
    return applied()


def _lazy_font_files() -> bool:
    """Do not copy whole font files into Python.

    WeasyPrint's Font copies the face's entire file (Noto Serif CJK: 27 MB) into a bytes object when it
    first meets a font, although with HarfBuzz subsetting only the subset is ever embedded: with four CJK
    faces that is ~90 MB of copies, and every page of the mapped files made resident — most of a build's
    peak memory. Here `Font.file_content` is read from the face only when something asks for the whole
    file (the fontTools fallbacks for variable, colour or bitmap fonts still get it)."""
    fm = sys.modules.get("weasyprint.pdf.fonts")
    if fm is None:
        import weasyprint.pdf.fonts as fm
    Font, get = getattr(fm, "Font", None), getattr(fm, "get_hb_object_data", None)
    init = getattr(Font, "__init__", None)
    if Font is None or get is None or not hasattr(init, "__code__") or "file_content" in vars(Font):
        return False
    code = init.__code__
    if "get_hb_object_data" not in code.co_names:
        return False
    deferred = object()

    def get_hb_object_data(hb_object, *args, **kwargs):
        if not args and not kwargs and sys._getframe(1).f_code is code:
            return deferred  # the whole-file copy in Font.__init__: made on demand instead
        return get(hb_object, *args, **kwargs)

    class FileContent:
        """The face's file, copied the first time it is asked for; a subset replaces it."""

        def __get__(self, font, owner=None):
            if font is None:
                return self
            value = font.__dict__.get("_gongwen_file_content", deferred)
            if value is deferred:
                value = font.__dict__["_gongwen_file_content"] = get(font.hb_face)
            return value

        def __set__(self, font, value):
            font.__dict__["_gongwen_file_content"] = value

    Font.file_content = FileContent()
    fm.get_hb_object_data = get_hb_object_data
    return True


_SUBSETS: dict[tuple, bytes] = {}


def _stored(font):
    d = font.__dict__
    return d.get("_gongwen_file_content", d.get("file_content"))


def _subset_memo() -> bool:
    """Reuse a font subset while the glyphs are the same (watch mode rebuilds after each save: an edit
    seldom brings a new character, and HarfBuzz subsetting a CJK face costs ~20 ms). Keyed by the face
    (file hash as WeasyPrint names it, its index and glyph count), the glyph set and the flags."""
    fm = sys.modules.get("weasyprint.pdf.fonts")
    if fm is None:
        import weasyprint.pdf.fonts as fm
    Font = getattr(fm, "Font", None)
    original = getattr(Font, "_harfbuzz_subset", None)
    if original is None or getattr(original, "_gongwen", False):
        return False

    def _harfbuzz_subset(self, to_unicode, hinting):
        key = (self.hash, self.index, self.glyph_count, tuple(sorted(to_unicode)), bool(hinting),
               tuple(sorted(self.missing)))
        hit = _SUBSETS.get(key)
        if hit is not None:
            self.file_content = hit
            return
        before = _stored(self)
        original(self, to_unicode, hinting)
        after = _stored(self)  # (not self.file_content: that would copy a whole file the subset did not replace)
        if after is not before and isinstance(after, bytes):
            if len(_SUBSETS) > 64:
                _SUBSETS.clear()
            _SUBSETS[key] = after

    _harfbuzz_subset._gongwen = True
    Font._harfbuzz_subset = _harfbuzz_subset
    return True
