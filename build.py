#!/usr/bin/env python3
"""生成公文：python build.py --year 2024（说明见 README.md）。

Run with any Python 3: when the project's packages are not importable here but scripts/setup.sh has made
.venv/, the command re-runs itself with .venv's Python, so `python build.py --year 2025` works as the
office types it.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"


def _dependencies_missing() -> bool:
    import importlib.util

    return any(importlib.util.find_spec(m) is None for m in ("yaml", "fontTools", "weasyprint", "docx", "jinja2"))


if __name__ == "__main__":
    if _dependencies_missing():
        in_venv = Path(sys.prefix).resolve() == (ROOT / ".venv").resolve()
        if VENV_PYTHON.exists() and not in_venv and not os.environ.get("GONGWEN_REEXEC"):
            os.environ["GONGWEN_REEXEC"] = "1"
            os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), str(Path(__file__).resolve()), *sys.argv[1:]])
        print(
            "缺少运行所需的 Python 包。请先在项目目录运行：bash scripts/setup.sh（之后用 python build.py 即可）",
            file=sys.stderr,
        )
        sys.exit(1)
    sys.path.insert(0, str(ROOT))
    from gongwen.cli import main

    code = main()
    # everything is written and closed: skip tearing down the interpreter's modules and objects (~0.07 s)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
