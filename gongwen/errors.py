"""User-facing errors. Every message is Chinese and names the file, line and field."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class Problem:
    """One problem in the content: where it is and what is wrong."""

    file: Path | str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = str(self.file)
        if self.line:
            where += f" 第 {self.line} 行"
        field = f"「{self.field}」" if self.field else ""
        return f"{where}：{field}{self.message}"


class ContentError(Exception):
    """The content cannot be built; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class BuildError(Exception):
    """An environment or build fault (missing font, unwritable folder...), message in Chinese."""
