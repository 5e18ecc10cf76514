"""Start-up stays light: the reader opens a cached day without the network stack."""

from __future__ import annotations

import subprocess
import sys

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
