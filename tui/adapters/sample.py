"""The bundled sample day (Wed 2025-04-09, 16 papers on diffusion): the demo and tests use it."""

from __future__ import annotations

import json
from datetime import date

from tui.core.paper import Day, Provenance
from tui.paths import sample_day_path

SAMPLE_KEYWORDS = ("Diffusion", "DDPM", "DDIM")
SAMPLE_DATE = date.fromisoformat(sample_day_path().stem.removeprefix("sample-"))
"""The sample day's listing date, from the bundled file's name (no disk read needed)."""


def load_sample_day() -> Day:
    """The sample day as shipped, marked as coming from the sample (no network, no cache)."""
    with sample_day_path().open(encoding="utf-8") as handle:
        day = Day.from_dict(json.load(handle))
    return Day(
        date=day.date,
        categories=day.categories,
        papers=day.papers,
        fetched_at=day.fetched_at,
        source="sample",
        provenance=SAMPLE_PROVENANCE,
    )


SAMPLE_PROVENANCE = Provenance(
    False, "sample", "the 16 papers of a keyword digest of that day, not its whole listing"
)
