"""A burst of 450 keys, then SIGKILL: what is on disk is the reader's state after some prefix of
the keys (nothing reordered, nothing half-written), and what is lost is only the last moment's."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest
from app_helpers import in_sections
from tmux_terminal import TmuxTerminal, base_env, tmux_available

from tui.adapters.sample import load_sample_day
from tui.adapters.store import FlagStore

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not tmux_available(), reason="tmux is not installed"),
    pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc"),
]

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 14


def test_a_burst_of_keys_then_sigkill_keeps_a_prefix_of_them(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = base_env(data, PATH=f"{Path(sys.executable).parent}:/usr/bin:/bin")
    papers = in_sections(load_sample_day()).papers
    count = len(papers)
    keys = (["s", "j"] * (count - 1) + ["s", "g"]) * ROUNDS  # every paper starred, unstarred…
    assert len(keys) == 448
    with TmuxTerminal([sys.executable, "-m", "tui", "--demo"], env=env, cwd=ROOT) as term:
        term.wait_for(f"{count} papers")
        began = time.monotonic()
        term.send(*keys)
        sent = time.monotonic() - began
        os.kill(term.program_pid("-m tui"), signal.SIGKILL)
    with FlagStore(data / "flags") as store:
        starred = [store.get(p.id).starred for p in papers]
    # After r whole rounds and p more papers: the first p flipped once more than the rest.
    p = next((i for i in range(1, count) if starred[i] != starred[0]), count)
    assert all(flag == starred[0] for flag in starred[:p])
    assert all(flag != starred[0] for flag in starred[p:])
    print(
        f"{len(keys)} keys in {sent:.2f} s ({len(keys) / sent:.0f} a second), then SIGKILL: "
        f"on disk: a prefix ending {p} of {count} papers into a round"
    )


def test_what_the_screen_shows_after_a_burst_is_on_disk_within_the_bound(
    tmp_path: Path,
) -> None:
    # The README's bound: the screen is at most one group commit ahead of the disk, and what it
    # shows is durable within tens of milliseconds of the last key. 450 keys, the last opening
    # the search box (keys are taken in order: once it shows, every change before it is on the
    # screen); SIGKILL as soon as it is seen: every change must be on disk.
    data = tmp_path / "data"
    env = base_env(data, PATH=f"{Path(sys.executable).parent}:/usr/bin:/bin")
    papers = in_sections(load_sample_day()).papers
    count = len(papers)
    keys = (["s", "j"] * (count - 1) + ["s", "g"]) * ROUNDS + ["s", "/"]
    assert len(keys) == 450
    with TmuxTerminal([sys.executable, "-m", "tui", "--demo"], env=env, cwd=ROOT) as term:
        term.wait_for(f"{count} papers")
        assert "Search: words" not in term.screen()
        term.send(*keys)
        deadline = time.monotonic() + 30
        while "Search: words" not in term.screen():
            assert time.monotonic() < deadline, "the burst was not taken in"
        seen = time.monotonic()
        os.kill(term.program_pid("-m tui"), signal.SIGKILL)
        killed_after = time.monotonic() - seen
    with FlagStore(data / "flags") as store:
        starred = [p.id for p in papers if store.get(p.id).starred]
    # 14 whole rounds leave every paper as it was; the 449th key stars the first.
    assert starred == [papers[0].id]
    print(f"450 keys; SIGKILL {killed_after * 1e3:.0f} ms after the last showed: none lost")
