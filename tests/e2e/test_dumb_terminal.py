"""TERM=dumb: the reader draws without colours and without the alternate screen."""

from __future__ import annotations

import os
import re
import signal
import sys
import time
from pathlib import Path

import pytest
from tmux_terminal import TmuxTerminal, base_env, tmux_available

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not tmux_available(), reason="tmux is not installed"),
]

ROOT = Path(__file__).resolve().parents[2]
COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])[;m]")
"""An SGR sequence that sets a colour (39 and 49, the terminal's own colours, are not)."""


@pytest.mark.parametrize("term", ["dumb", "xterm-256color"])
def test_a_dumb_terminal_gets_no_colours_and_no_alternate_screen(tmp_path: Path, term: str) -> None:
    env = base_env(
        tmp_path / "data", PATH=f"{Path(sys.executable).parent}:/usr/bin:/bin", TERM=term
    )
    command = [sys.executable, "-m", "tui", "--demo"]
    with TmuxTerminal(command, env=env, cwd=ROOT) as term_:
        term_.wait_for("papers")
        styled = term_.styled_screen()
        if term == "dumb":
            assert term_.pane_flag("alternate_on") == "0"
            assert not COLOUR.search(styled), styled[:400]
        else:  # the control: a capable terminal does get both
            assert term_.pane_flag("alternate_on") == "1"
            assert COLOUR.search(styled)
        term_.send("q")


@pytest.mark.parametrize("term", ["dumb", "xterm-256color"])
def test_closing_the_terminal_ends_the_reader_with_its_flags_kept(
    tmp_path: Path, term: str
) -> None:
    # Closing the window (the terminal hangs up): the reader saves and leaves. Under TERM=dumb,
    # Textual's inline driver left its input thread spinning on the dead terminal for ever.
    from app_helpers import in_sections

    from tui.adapters.sample import load_sample_day
    from tui.adapters.store import FlagStore

    data = tmp_path / "data"
    env = base_env(data, PATH=f"{Path(sys.executable).parent}:/usr/bin:/bin", TERM=term)
    command = [sys.executable, "-m", "tui", "--demo"]
    with TmuxTerminal(command, env=env, cwd=ROOT) as term_:
        term_.wait_for("papers")
        term_.send("s")
        term_.wait_for("★")
        pid = term_.program_pid("-m tui")
    deadline = time.monotonic() + 5
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    gone = not Path(f"/proc/{pid}").exists()
    if not gone:
        os.kill(pid, signal.SIGKILL)
    assert gone, "the reader outlived its terminal"
    assert not list(data.glob("state/crash-*")), "a closed window is not a crash"
    first = in_sections(load_sample_day()).papers[0].id
    with FlagStore(data / "flags") as store:
        assert store.get(first).starred
