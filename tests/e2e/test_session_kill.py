"""Killed mid-session (SIGKILL, no chance to save anything on the way out), the reader comes back
with every flag and the place it was at: the flags are written behind as they change, the
session half a second after the last move."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import factories
import pytest
from arxiv_double import ArxivDouble
from tmux_terminal import TmuxTerminal, base_env, tmux_available

from tui.adapters.store import FlagStore
from tui.core.listing import latest_listing_day, listing_window, previous_listing_day
from tui.core.paper import Paper

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not tmux_available(), reason="tmux is not installed"),
    pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc"),
]

ROOT = Path(__file__).resolve().parents[2]
NEWEST = latest_listing_day()
"""The newest listing now: the app, started without --date, opens on it."""
PREVIOUS = previous_listing_day(NEWEST)


def papers_of(day_number: int, titles: list[str]) -> list[Paper]:
    day = NEWEST if day_number == 0 else PREVIOUS
    start, _ = listing_window(day)
    return [
        factories.paper(
            id=f"2504.0{day_number}{index:03d}",
            title=title,
            abstract=f"The abstract of {title.lower()}.",
            published=start + timedelta(minutes=10 + 30 * index),
        )
        for index, title in enumerate(titles)
    ]


NEWEST_PAPERS = papers_of(0, ["Alpha Sampler", "Beta Matching", "Gamma Flow"])
PREVIOUS_PAPERS = papers_of(1, ["Delta Consistency", "Epsilon Schedule", "Zeta Guidance"])


@pytest.fixture
def served() -> Iterator[ArxivDouble]:
    with ArxivDouble() as double:
        double.announce_many(NEWEST, NEWEST_PAPERS)
        double.announce_many(PREVIOUS, PREVIOUS_PAPERS)
        yield double


def wait_for_file(path: Path, check: object, timeout: float = 10.0) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    seen: object = None
    while time.monotonic() < deadline:
        try:
            seen = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            seen = None
        if isinstance(seen, dict) and callable(check) and check(seen):
            return seen
        time.sleep(0.05)
    raise AssertionError(f"{path.name} never matched; last read: {seen}")


def test_sigkill_mid_session_loses_no_flag_and_no_place(
    tmp_path: Path, served: ArxivDouble
) -> None:
    data = tmp_path / "data"
    env = base_env(
        data,
        PATH=f"{Path(sys.executable).parent}:/usr/bin:/bin",
        ARXIV_DAILY_API_URL=served.url,
        ARXIV_DAILY_RSS_URL=served.rss_url,
        ARXIV_DAILY_WEB_URL=served.base_url,
        ARXIV_DAILY_OAI_URL=served.base_url + "/oai",
        ARXIV_DAILY_API_MIN_INTERVAL="0.01",
        ARXIV_DAILY_API_BACKOFF="0.01",
        ARXIV_DAILY_API_TIMEOUT="2",
        ARXIV_DAILY_PDF_URL="http://127.0.0.1:9/pdf/{id}",
    )
    command = [sys.executable, "-m", "tui"]
    session_file = data / "state" / "session.json"
    previous_label = PREVIOUS.strftime("%a %Y-%m-%d")

    with TmuxTerminal(command, env=env, cwd=ROOT) as term:
        term.wait_for("Gamma Flow")
        term.send("s", "j", "r", "j", "s", "r")  # Alpha starred, Beta read, Gamma both
        term.wait_for("3 papers · 1 unread")
        term.send("[")
        term.wait_for("Zeta Guidance")
        term.send("j", "s", "j")  # Epsilon starred, then on to Zeta
        wait_for_file(
            session_file,
            lambda s: s.get("day") == PREVIOUS.isoformat() and s.get("paper_id") == "2504.01002",
        )
        app_pid = term.program_pid("-m tui")
        os.kill(app_pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while Path(f"/proc/{app_pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "Killed" in term.wait_for("Killed")  # the shell saw it die

    with FlagStore(data / "flags") as store:
        starred = {p.id for p in NEWEST_PAPERS + PREVIOUS_PAPERS if store.get(p.id).starred}
        read = {p.id for p in NEWEST_PAPERS + PREVIOUS_PAPERS if store.get(p.id).read}
    assert starred == {"2504.00000", "2504.00002", "2504.01001"}
    assert read == {"2504.00001", "2504.00002"}

    with TmuxTerminal(command, env=env, cwd=ROOT) as term:
        screen = term.wait_for("Zeta Guidance")
        assert previous_label in screen  # the day it was on, not the newest
        term.send("Enter")  # expands the highlighted paper: the one it was on
        screen = term.wait_for("The abstract of zeta guidance")
        term.send("q")
        term.wait_until_gone("Zeta Guidance")
