from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.app import App

from tui.app.services.clipboard import (
    Clipboard,
    ClipboardError,
    CommandClipboard,
    detect_system_clipboard,
    first_line,
)

ARXIV_ID = "2504.06312"
linux_only = pytest.mark.skipif(sys.platform != "linux", reason="X11/Wayland detection")


class RecordingApp(App[None]):
    """Records what went to the terminal clipboard (OSC 52) and every notification."""

    def __init__(self) -> None:
        super().__init__()
        self.osc52: list[str] = []
        self.notices: list[tuple[str, str]] = []

    def copy_to_clipboard(self, text: str) -> None:
        self.osc52.append(text)
        super().copy_to_clipboard(text)

    def notify(self, message: str, **kwargs: Any) -> None:
        self.notices.append((message, kwargs.get("severity", "information")))
        super().notify(message, **kwargs)


class FakeBackend:
    name = "fake"

    def __init__(self, error: str | None = None, delay: float = 0.0) -> None:
        self.error = error
        self.delay = delay
        self.copies: list[str] = []

    def copy(self, text: str) -> None:
        if self.delay:
            threading.Event().wait(self.delay)
        if self.error:
            raise ClipboardError(self.error)
        self.copies.append(text)


@pytest.fixture
def no_display(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("ARXIV_DAILY_CLIPBOARD", raising=False)


async def copy_and_settle(app: RecordingApp, clipboard: Clipboard, text: str, what: str) -> None:
    clipboard.copy(text, what)
    await app.workers.wait_for_complete()


@linux_only
@pytest.mark.usefixtures("no_display")
async def test_without_a_display_the_terminal_gets_it_and_says_copied() -> None:
    app = RecordingApp()
    async with app.run_test() as pilot:
        await copy_and_settle(app, Clipboard(app), ARXIV_ID, ARXIV_ID)
        await pilot.pause()
        assert app.osc52 == [ARXIV_ID]
        assert app.clipboard == ARXIV_ID
        assert app.notices == [(f"Copied {ARXIV_ID}", "information")]


def free_display_number() -> int:
    for number in range(90, 200):
        if (
            not Path(f"/tmp/.X11-unix/X{number}").exists()
            and not Path(f"/tmp/.X{number}-lock").exists()
        ):
            return number
    raise RuntimeError("no free X display number")


@linux_only
@pytest.mark.skipif(shutil.which("xclip") is None, reason="xclip is not installed")
async def test_stale_display_writes_nothing_to_the_terminal_and_says_why(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    display = f":{free_display_number()}"
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("ARXIV_DAILY_CLIPBOARD", raising=False)
    monkeypatch.setenv("DISPLAY", display)
    # The harness does see what a child with an inherited stderr prints (pyperclip's way):
    subprocess.run(
        ["xclip", "-selection", "clipboard"], input=b"x", stdout=subprocess.DEVNULL, timeout=2
    )
    assert "Can't open display" in capfd.readouterr().err

    app = RecordingApp()
    async with app.run_test() as pilot:
        capfd.readouterr()
        await copy_and_settle(app, Clipboard(app), ARXIV_ID, ARXIV_ID)
        await pilot.pause()
        leaked = capfd.readouterr()
    assert leaked.out == ""
    assert leaked.err == ""
    assert app.osc52 == [ARXIV_ID]
    assert app.notices == [
        (f"Copied {ARXIV_ID} (via the terminal: xclip: Can't open display: {display})", "warning")
    ]


@pytest.fixture
def xvfb_display(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A private Xvfb server; DISPLAY points at it for the test."""
    if shutil.which("Xvfb") is None or shutil.which("xclip") is None:
        pytest.skip("Xvfb and xclip are not installed")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-nolisten", "tcp", "-screen", "0", "64x64x8"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as announced:
            number = announced.readline().strip()
        if not number:
            pytest.skip("Xvfb did not start")
        display = f":{number}"
        monkeypatch.setenv("DISPLAY", display)
        monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
        monkeypatch.delenv("ARXIV_DAILY_CLIPBOARD", raising=False)
        yield display
    finally:
        server.terminate()
        server.wait(timeout=5)


def read_x_clipboard() -> str:
    return subprocess.run(
        ["xclip", "-selection", "clipboard", "-o"],
        capture_output=True,
        timeout=2,
        check=True,
        text=True,
    ).stdout


@linux_only
async def test_with_a_real_x_server_the_system_clipboard_gets_it(
    xvfb_display: str, capfd: pytest.CaptureFixture[str]
) -> None:
    url = f"https://arxiv.org/abs/{ARXIV_ID}"
    app = RecordingApp()
    async with app.run_test() as pilot:
        capfd.readouterr()
        await copy_and_settle(app, Clipboard(app), url, url)
        await pilot.pause()
        leaked = capfd.readouterr()
    assert read_x_clipboard() == url
    assert app.osc52 == [url]
    assert app.notices == [(f"Copied {url}", "information")]
    assert (leaked.out, leaked.err) == ("", "")


async def test_a_failing_backend_falls_back_to_the_terminal_with_the_reason() -> None:
    app = RecordingApp()
    async with app.run_test() as pilot:
        backend = FakeBackend(error="xsel: Can't open display: (null)")
        await copy_and_settle(app, Clipboard(app, backend=backend), ARXIV_ID, ARXIV_ID)
        await pilot.pause()
        assert app.osc52 == [ARXIV_ID]
        assert app.notices == [
            (f"Copied {ARXIV_ID} (via the terminal: xsel: Can't open display: (null))", "warning")
        ]


async def test_an_unexpected_backend_error_still_ends_in_a_notice() -> None:
    class BrokenBackend:
        name = "broken"

        def copy(self, text: str) -> None:
            raise RuntimeError("boom\nsecond line")

    app = RecordingApp()
    async with app.run_test():
        await copy_and_settle(app, Clipboard(app, backend=BrokenBackend()), ARXIV_ID, ARXIV_ID)
        assert app.notices == [
            (f"Copied {ARXIV_ID} (via the terminal: RuntimeError: boom)", "warning")
        ]


async def test_a_working_backend_gets_the_text_and_the_terminal_too() -> None:
    app = RecordingApp()
    async with app.run_test():
        backend = FakeBackend()
        await copy_and_settle(app, Clipboard(app, backend=backend), "a [b]title[/b]", "the title")
        assert backend.copies == ["a [b]title[/b]"]
        assert app.osc52 == ["a [b]title[/b]"]
        assert app.notices == [("Copied the title", "information")]


async def test_osc52_mode_from_the_environment_never_touches_the_system_clipboard(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ARXIV_DAILY_CLIPBOARD", "osc52")
    app = RecordingApp()
    async with app.run_test():
        backend = FakeBackend()
        await copy_and_settle(app, Clipboard(app, backend=backend), ARXIV_ID, ARXIV_ID)
        assert backend.copies == []
        assert app.osc52 == [ARXIV_ID]
        assert app.notices == [(f"Copied {ARXIV_ID}", "information")]


async def test_system_mode_says_when_there_is_no_system_clipboard() -> None:
    app = RecordingApp()
    async with app.run_test():
        clipboard = Clipboard(app, mode="system", detect=lambda: None)
        await copy_and_settle(app, clipboard, ARXIV_ID, ARXIV_ID)
        assert app.notices == [
            (f"Copied {ARXIV_ID} (via the terminal: no system clipboard found)", "warning")
        ]


async def test_the_newest_of_quick_copies_ends_on_the_system_clipboard() -> None:
    app = RecordingApp()
    async with app.run_test():
        backend = FakeBackend(delay=0.05)
        for text in ("first", "second", "third"):
            Clipboard(app, backend=backend).copy(text, text)
        await app.workers.wait_for_complete()
        assert backend.copies[-1] == "third"
        assert app.osc52 == ["first", "second", "third"]
        assert app.notices[-1] == ("Copied third", "information")


def test_command_clipboard_reports_the_tools_complaint_without_printing_it(
    capfd: pytest.CaptureFixture[str],
) -> None:
    noisy = CommandClipboard("sh", ("sh", "-c", "cat >/dev/null; echo 'Error: boom' >&2; exit 3"))
    with pytest.raises(ClipboardError, match=r"^sh: boom$"):
        noisy.copy("text")
    assert capfd.readouterr() == ("", "")


def test_command_clipboard_times_out_and_reports_a_missing_tool() -> None:
    with pytest.raises(ClipboardError, match=r"^sleep: no answer in 0.2 s$"):
        CommandClipboard("sleep", ("sleep", "5"), timeout=0.2).copy("text")
    with pytest.raises(ClipboardError, match=r"^nope: No such file or directory$"):
        CommandClipboard("nope", ("/nonexistent/nope",)).copy("text")


def test_command_clipboard_returns_while_a_forked_child_keeps_stderr_open() -> None:
    # xclip's behaviour: the parent exits, a child stays behind holding stderr.
    forking = CommandClipboard(
        "fork", ("sh", "-c", "cat >/dev/null; (sleep 3 &) ; exit 0"), timeout=1
    )
    forking.copy("text")


def fake_tools(directory: Path, *names: str) -> str:
    directory.mkdir()
    for name in names:
        tool = directory / name
        tool.write_text("#!/bin/sh\nexit 0\n")
        tool.chmod(0o755)
    return str(directory)


def test_detection_follows_display_variables_and_installed_tools(tmp_path: Path) -> None:
    path = fake_tools(tmp_path / "all", "xclip", "xsel", "wl-copy")
    only_xsel = fake_tools(tmp_path / "xsel-only", "xsel")

    assert detect_system_clipboard({"PATH": path}, platform="linux") is None
    x11 = detect_system_clipboard({"PATH": path, "DISPLAY": ":0"}, platform="linux")
    assert isinstance(x11, CommandClipboard)
    assert x11.argv == ("xclip", "-selection", "clipboard")
    wayland = detect_system_clipboard({"PATH": path, "WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert wayland is not None and wayland.name == "wl-copy"
    xsel = detect_system_clipboard({"PATH": only_xsel, "DISPLAY": ":0"}, platform="linux")
    assert xsel is not None and xsel.name == "xsel"
    assert detect_system_clipboard({"PATH": str(tmp_path / "empty")}, platform="darwin") is None


def test_first_line_strips_the_error_prefix() -> None:
    assert first_line("Error: Can't open display: :99\n", 1) == "Can't open display: :99"
    assert first_line("\n\n", 4) == "exit status 4"
