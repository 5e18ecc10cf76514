"""Seen before: a paper the reader met on an earlier day (a cross-list shown again, a paper
listed again as a replacement), and what changed since — "v3 · you read an earlier version",
"listed Mon 2025-04-07".

The flag store keeps when a paper was read or starred, not which version: a replacement read
before its newest version was submitted was read in an earlier version. For a v2 that earlier
version can only be v1, and the note says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from tui.core.paper import Kind, Paper


@dataclass(frozen=True, slots=True)
class SeenBefore:
    listed: date | None
    """The newest earlier listing day (kept by this reader) that had the paper."""
    changed: str
    """What is new since: "v3 · you read an earlier version", "" when nothing is known."""

    @property
    def text(self) -> str:
        parts = [self.changed] if self.changed else []
        if self.listed is not None:
            parts.append("listed " + self.listed.strftime("%a %Y-%m-%d"))
        return " · ".join(parts)


def seen_before(
    paper: Paper,
    *,
    listed: date | None,
    read_at: datetime | None,
    starred_at: datetime | None,
) -> SeenBefore | None:
    """Whether ``paper`` was met before, and how; None for a paper new to the reader.

    ``listed``: the newest earlier cached day with the paper; ``read_at``/``starred_at``: when
    the reader marked it read or starred (None: never)."""
    changed = ""
    if paper.kind is Kind.REPLACE and paper.version > 1:
        earlier = "v1" if paper.version == 2 else "an earlier version"
        for verb, when in (("starred", starred_at), ("read", read_at)):
            if when is not None and when < paper.updated:
                changed = f"v{paper.version} · you {verb} {earlier}"
                break
    if not changed and listed is None:
        return None
    return SeenBefore(listed, changed)
