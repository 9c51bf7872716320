#!/usr/bin/env python3
"""生成公文：python build.py --year 2024（说明见 README.md）。"""

import sys

from gongwen.cli import main

if __name__ == "__main__":
    sys.exit(main())
