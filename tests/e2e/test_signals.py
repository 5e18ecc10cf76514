"""SIGTERM, SIGHUP and SIGINT quit the reader as q does: flags on disk, the terminal given back."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest
from app_helpers import in_sections
from arxiv_double import ArxivDouble
from test_session_kill import NEWEST, NEWEST_PAPERS, PREVIOUS, PREVIOUS_PAPERS
from tmux_terminal import TmuxTerminal, base_env, tmux_available

from tui.adapters.store import FlagStore

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not tmux_available(), reason="tmux is not installed"),
    pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc"),
]

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_quits_with_every_flag_kept_and_the_terminal_restored(
    tmp_path: Path, number: int
) -> None:
    data = tmp_path / "data"
    with ArxivDouble() as double:
        double.announce_many(NEWEST, NEWEST_PAPERS)
        double.announce_many(PREVIOUS, PREVIOUS_PAPERS)
        env = base_env(
            data,
            PATH=f"{Path(sys.executable).parent}:/usr/bin:/bin",
            ARXIV_DAILY_API_URL=double.url,
            ARXIV_DAILY_RSS_URL=double.rss_url,
            ARXIV_DAILY_WEB_URL=double.base_url,
            ARXIV_DAILY_OAI_URL=double.base_url + "/oai",
            ARXIV_DAILY_API_MIN_INTERVAL="0.01",
        )
        command = [sys.executable, "-m", "tui", "--category", "cs.LG"]
        log = tmp_path / "terminal.log"
        with TmuxTerminal(command, env=env, cwd=ROOT, log_path=log) as term:
            term.wait_for("Gamma Flow")
            assert term.pane_flag("alternate_on") == "1"
            term.send("s", "j", "s", "j", "r")  # two stars and a read mark...
            term.wait_for("3 papers · 2 unread")  # ...on screen (not on disk yet, maybe): then
            app_pid = term.program_pid("-m tui")
            os.kill(app_pid, number)
            deadline = time.monotonic() + 10
            while Path(f"/proc/{app_pid}").exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not Path(f"/proc/{app_pid}").exists(), "the reader did not quit"
            assert term.exit_code() == 0
            # The terminal as it was: main screen, no mouse tracking, the cursor shown.
            assert term.pane_flag("alternate_on") == "0"
            assert term.pane_flag("mouse_any_flag") == "0"
            assert term.pane_flag("cursor_flag") == "1"
    with FlagStore(data / "flags") as store:
        starred = {p.id for p in NEWEST_PAPERS if store.get(p.id).starred}
        read = {p.id for p in NEWEST_PAPERS if store.get(p.id).read}
    assert starred == {NEWEST_PAPERS[0].id, NEWEST_PAPERS[1].id}
    assert read == {NEWEST_PAPERS[2].id}


def test_a_second_signal_quits_at_once_when_the_disk_does_not_answer(tmp_path: Path) -> None:
    # flags.json is a FIFO nobody writes to: opening the store never returns (a hung network
    # disk). The first SIGTERM waits for the star to be written, as it must; the second one is
    # the user insisting: the reader leaves at once, the terminal given back, and says so.
    data = tmp_path / "data"
    (data / "flags").mkdir(parents=True)
    os.mkfifo(data / "flags" / "flags.json")
    env = base_env(data, PATH=f"{Path(sys.executable).parent}:/usr/bin:/bin")
    log = tmp_path / "terminal.log"
    command = [sys.executable, "-m", "tui", "--demo"]
    with TmuxTerminal(command, env=env, cwd=ROOT, log_path=log) as term:
        term.wait_for("papers")
        term.send("s")
        app_pid = term.program_pid("-m tui")
        os.kill(app_pid, signal.SIGTERM)
        time.sleep(1.5)  # past the grace in which a repeated signal is part of the same quit
        assert Path(f"/proc/{app_pid}").exists(), "the first signal must wait for the write"
        assert term.pane_flag("alternate_on") == "1"
        os.kill(app_pid, signal.SIGTERM)
        assert term.exit_code(timeout=5) == 1
        assert term.pane_flag("alternate_on") == "0"
        assert term.pane_flag("mouse_any_flag") == "0"
        assert term.pane_flag("cursor_flag") == "1"
        screen = term.screen()
    assert (
        "arxiv-daily: quit at once on a second SIGTERM: the changes to 1 paper(s) may not be "
        "on disk" in " ".join(screen.split())
    )


def test_two_signals_together_are_one_quit(tmp_path: Path) -> None:
    # A closed window sends SIGHUP twice (the shell's and the kernel's): that is one ordinary
    # quit, every flag kept and exit status 0, not a forced one.
    data = tmp_path / "data"
    env = base_env(data, PATH=f"{Path(sys.executable).parent}:/usr/bin:/bin")
    log = tmp_path / "terminal.log"
    with TmuxTerminal(
        [sys.executable, "-m", "tui", "--demo"], env=env, cwd=ROOT, log_path=log
    ) as term:
        term.wait_for("papers")
        term.send("s")
        term.wait_for("★")
        app_pid = term.program_pid("-m tui")
        os.kill(app_pid, signal.SIGHUP)
        time.sleep(0.02)
        os.kill(app_pid, signal.SIGHUP)
        assert term.exit_code(timeout=10) == 0
    from tui.adapters.sample import load_sample_day

    with FlagStore(data / "flags") as store:
        assert store.get(in_sections(load_sample_day()).papers[0].id).starred
