"""A burst of 450 keys, then SIGKILL: what is on disk is the reader's state after some prefix of
the keys (nothing reordered, nothing half-written), and what is lost is only the last moment's."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest
from tmux_terminal import TmuxTerminal, base_env, tmux_available

from tui.domain.sample import load_sample_day
from tui.domain.store import FlagStore

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
    papers = load_sample_day().papers
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
