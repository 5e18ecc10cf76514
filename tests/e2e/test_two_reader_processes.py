"""Two reader processes on one data dir, in two terminals: each shows the other's stars within a
second or two, and B's bulk star and undo do not take back A's stars."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from app_helpers import in_sections
from timing import poll_until
from tmux_terminal import TmuxTerminal, base_env, tmux_available

from tui.adapters.sample import load_sample_day
from tui.adapters.store import FlagStore

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not tmux_available(), reason="tmux is not installed"),
]

ROOT = Path(__file__).resolve().parents[2]


def starred_on_disk(flags: Path, ids: list[str]) -> set[str]:
    """The papers starred as a third reader of the store sees them (reading only)."""
    with FlagStore(flags, read_only=True) as store:
        return {paper_id for paper_id in ids if store.get(paper_id).starred}


def test_two_readers_see_and_keep_each_others_stars(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = base_env(data, PATH=f"{Path(sys.executable).parent}:/usr/bin:/bin")
    command = [sys.executable, "-m", "tui", "--demo"]
    papers = in_sections(load_sample_day()).papers
    ids = [p.id for p in papers]
    with (
        TmuxTerminal(command, env=env, cwd=ROOT) as a,
        TmuxTerminal(command, env=env, cwd=ROOT) as b,
    ):
        a.wait_for("16 papers")
        b.wait_for("16 papers")
        a.send("s", "j", "s")  # A stars the first two papers
        began = time.monotonic()
        b.wait_for("★", timeout=5)  # B shows them without a key pressed
        seen_after = time.monotonic() - began
        b.send("V", "s")  # B selects all and stars them...
        b.wait_for("16 selected")
        poll_until(
            lambda: starred_on_disk(data / "flags", ids) == set(ids),
            "B's star of all 16 papers on disk",
            timeout=10,
        )
        b.send("u")  # ...and takes it back
        b.wait_for("Undone")
        poll_until(
            lambda: starred_on_disk(data / "flags", ids) != set(ids),
            "B's undo on disk",
            timeout=10,
        )
        a.send("q")
        b.send("q")
        a.wait_until_gone("16 papers")
        b.wait_until_gone("16 papers")
    with FlagStore(data / "flags") as store:
        starred = {p.id for p in papers if store.get(p.id).starred}
    assert starred == {papers[0].id, papers[1].id}
    assert seen_after < 2.5
