"""Font roles (小标宋, 仿宋, 黑体, 楷体, 宋体) → the font file that actually serves each one.

Each role has a list of families in styles/house.yaml: the official names first (方正小标宋简体,
仿宋_GB2312, …), open fonts after. The first family found wins. Fonts are looked up with fontconfig in
the system folders plus: folders named by --font-dir / GONGWEN_FONT_DIR, the project's `fonts/` folder
(licensed fonts that must never be committed), and TeX Live's Fandol folder (FandolFang is the only
packaged simplified-Chinese 仿宋, and it is not on fontconfig's path by default).

The same fontconfig file is handed to WeasyPrint (through FONTCONFIG_FILE), so the family the build
reports is the family the PDF embeds, and the layout measures glyph advances from that same file.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape as _esc

from .errors import BuildError

ROLE_ZH = {"xiaobiaosong": "小标宋", "fangsong": "仿宋", "heiti": "黑体", "kaiti": "楷体", "songti": "宋体"}
FANDOL_DIR = Path("/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol")
PROJECT_FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
OPEN_FAMILIES = ("noto", "fandol", "lxgw", "ar pl", "wenquanyi")


@dataclass
class FontFace:
    """One face as fontconfig lists it."""

    families: tuple[str, ...]
    style: str
    weight: int  # fontconfig weight (80 regular, 200 bold, 210 black)
    file: str
    index: int

    @property
    def css_weight(self) -> int:
        w = self.weight
        return 400 if w <= 80 else 500 if w <= 100 else 600 if w <= 180 else 700 if w <= 200 else 900


@dataclass
class ResolvedFont:
    role: str
    wanted: str  # the entry of the role list that matched
    face: FontFace
    official: bool

    @property
    def family(self) -> str:
        return self.face.families[0]

    def describe(self) -> str:
        kind = "正式字体" if self.official else "开源替代字体"
        return f"{ROLE_ZH[self.role]}：{self.wanted}（{kind}，{self.face.file}）"


@dataclass
class FontSet:
    roles: dict[str, ResolvedFont]
    config_file: Path
    role_lists: dict[str, list[str]] = field(default_factory=dict)

    def __getitem__(self, role: str) -> ResolvedFont:
        return self.roles[role]

    def alias_config(self) -> Path:
        """A fontconfig file that also maps every official name of a role (仿宋_GB2312, 方正小标宋简体, …)
        to the font that serves the role here, so that LibreOffice renders the DOCX with the same fonts
        as the PDF instead of substituting silently."""
        rules = []
        for role, rf in self.roles.items():
            for entry in self.role_lists.get(role, []):
                name = entry.split(":")[0]
                if name.casefold() in (f.casefold() for f in rf.face.families):
                    continue
                style = ""
                if rf.face.css_weight >= 700:
                    style = '\n    <edit name="weight" mode="assign" binding="strong"><const>bold</const></edit>'
                rules.append(
                    f'  <match target="pattern"><test name="family" compare="eq"><string>{_esc(name)}</string></test>\n'
                    f'    <edit name="family" mode="assign" binding="strong"><string>{_esc(rf.family)}</string></edit>'
                    f"{style}\n  </match>"
                )
        path = self.config_file.with_name("fonts-aliases.conf")
        text = (
            '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
            f'  <include ignore_missing="yes">{_esc(str(self.config_file))}</include>\n'
            + "\n".join(rules)
            + "\n</fontconfig>\n"
        )
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)
        return path


def font_dirs(extra: list[Path] | None = None) -> list[Path]:
    dirs = list(extra or [])
    env = os.environ.get("GONGWEN_FONT_DIR", "")
    dirs += [Path(p) for p in env.split(os.pathsep) if p]
    dirs += [PROJECT_FONT_DIR, FANDOL_DIR]
    return [d.resolve() for d in dirs if d.is_dir()]


def write_fontconfig(dirs: list[Path], cache_root: Path) -> Path:
    """A fontconfig file: the system configuration plus our folders, cached under cache_root."""
    body = "\n".join(f"  <dir>{_esc(str(d))}</dir>" for d in dirs)
    key = hashlib.sha256(body.encode()).hexdigest()[:12]
    conf_dir = cache_root / f"fontconfig-{key}"
    conf = conf_dir / "fonts.conf"
    if not conf.exists():
        conf_dir.mkdir(parents=True, exist_ok=True)
        tmp = conf.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(
            '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
            '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
            f"{body}\n  <cachedir>{_esc(str(conf_dir / 'cache'))}</cachedir>\n</fontconfig>\n",
            encoding="utf-8",
        )
        tmp.replace(conf)
    return conf


@lru_cache(maxsize=4)
def list_faces(config_file: str) -> tuple[FontFace, ...]:
    if not shutil.which("fc-list"):
        raise BuildError(
            "找不到 fc-list：请安装 fontconfig（sudo apt-get install fontconfig），或运行 scripts/setup.sh"
        )
    env = dict(os.environ, FONTCONFIG_FILE=config_file)
    out = subprocess.run(
        ["fc-list", "--format", "%{family}\t%{style}\t%{weight}\t%{index}\t%{file}\n"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    faces = []
    for row in out.splitlines():
        parts = row.split("\t")
        if len(parts) != 5:
            continue
        fam, style, weight, index, file = parts
        try:
            faces.append(
                FontFace(
                    tuple(f.strip() for f in fam.split(",")),
                    style.split(",")[0],
                    int(float(weight or 80)),
                    file,
                    int(index or 0),
                )
            )
        except ValueError:
            continue
    faces.sort(key=lambda f: (f.file, f.index))
    return tuple(faces)


def _match(entry: str, faces: tuple[FontFace, ...]) -> FontFace | None:
    family, _, style = entry.partition(":")
    fam = family.strip().casefold()
    cands = [f for f in faces if fam in (x.casefold() for x in f.families)]
    if not cands:
        return None
    if style:
        st = style.strip().casefold()
        cands = [f for f in cands if f.style.casefold() == st]
        return cands[0] if cands else None
    regular = [f for f in cands if f.weight == 80 or f.style.casefold() in ("regular", "book", "r")]
    return (regular or cands)[0]


SAMPLE_GLYPHS = "国永文"  # characters every face of every role draws: their outlines must not be empty


def _draws(face: FontFace, cache_root: Path) -> bool:
    """Whether the face's glyphs for SAMPLE_GLYPHS have outlines: a file whose names and metrics are
    intact but whose glyph data is empty or broken would print invisible text. The answer is kept in
    cache_root (JSON, keyed by file, size and time) so that a build reads each font file once."""
    import json

    try:
        st = os.stat(face.file)
    except OSError:
        return False
    key = hashlib.sha256(f"{face.file}|{face.index}|{st.st_size}|{st.st_mtime_ns}".encode()).hexdigest()[:16]
    memo = cache_root / f"draws-{key}.json"
    try:
        return bool(json.loads(memo.read_text(encoding="utf-8"))["draws"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    ok = False
    try:
        from fontTools.pens.boundsPen import BoundsPen
        from fontTools.ttLib import TTFont

        font = TTFont(face.file, fontNumber=face.index, lazy=True)
        cmap = font.getBestCmap() or {}
        names = [cmap[ord(c)] for c in SAMPLE_GLYPHS if ord(c) in cmap]
        glyphs = font.getGlyphSet()
        drawn = 0
        for name in names:
            pen = BoundsPen(glyphs)
            glyphs[name].draw(pen)
            drawn += pen.bounds is not None and pen.bounds[2] > pen.bounds[0] and pen.bounds[3] > pen.bounds[1]
        ok = bool(names) and drawn == len(names)
    except Exception:  # a file fontTools cannot read is not one to print with
        ok = False
    try:
        memo.write_text(json.dumps({"draws": ok}), encoding="utf-8")
    except OSError:
        pass
    return ok


def resolve_fonts(role_lists: dict[str, list[str]], cache_root: Path, extra_dirs: list[Path] | None = None) -> FontSet:
    conf = write_fontconfig(font_dirs(extra_dirs), cache_root)
    faces = list_faces(str(conf))
    roles, missing = {}, []  # missing: roles no installed font serves
    refused: set[str] = set()
    for role, entries in role_lists.items():
        for entry in entries:
            face = _match(entry, faces)
            if face and not _draws(face, conf.parent):
                if face.file not in refused:
                    refused.add(face.file)
                    import sys

                    print(
                        f"警告：字体文件 {face.file} 的字形是空的或无法读取（文件可能已损坏），没有使用它，"
                        f"改用下一个{ROLE_ZH.get(role, role)}字体",
                        file=sys.stderr,
                        flush=True,
                    )
                continue
            if face:
                official = not any(o in face.families[0].casefold() for o in OPEN_FAMILIES)
                roles[role] = ResolvedFont(role, entry, face, official)
                break
        else:
            missing.append(role)
    if missing:
        names = "、".join(ROLE_ZH.get(r, r) for r in missing)
        raise BuildError(
            f"找不到{names}字体。请运行 scripts/setup.sh 安装开源字体（fonts-noto-cjk、texlive-lang-chinese 等），"
            f"或把正式字体文件放进 fonts/ 目录、用 --font-dir 指定字体目录。"
        )
    return FontSet(roles, conf, {r: list(v) for r, v in role_lists.items()})


def check_coverage(doc, fonts: FontSet) -> None:
    """Refuse characters that no installed font can draw: they would print as empty boxes (豆腐块).

    Characters the role fonts lack but another font has are drawn by that font (a warning says so);
    only characters that no font at all covers stop the build, with the file, line and field."""
    from .errors import ContentError, Problem
    from .layout import metrics_for

    # the body font first: it holds nearly every character, so the other faces are rarely opened
    ordered = sorted(fonts.roles.values(), key=lambda rf: rf.role != "fangsong")
    role_faces = [metrics_for(rf.face.file, rf.face.index, fonts.config_file.parent) for rf in ordered]
    uncovered: dict[str, bool] = {}
    problems = []
    for path, line, field_name, text in getattr(doc, "texts", []):
        bad = []
        for ch in dict.fromkeys(text):
            if ch.isspace() or unicodedata.category(ch) in ("Cf", "Mn", "Me"):
                continue
            if ch not in uncovered:
                uncovered[ch] = not any(m.has(ch) for m in role_faces) and not _any_font_has(ch, fonts.config_file)
            if uncovered[ch]:
                bad.append(ch)
        if bad:
            shown = "、".join(f"“{c}”(U+{ord(c):04X})" for c in bad[:5])
            problems.append(
                Problem(
                    path,
                    line,
                    field_name,
                    f"这些字符没有任何已安装的字体可以显示：{shown}，请改用常用字，或安装含有这些字的字体",
                )
            )
    if problems:
        raise ContentError(problems)


def _any_font_has(ch: str, config_file: Path) -> bool:
    env = dict(os.environ, FONTCONFIG_FILE=str(config_file))
    out = subprocess.run(
        ["fc-list", "--format", "%{family}\n", f":charset={ord(ch):x}"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return bool(out.strip())
