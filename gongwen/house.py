"""The house style: styles/house.yaml, read once, with derived grid values in pt."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import BuildError

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


def load_house(path: Path | None = None) -> House:
    path = path or STYLES_DIR / "house.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise BuildError(f"无法读取版式文件 {path}：{exc}") from None
    for key in ("page", "sizes_pt", "colors", "header", "body", "attachment", "page_number", "colophon", "fonts"):
        if not isinstance(data, dict) or key not in data:
            raise BuildError(f"版式文件 {path} 缺少“{key}”一节")
    return House(data)
