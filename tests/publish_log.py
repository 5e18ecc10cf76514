"""arXiv's publish log (the record of one announcement run) read as the mailing's ground truth.

``../shared/data/arxiv-recorded/publish-log-2023-09-01-all-archives.log`` is the log of the run of
Thu 2023-08-31 20:00 ET, the mailing dated Fri 2023-09-01. Each submission is a block::

    submission 5041947
    submit time: 2023-08-03T19:18:05        (UTC)
    [release time: …]                      (a paper on hold, released by a moderator)
    new submission | replacement for ID | cross for ID | withdrawal of ID | journal ref for ID
                   | **** Test Submission. Skipping. ****
    --- paper_id: ID                        (new)
    --- old version: 5 / --- new version: 6 (replacement, withdrawal)
    category X …                            (the paper's categories, primary first)
    categories: A B                         (cross: the categories after the change)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

_LINE = re.compile(r"^\[\d\d/\d\d \d\d:\d\d:\d\d\]  (?P<text>.*)$")


@dataclass(frozen=True)
class Event:
    submission: int
    submitted: datetime
    """When this submission (the new version, for a replacement) was made, UTC."""
    how: str
    """new, replace, cross, withdraw, jref or test."""
    paper_id: str | None
    categories: tuple[str, ...]
    version: int | None
    """The version announced (1 for new papers)."""
    released: bool
    """It was on hold and a moderator released it."""


def read_publish_log(path: Path) -> list[Event]:
    events: list[Event] = []
    block: list[str] = []

    def close() -> None:
        if block:
            event = _event(block)
            if event is not None:
                events.append(event)

    for raw in path.read_text(encoding="utf-8").splitlines():
        match = _LINE.match(raw)
        if match is None:
            continue
        text = match.group("text").strip()
        if text.startswith("submission ") and text.split()[-1].isdigit():
            close()
            block = [text]
        elif block:
            block.append(text)
    close()
    return events


def _event(lines: list[str]) -> Event | None:
    number = int(lines[0].split()[-1])
    submitted: datetime | None = None
    how = ""
    paper_id: str | None = None
    version: int | None = None
    categories: list[str] = []
    final: tuple[str, ...] | None = None
    released = False
    for line in lines[1:]:
        if line.startswith("submit time:"):
            stamp = line.split(":", 1)[1].strip()
            submitted = datetime.fromisoformat(stamp).replace(tzinfo=UTC)
        elif line.startswith("release time:"):
            released = True
        elif line == "new submission":
            how, version = "new", 1
        elif line.startswith("--- paper_id:"):
            paper_id = line.split(":", 1)[1].strip()
        elif line.startswith("replacement for "):
            how, paper_id = "replace", line.removeprefix("replacement for ").strip()
        elif line.startswith("withdrawal of "):
            how, paper_id = "withdraw", line.removeprefix("withdrawal of ").strip()
        elif line.startswith("cross for "):
            how, paper_id = "cross", line.removeprefix("cross for ").strip()
        elif line.startswith("journal ref for "):
            how, paper_id = "jref", line.removeprefix("journal ref for ").strip()
        elif "Test Submission" in line:
            how = "test"
        elif line.startswith("--- new version:"):
            version = int(line.split(":", 1)[1])
        elif line.startswith("category "):
            categories.append(line.removeprefix("category ").strip())
        elif line.startswith("categories:"):
            final = tuple(line.split(":", 1)[1].split())
    if submitted is None or not how:
        return None
    cats = final if final else tuple(dict.fromkeys(categories))
    return Event(number, submitted, how, paper_id, cats, version, released)
