"""Drafting tools around the build: next year's scaffold and the stale-year check (`newyear`), the
year-over-year comparison (`compare`, `compare_writers`) and page previews (`preview`)."""

from .newyear import latest_year_before, pending_dates, scaffold_blank_year, scaffold_new_year, stale_year_findings

__all__ = ["latest_year_before", "pending_dates", "scaffold_blank_year", "scaffold_new_year", "stale_year_findings"]
