"""Copy text for the user: to the terminal (OSC 52) always, and to the system clipboard if usable.

OSC 52 (``App.copy_to_clipboard``) is an escape sequence Textual writes to the terminal: it works
over SSH and in tmux (``set-clipboard on``), costs nothing, and terminals without it ignore it.

The system clipboard is also tried, off the UI thread, when one is usable: a display variable is
set (``WAYLAND_DISPLAY``/``DISPLAY``) and ``wl-copy``/``xclip``/``xsel`` is installed, or on macOS
(``pbcopy``) and Windows. We do NOT go through pyperclip on Linux or macOS: its backends spawn
``xclip``/``xsel``/``wl-copy``/``pbcopy`` with the terminal as their stderr and no timeout, so with
a stale ``DISPLAY`` xclip prints "Error: Can't open display" over the screen Textual is drawing,
and pyperclip returns as if it had copied. Instead the tools are run here with stdin = the text,
stdout to /dev/null, stderr to a temporary file, in a new session (no controlling terminal, so
not even /dev/tty), with a 2 s timeout; their exit status and first stderr line become the reason
shown. stderr goes to a file rather than a pipe because xclip forks a child that stays to serve
the selection and keeps stderr open: reading a pipe to EOF would wait for the timeout every time.
pyperclip is used only on Windows, where it calls the Win32 clipboard API in-process (no child
process, nothing that could reach the terminal).

``ARXIV_DAILY_CLIPBOARD`` chooses: ``auto`` (default: OSC 52, plus the system clipboard when one
is found), ``osc52`` (the terminal only; never starts a process), ``system`` (as auto, but say so
when no system clipboard is found).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, Protocol

from textual.app import App

ClipboardMode = Literal["auto", "osc52", "system"]
MODES: tuple[ClipboardMode, ...] = ("auto", "osc52", "system")
MODE_VARIABLE = "ARXIV_DAILY_CLIPBOARD"
TIMEOUT_SECONDS = 2.0


class ClipboardError(Exception):
    """The system clipboard refused; ``str()`` is one line: ``xclip: Can't open display: :99``."""


class SystemClipboard(Protocol):
    @property
    def name(self) -> str:
        """Shown in reasons: ``xclip``."""

    def copy(self, text: str) -> None:
        """Put ``text`` on the clipboard or raise ClipboardError."""


@dataclass(frozen=True)
class CommandClipboard:
    """A clipboard tool that reads the text on stdin (xclip, xsel, wl-copy, pbcopy)."""

    name: str
    argv: tuple[str, ...]
    timeout: float = TIMEOUT_SECONDS

    def copy(self, text: str) -> None:
        with tempfile.TemporaryFile() as stderr:
            try:
                completed = subprocess.run(
                    self.argv,
                    input=text.encode("utf-8"),
                    stdout=subprocess.DEVNULL,
                    stderr=stderr,
                    timeout=self.timeout,
                    start_new_session=True,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                raise ClipboardError(f"{self.name}: no answer in {self.timeout:g} s") from None
            except OSError as error:
                raise ClipboardError(f"{self.name}: {error.strerror or error}") from None
            if completed.returncode == 0:
                return
            stderr.seek(0)
            message = stderr.read(2000).decode("utf-8", "replace")
        raise ClipboardError(f"{self.name}: {first_line(message, completed.returncode)}")


class WindowsClipboard:
    """The Win32 clipboard through pyperclip (in-process: no child process, no terminal output)."""

    name = "windows"

    def copy(self, text: str) -> None:
        import pyperclip

        try:
            pyperclip.copy(text)
        except pyperclip.PyperclipException as error:
            raise ClipboardError(f"{self.name}: {first_line(str(error), None)}") from None


def first_line(message: str, returncode: int | None) -> str:
    """The first non-empty line of a tool's complaint, without an ``Error:`` prefix."""
    for line in message.splitlines():
        line = line.strip()
        if line:
            return line.removeprefix("Error:").strip()
    return f"exit status {returncode}" if returncode is not None else "failed"


def detect_system_clipboard(
    environ: Mapping[str, str] | None = None, platform: str | None = None
) -> SystemClipboard | None:
    """The usable system clipboard for this environment, or None. Cached per environment."""
    environ = os.environ if environ is None else environ
    return _detect(
        platform or sys.platform,
        environ.get("WAYLAND_DISPLAY", ""),
        environ.get("DISPLAY", ""),
        environ.get("PATH", os.defpath),
    )


@lru_cache(maxsize=8)
def _detect(platform: str, wayland: str, display: str, path: str) -> SystemClipboard | None:
    def found(tool: str) -> bool:
        return shutil.which(tool, path=path) is not None

    if platform == "win32":
        return WindowsClipboard()
    if platform == "darwin":
        return CommandClipboard("pbcopy", ("pbcopy",)) if found("pbcopy") else None
    if wayland and found("wl-copy"):
        return CommandClipboard("wl-copy", ("wl-copy", "--type", "text/plain"))
    if display and found("xclip"):
        return CommandClipboard("xclip", ("xclip", "-selection", "clipboard"))
    if display and found("xsel"):
        return CommandClipboard("xsel", ("xsel", "--clipboard", "--input"))
    return None


def mode_from_environment(environ: Mapping[str, str] | None = None) -> ClipboardMode:
    value = (os.environ if environ is None else environ).get(MODE_VARIABLE, "auto").strip().lower()
    for mode in MODES:
        if value == mode:
            return mode
    return "auto"


class _Sequencer:
    """Orders system-clipboard writes: a copy superseded by a newer one while waiting is skipped."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._counter_lock = threading.Lock()
        self._latest = 0

    def ticket(self) -> int:
        with self._counter_lock:
            self._latest += 1
            return self._latest

    def is_latest(self, ticket: int) -> bool:
        with self._counter_lock:
            return ticket == self._latest


_SEQUENCER = _Sequencer()


class Clipboard:
    """``copy(text, what)``: OSC 52 now, the system clipboard in a thread worker, then a notice.

    Cheap to construct: detection is cached per environment, so a new instance per copy is fine.
    ``backend`` replaces detection (tests); ``mode`` replaces ``ARXIV_DAILY_CLIPBOARD``.
    """

    def __init__(
        self,
        app: App[Any],
        *,
        backend: SystemClipboard | None = None,
        mode: ClipboardMode | None = None,
        detect: Callable[[], SystemClipboard | None] = detect_system_clipboard,
    ) -> None:
        self._app = app
        self._backend = backend
        self._mode = mode or mode_from_environment()
        self._detect = detect

    def copy(self, text: str, what: str) -> None:
        self._app.copy_to_clipboard(text)
        if self._mode == "osc52":
            self._notify(f"Copied {what}")
            return
        ticket = _SEQUENCER.ticket()
        self._app.run_worker(
            lambda: self._copy_to_system(text, what, ticket),
            name="clipboard",
            group="clipboard",
            thread=True,
            exit_on_error=False,
        )

    def _copy_to_system(self, text: str, what: str, ticket: int) -> None:
        with _SEQUENCER.lock:
            if not _SEQUENCER.is_latest(ticket):
                return  # a newer copy is queued behind us; it will notify
            backend = self._backend or self._detect()
            if backend is None:
                if self._mode == "system":
                    self._fell_back(what, "no system clipboard found")
                else:
                    self._notify(f"Copied {what}")
                return
            try:
                backend.copy(text)
            except ClipboardError as error:
                self._fell_back(what, str(error))
            except Exception as error:  # a notice is promised whatever the backend does
                self._fell_back(what, first_line(f"{type(error).__name__}: {error}", None))
            else:
                self._notify(f"Copied {what}")

    def _fell_back(self, what: str, reason: str) -> None:
        self._notify(f"Copied {what} (via the terminal: {reason})", severity="warning")

    def _notify(
        self, message: str, severity: Literal["information", "warning"] = "information"
    ) -> None:
        # notify() is thread-safe; markup off because `what` and the reasons are data.
        self._app.notify(message, severity=severity, markup=False)
