"""Start-up stays light: the reader opens a cached day without the network stack."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HEAVY = (
    "arxiv",
    "requests",
    "urllib3",
    "lxml",
    "feedparser",
    "importlib.metadata",
    "tomlkit",
    # The recommendations: loaded by their first training, never to open the reader.
    "numpy",
    "scipy",
    "sklearn",
    "tui.core.recommend",
    "tui.adapters.library",
    "tui.core.library_file",
)


def test_the_reader_imports_no_network_library_until_it_fetches() -> None:
    code = (
        "import sys, tui.cli, tui.app.app\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "", f"imported at start-up: {loaded}"


# Loaded once the reader has shown a cached day, not before: the dialogs and screens a key
# opens, the LaTeX converter (for the first title with LaTeX), the flag store's child process.
NOT_BEFORE_THE_FIRST_DAY = (
    *HEAVY,
    "pylatexenc",
    "multiprocessing",
    "tui.adapters.sources.web",
    "tui.app.screens.library",
    "tui.app.dialogs.export",
    "tui.app.dialogs.date_picker",
    "tui.app.dialogs.pick_author",
    "tui.app.dialogs.note",
    "tui.core.export",
)

_SHOW_A_DAY = """
import sys
from textual.app import App
from tui.adapters.day_cache import DayCache
from tui.adapters.sample import load_sample_day
from tui.cli import main

day = load_sample_day()
DayCache().save(day)
forbidden = {forbidden!r}
real_run = App.run

async def shown(pilot):
    while not pilot.app.triage.papers.shown_papers:
        await pilot.pause(0.01)
    print("LOADED:" + ",".join(m for m in forbidden if m in sys.modules))
    pilot.app.exit()

def run(self, *args, **kwargs):
    return real_run(self, headless=True, auto_pilot=shown)

App.run = run
sys.exit(main(["--date", day.date.isoformat()]))
"""


def test_the_reader_shows_a_cached_day_before_loading_what_a_key_needs(tmp_path: Path) -> None:
    """The whole start: settings checked, the store opened, the day shown (headless)."""
    env = {
        **os.environ,
        "ARXIV_DAILY_DATA_DIR": str(tmp_path / "data"),
        "ARXIV_DAILY_CONFIG_DIR": str(tmp_path / "config"),
        "ARXIV_DAILY_API_URL": "http://127.0.0.1:9/api/query",
        "ARXIV_DAILY_BROWSER": "none",
    }
    # The script saves the day itself: these modules are what the reader loads, not the test.
    script = _SHOW_A_DAY.format(forbidden=NOT_BEFORE_THE_FIRST_DAY)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("LOADED:")]
    assert lines, f"the day was never shown: {done.stderr[-2000:]}"
    assert lines[0] == "LOADED:", f"imported before the first day: {lines[0][7:]}"
