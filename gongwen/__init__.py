"""gongwen: structured content → GB/T 9704-2012 official documents (PDF, DOCX and OFD)."""

__version__ = "0.3.0"  # the version, written here only (pyproject.toml reads it; CHANGELOG.md says what changed)
