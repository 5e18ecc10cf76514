import errno
import os
import platform
import re
import threading
from importlib import metadata
from pathlib import Path

import pytest

from tui import __version__, paths
from tui.crash import (
    RECENT_ACTIONS_KEPT,
    RecentActions,
    format_crash_report,
    report_and_exit_message,
    write_crash_report,
)


def raised() -> BaseException:
    empty: dict[str, int] = {}
    try:
        try:
            empty["missing"]
        except KeyError as inner:
            raise RuntimeError("the day could not be shown") from inner
    except RuntimeError as error:
        return error
    raise AssertionError("unreachable")


def test_report_in_the_state_dir_with_versions_actions_and_traceback() -> None:
    path = write_crash_report(raised(), ["12:00:00.000 key j", "12:00:01.000 key enter"])
    assert path.parent == paths.state_dir()
    assert re.fullmatch(r"crash-\d{8}T\d{6}Z\.txt", path.name)
    text = path.read_text(encoding="utf-8")
    assert f"arxiv-daily: {__version__}" in text
    assert f"Python:      {platform.python_version()}" in text
    assert f"Textual:     {metadata.version('textual')}" in text
    assert f"platform:    {platform.platform()}" in text
    assert "error:       RuntimeError: the day could not be shown" in text
    actions = text.split("last actions (oldest first, 2):\n")[1].split("\n\n")[0]
    assert actions.splitlines() == ["  12:00:00.000 key j", "  12:00:01.000 key enter"]
    traceback_text = text.split("traceback:\n")[1]
    assert "KeyError: 'missing'" in traceback_text
    assert "direct cause" in traceback_text
    assert traceback_text.rstrip().endswith("RuntimeError: the day could not be shown")
    assert os.stat(path).st_mode & 0o077 == 0  # private: it may quote what was searched


def test_two_reports_in_one_second_do_not_clash() -> None:
    first = write_crash_report(raised(), [])
    second = write_crash_report(raised(), [])
    assert first != second
    assert first.exists() and second.exists()
    assert "  (none)" in second.read_text(encoding="utf-8")


def test_an_unwritable_state_dir_falls_back_to_the_temporary_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the directory should be")
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    path = write_crash_report(raised(), [], directory=blocked / "state")
    assert path.parent == tmp_path / "tmp" / "arxiv-daily"
    assert "RuntimeError" in path.read_text(encoding="utf-8")


def test_a_full_state_dir_falls_back_to_the_temporary_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = tmp_path / "state"
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    real_write = os.write

    def full_in_the_state_dir(fd: int, data: bytes) -> int:
        if Path(os.readlink(f"/proc/self/fd/{fd}")).parent == state:
            real_write(fd, bytes(data[:10]))
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full_in_the_state_dir)
    path = write_crash_report(raised(), [], directory=state)
    assert path.parent == tmp_path / "tmp" / "arxiv-daily"
    assert "RuntimeError" in path.read_text(encoding="utf-8")
    assert list(state.iterdir()) == []  # no half report left


def test_exit_message_names_the_file(tmp_path: Path) -> None:
    assert str(tmp_path / "crash.txt") in report_and_exit_message(tmp_path / "crash.txt")


def test_format_handles_an_error_never_raised() -> None:
    text = format_crash_report(ValueError("multi\nline  message"), ["x"])
    assert "error:       ValueError: multi line message" in text
    assert "ValueError: multi" in text.split("traceback:\n")[1]


# ---------------------------------------------------------------- RecentActions


def test_recent_actions_keep_the_last_fifty_oldest_first() -> None:
    actions = RecentActions()
    for number in range(120):
        actions.add(f"key {number}")
    kept = actions.snapshot()
    assert len(kept) == len(actions) == RECENT_ACTIONS_KEPT == 50
    assert [line.split(" ", 1)[1] for line in kept] == [f"key {n}" for n in range(70, 120)]
    assert all(re.match(r"\d\d:\d\d:\d\d\.\d{3} ", line) for line in kept)
    assert list(actions) == list(kept)


def test_recent_actions_are_one_short_line_each() -> None:
    actions = RecentActions(size=3)
    actions.add("search\n'diffusion'\t ")
    actions.add("x" * 1000)
    first, second = actions.snapshot()
    assert first.endswith(" search 'diffusion'")
    assert len(second) < 220 and second.endswith("…")


def test_recent_actions_from_several_threads() -> None:
    actions = RecentActions(size=1000)

    def note(prefix: str) -> None:
        for number in range(200):
            actions.add(f"{prefix}{number}")

    threads = [threading.Thread(target=note, args=(p,)) for p in "abcd"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(actions.snapshot()) == 800
