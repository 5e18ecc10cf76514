"""Drive arxiv-daily in a real terminal: tmux runs it, send-keys types, capture-pane reads."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path


class TmuxError(AssertionError):
    pass


def tmux_available() -> bool:
    return shutil.which("tmux") is not None


class TmuxTerminal:
    """One tmux server (own socket) with one window running a command."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        env: Mapping[str, str],
        cwd: Path | None = None,
        width: int = 120,
        height: int = 36,
        log_path: Path | None = None,
    ) -> None:
        self.socket = f"arxiv-daily-e2e-{uuid.uuid4().hex[:10]}"
        self.session = "e2e"
        self.width, self.height = width, height
        self.log_path = log_path
        script = " ".join(shlex.quote(part) for part in command)
        if log_path is not None:
            # Everything the program writes to the terminal, byte for byte (for OSC 52 checks).
            script = f"{script}; echo EXITED:$? > {shlex.quote(str(log_path))}.rc"
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        self._tmux(
            "new-session",
            "-d",
            "-s",
            self.session,
            "-x",
            str(width),
            "-y",
            str(height),
            "-c",
            str(cwd or Path.cwd()),
            f"env -i {exports} sh -c {shlex.quote(script)}; sleep 30",
        )
        if log_path is not None:
            self._tmux(
                "pipe-pane", "-t", self.session, "-o", f"cat >> {shlex.quote(str(log_path))}"
            )

    def _tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            timeout=10,
        )
        if result.returncode != 0:
            raise TmuxError(f"tmux {' '.join(args[:2])} failed: {result.stderr.strip()}")
        return result.stdout

    def send(self, *keys: str) -> None:
        """Send tmux key names (e.g. "j", "Enter", "C-c", "PageDown")."""
        for key in keys:
            self._tmux("send-keys", "-t", self.session, key)

    def type(self, text: str) -> None:
        """Type like a (very fast) person: a key at a time, not the whole text in one burst."""
        for character in text:
            self._tmux("send-keys", "-t", self.session, "-l", character)

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", self.session)

    def styled_screen(self) -> str:
        """The screen with its escape sequences (colours, bold…), as tmux keeps them."""
        return self._tmux("capture-pane", "-p", "-e", "-t", self.session)

    def wait_for(self, text: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.05)
        raise TmuxError(f"{text!r} did not appear within {timeout} s; screen was:\n{screen}")

    def wait_until_gone(self, text: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        screen = self.screen()
        while time.monotonic() < deadline:
            screen = self.screen()
            if text not in screen:
                return screen
            time.sleep(0.05)
        raise TmuxError(f"{text!r} still on screen after {timeout} s:\n{screen}")

    def exit_code(self, timeout: float = 10.0) -> int:
        """The program's exit status (needs log_path)."""
        assert self.log_path is not None
        rc_file = Path(f"{self.log_path}.rc")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if rc_file.exists() and rc_file.read_text().strip():
                return int(rc_file.read_text().strip().split(":")[1])
            time.sleep(0.05)
        raise TmuxError(f"the program did not exit within {timeout} s:\n{self.screen()}")

    def pane_flag(self, name: str) -> str:
        """One of tmux's pane formats: ``alternate_on``, ``mouse_any_flag``, ``cursor_flag``…"""
        return self._tmux("display-message", "-p", "-t", self.session, f"#{{{name}}}").strip()

    def pane_pid(self) -> int:
        """The process tmux started for the window (the shell around the program)."""
        return int(self._tmux("display-message", "-p", "-t", self.session, "#{pane_pid}"))

    def program_pid(self, marker: str) -> int:
        """The pid of the program itself: the deepest process of the window whose command line
        contains ``marker`` (the shells that started it mention it too)."""
        for pid in reversed(_descendants(self.pane_pid())):
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            if marker.encode() in command:
                return pid
        raise TmuxError(f"no process running {marker!r} in the window")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=10)

    def __enter__(self) -> TmuxTerminal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def base_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """A clean environment for the app under test: no display unless asked, a UTF-8 terminal."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/root"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "ARXIV_DAILY_DATA_DIR": str(data_dir),
        "ARXIV_DAILY_BROWSER": "none",
        # Every arXiv address at a dead loopback port unless a test names its double: no test
        # may wait on a name lookup of arxiv.org on a machine without a network.
        "ARXIV_DAILY_API_URL": "http://127.0.0.1:9/api/query",
        "ARXIV_DAILY_RSS_URL": "http://127.0.0.1:9/rss/{categories}",
        "ARXIV_DAILY_WEB_URL": "http://127.0.0.1:9",
        "ARXIV_DAILY_OAI_URL": "http://127.0.0.1:9/oai",
        "ARXIV_DAILY_WEB_MIN_INTERVAL": "0.01",
        "ARXIV_DAILY_OAI_MIN_INTERVAL": "0.01",
    }
    env.update(extra)
    return env


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (Linux /proc), nearest first."""
    found: list[int] = []
    queue = [pid]
    while queue:
        parent = queue.pop(0)
        for children in Path(f"/proc/{parent}/task").glob("*/children"):
            try:
                queue += [int(child) for child in children.read_text().split()]
            except OSError:
                continue
        if parent != pid:
            found.append(parent)
    return found
