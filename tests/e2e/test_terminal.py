"""arxiv-daily in a real terminal: tmux runs it against the loopback arXiv double.

Keys are typed with `tmux send-keys`, the screen is read with `capture-pane`, and the flags are
read back from the store on disk after the app has quit.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import factories
import pytest
from arxiv_double import ArxivDouble
from tmux_terminal import TmuxTerminal, base_env, tmux_available

from tui.adapters.store import FlagStore
from tui.core.listing import listing_window
from tui.core.paper import Paper

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not tmux_available(), reason="tmux is not installed"),
]

ROOT = Path(__file__).resolve().parents[2]
WEDNESDAY = date(2025, 4, 9)
THURSDAY = date(2025, 4, 10)


def day_papers(day: date, prefix: str, titles: list[str]) -> list[Paper]:
    start, _ = listing_window(day)
    return [
        factories.paper(
            id=f"2504.{prefix}{index:03d}",
            title=title,
            authors=("Ada Lovelace", "Alan Turing"),
            abstract=f"Abstract of {title.lower()}: a study of denoising diffusion and more.",
            published=start + timedelta(minutes=10 + 30 * index),
        )
        for index, title in enumerate(titles)
    ]


WED_PAPERS = day_papers(
    WEDNESDAY, "06", ["Alpha Diffusion Sampler", "Beta Score Matching", "Gamma Flow Model"]
)
THU_PAPERS = day_papers(THURSDAY, "07", ["Delta Consistency Model", "Epsilon Noise Schedule"])


@pytest.fixture
def served() -> Iterator[ArxivDouble]:
    with ArxivDouble() as double:
        double.announce_many(WEDNESDAY, WED_PAPERS)
        double.announce_many(THURSDAY, THU_PAPERS)
        yield double


def app_env(data_dir: Path, double: ArxivDouble, **extra: str) -> dict[str, str]:
    return base_env(
        data_dir,
        PATH=f"{Path(sys.executable).parent}:/usr/bin:/bin",
        ARXIV_DAILY_API_URL=double.url,
        ARXIV_DAILY_RSS_URL=double.rss_url,
        ARXIV_DAILY_WEB_URL=double.base_url,
        ARXIV_DAILY_OAI_URL=double.base_url + "/oai",
        ARXIV_DAILY_API_MIN_INTERVAL="0.01",
        ARXIV_DAILY_API_BACKOFF="0.01",
        ARXIV_DAILY_API_TIMEOUT="2",
        **extra,
    )


def app_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "tui", "--category", "cs.LG", *args]


def test_keys_in_a_real_terminal(tmp_path: Path, served: ArxivDouble) -> None:
    data = tmp_path / "data"
    log = tmp_path / "terminal.log"
    env = app_env(data, served, ARXIV_DAILY_CLIPBOARD="osc52")
    with TmuxTerminal(app_command("--date", "2025-04-09"), env=env, cwd=ROOT, log_path=log) as term:
        screen = term.wait_for("Gamma Flow Model")
        assert "Wed 2025-04-09" in screen
        assert "3 papers" in screen

        term.send("j")  # move to the second paper
        term.send("Enter")  # expand it
        screen = term.wait_for("Abstract of beta score matching")
        term.send("s")  # star it
        term.wait_for("★")
        term.send("c")  # copy its id
        term.wait_for("Copied 2504.06001")

        term.send("]")  # next listing day
        screen = term.wait_for("Delta Consistency Model")
        assert "Thu 2025-04-10" in screen
        assert "Gamma Flow Model" not in screen

        term.send("d")  # the date picker, typed date
        term.wait_for("April 2025")
        term.type("2025-04-09")
        term.send("Enter")
        screen = term.wait_for("Gamma Flow Model")
        assert "Wed 2025-04-09" in screen

        term.send("q")
        assert term.exit_code() == 0

    with FlagStore(data / "flags") as store:
        beta = store.get("2504.06001")
        assert beta.starred and beta.read
        assert not store.get("2504.06000").read
    assert served.query_requests, "the app fetched through the arXiv API double"


def test_copy_without_display_writes_osc52_and_nothing_else(
    tmp_path: Path, served: ArxivDouble
) -> None:
    data = tmp_path / "data"
    log = tmp_path / "terminal.log"
    env = app_env(data, served)  # no DISPLAY at all, clipboard mode auto
    with TmuxTerminal(app_command("--date", "2025-04-09"), env=env, cwd=ROOT, log_path=log) as term:
        term.wait_for("Gamma Flow Model")
        term.send("c")
        screen = term.wait_for("Copied 2504.06000")
        term.send("q")
        term.exit_code()
    written = log.read_bytes()
    payload = base64.b64encode(b"2504.06000")
    assert b"\x1b]52;c;" + payload in written
    for noise in (b"xclip", b"Can't open display", b"Error", b"Traceback"):
        assert noise not in written
    assert "xclip" not in screen


@pytest.mark.skipif(
    not (shutil.which("Xvfb") and shutil.which("xclip")), reason="Xvfb and xclip are not installed"
)
def test_copy_reaches_the_real_x_clipboard(tmp_path: Path, served: ArxivDouble) -> None:
    display = f":{_free_display()}"
    xvfb = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", "640x480x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_x(display)
        data = tmp_path / "data"
        log = tmp_path / "terminal.log"
        env = app_env(data, served, DISPLAY=display)
        with TmuxTerminal(
            app_command("--date", "2025-04-09"), env=env, cwd=ROOT, log_path=log
        ) as term:
            term.wait_for("Gamma Flow Model")
            term.send("j", "j", "c")
            screen = term.wait_for("Copied 2504.06002")
            assert "via the terminal" not in screen
            clipboard = subprocess.run(
                ["xclip", "-selection", "clipboard", "-o"],
                env={"DISPLAY": display, "PATH": "/usr/bin:/bin"},
                capture_output=True,
                text=True,
                timeout=5,
            )
            assert clipboard.stdout == "2504.06002"
            term.send("q")
            term.exit_code()
        assert b"Can't open display" not in log.read_bytes()
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=5)


def _free_display() -> int:
    for number in range(90, 140):
        if (
            not Path(f"/tmp/.X11-unix/X{number}").exists()
            and not Path(f"/tmp/.X{number}-lock").exists()
        ):
            return number
    raise RuntimeError("no free X display number")


def _wait_for_x(display: str) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        probe = subprocess.run(
            ["xclip", "-selection", "clipboard", "-o"],
            env={"DISPLAY": display, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            timeout=5,
        )
        if b"Can't open display" not in probe.stderr:
            return
        time.sleep(0.05)
    raise RuntimeError(f"Xvfb did not start on {display}")
