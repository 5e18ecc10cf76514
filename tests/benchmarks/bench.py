"""The speed proof of arxiv-daily, run by hand: ``python tests/benchmarks/bench.py``.

Every figure against its target, for days of 100, 1,000 and 5,000 papers and stores of 1k, 10k
and 100k flags:

- start-up to the first paint of a cached day: real ``python -m tui --date D --category …``
  processes in a pseudo-terminal (120x40, TERM=xterm-256color), with a data dir holding the day
  and the flags, and ARXIV_DAILY_API_URL at a dead loopback port. D is a past listing day, so the
  app shows the cache and fetches nothing. Timed from spawn until a title of the day shows up in
  the terminal output; beside it, in the same run and interleaved, a minimal Textual app (one
  Static) timed until its text shows up. Medians of several runs; the ratio is the figure.
- key to screen for j (cursor), enter (expand, marks read) and s (star), and per filter keystroke
  (a search word typed letter by letter): in the same kind of live session, from writing the key
  to the pseudo-terminal until the last output that changed what the screen shows (a small
  screen model applies the output; the update is over when the app has written nothing for
  50 ms; a repaint of cells with what they already show does not count). A first frame after
  idleness is drawn at once; a frame right after another waits for Textual's 60 Hz grid.
- peak RSS with the day open: the session's VmHWM just before quitting (after the keys above).
- a star durable on disk: FlagStore.set_starred (returns once fsynced) at 1k/10k/100k flags, and
  through the app's FlagKeeper: what the UI thread spends (set returns at once) and how long the
  write-behind takes to land.
- fetching a day from the loopback arXiv double with a 0.01 s interval: requests and seconds (the
  real 3 s spacing adds (requests - 1) × 3 s).
- opening a listing day as announced (RSS, /new pages, catchup pages, then the API by id) on
  arXiv's real day of 2024-11-28: requests of each kind and seconds, with arXiv's spacing added.
- triage: kill rules on arrival, a three-field query keystroke and seen-before marks, in the core.
- recommendations: precision@20 on the real day (recommend_bench.py) and, in the reader, a star
  to the list ranked again on screen (recommend_app_bench.py, target ≤ 0.5 s median).

Other helpers may be loading the machine: the load average is printed beside each section.

    python tests/benchmarks/bench.py [--sizes 100,1000,5000] [--flags 1000,10000,100000]
                                     [--runs 7] [--only startup,keys,store,fetch,days,
                                                   triage,recommend]
"""

from __future__ import annotations

import argparse
import compileall
import fcntl
import os
import random
import re
import select
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import textwrap
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = Path(__file__).resolve().parent
for extra in (str(ROOT), str(ROOT / "tests"), str(BENCHMARKS)):
    if extra not in sys.path:
        sys.path.insert(0, extra)

import app_bench  # noqa: E402
import fetch_bench  # noqa: E402
import fuzzy_bench  # noqa: E402
import store_bench  # noqa: E402
from arxiv_double import ArxivDouble  # noqa: E402

from tui.adapters.day_cache import DayCache  # noqa: E402
from tui.adapters.sources.api import ArxivSource, FetchPolicy  # noqa: E402
from tui.adapters.store import FlagStore  # noqa: E402
from tui.app.services.flag_keeper import FlagField, FlagKeeper  # noqa: E402
from tui.core.paper import Day  # noqa: E402

COLUMNS, LINES = 120, 40
TITLE_MARK = "Benchmark"
"""Every title of the benchmark day starts with this and a five-digit number."""
TITLE_SEEN = re.compile(rb"Benchmark \d{5}")
MINIMAL_TEXT = b"Minimal app ready"
MINIMAL_APP = f"""
from textual.app import App, ComposeResult
from textual.widgets import Static


class Minimal(App[None]):
    def compose(self) -> ComposeResult:
        yield Static({MINIMAL_TEXT.decode()!r})


Minimal().run()
"""
QUIET = 0.05
"""A screen update is over when the app has written nothing for this long."""
SEARCH_WORDS = ("diffusion", "graph", "attentoin")
QUERY = "au:wang ti:diffusion -cat:cs.CV"
"""Typed a key at a time: a search-language query with three fields."""
"""Typed letter by letter into the search box (the last one misspelt: the fuzzy path)."""

TARGET_STARTUP_RATIO = 2.5
TARGET_KEY_MS = 16.0
TARGET_FILTER_MS = 50.0
TARGET_DURABLE_MS = 5.0
TARGET_RSS_MIB = 150.0
TARGET_FETCH_REQUESTS = 3

_ESCAPES = re.compile(
    rb"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    rb"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC
    rb"|\x1bP[^\x1b]*\x1b\\"  # DCS
    rb"|\x1b[()][0-9A-Za-z]"  # charset
    rb"|\x1b[@-Z\\-_78=>]"  # other two-byte escapes
)


def screen_text(raw: bytes) -> bytes:
    """What a terminal would show, in write order, without the control sequences."""
    return _ESCAPES.sub(b"", raw)


# --------------------------------------------------------------------- reporting


@dataclass
class Table:
    title: str
    columns: Sequence[str]
    rows: list[tuple[str, ...]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *cells: object) -> None:
        self.rows.append(tuple(str(cell) for cell in cells))

    def print(self) -> None:
        widths = [
            max(len(self.columns[i]), *(len(row[i]) for row in self.rows)) if self.rows else 0
            for i in range(len(self.columns))
        ]
        print()
        print(f"{self.title}  [load {load()}]")
        print("  " + "  ".join(c.ljust(w) for c, w in zip(self.columns, widths, strict=True)))
        print("  " + "  ".join("-" * w for w in widths))
        for row in self.rows:
            print("  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
        for note in self.notes:
            print(textwrap.fill(note, 100, initial_indent="  ", subsequent_indent="  "))
        sys.stdout.flush()


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f} ms"


def percentile(values: Sequence[float], fraction: float) -> float:
    return store_bench.percentile(list(values), fraction)


def spread(samples: Sequence[float]) -> str:
    """Median, 90th percentile and worst, in ms."""
    return (
        f"{statistics.median(samples) * 1e3:6.1f} / {percentile(samples, 0.9) * 1e3:6.1f} / "
        f"{max(samples) * 1e3:6.1f}"
    )


# --------------------------------------------------------------------- data


def benchmark_day(size: int) -> Day:
    """A day of real papers: the recorded 1,504-paper RSS day (../shared/data; else the bundled
    sample), topped up as fuzzy_bench does with abstracts recombined from their sentences, so
    searches narrow as on a real day and titles carry real LaTeX. Each title is marked so the
    first paint can be seen. Dated as app_bench's day (not the newest listing: no fetch)."""
    pool = fuzzy_bench.real_papers()
    papers = fuzzy_bench.make_day(size, pool, random.Random(20241128))
    marked = tuple(
        replace(paper, title=f"{TITLE_MARK} {number:05d} {paper.title}")
        for number, paper in enumerate(papers)
    )
    return replace(app_bench.synthetic_day(0), papers=marked)


SEEN_SHARE = 10
"""One paper in this many of the benchmark day was listed the day before too: seen before."""


def earlier_day(day: Day) -> Day:
    """The listing day before ``day``, kept too: one paper in SEEN_SHARE of ``day``'s (what B
    hides in the live sessions)."""
    from tui.core.listing import previous_listing_day

    return replace(day, date=previous_listing_day(day.date), papers=day.papers[::SEEN_SHARE])


class Fixtures:
    """Cached days and filled flag stores, made once; each run gets its own copy."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._days: dict[int, Path] = {}
        self._flags: dict[int, Path] = {}
        self._copies = 0

    def days(self, size: int) -> Path:
        if size not in self._days:
            directory = self.root / f"days-{size}"
            day = benchmark_day(size)
            DayCache(directory).save(day)
            DayCache(directory).save(earlier_day(day))
            self._days[size] = directory
        return self._days[size]

    def flags(self, count: int) -> Path:
        if count not in self._flags:
            directory = self.root / f"flags-{count}"
            store_bench.fill(directory, count)
            self._flags[count] = directory
        return self._flags[count]

    def data_dir(self, size: int, flags: int) -> Path:
        """A fresh data dir with the day of ``size`` papers cached and ``flags`` flags stored.

        The day files are hard links: the same inode keeps the day's snapshot (its signature)
        valid, as it is when the app or ``fetch`` saved the day; the app never writes a past day.
        """
        self._copies += 1
        data = self.root / f"data-{self._copies}-{size}-{flags}"
        shutil.copytree(self.days(size), data / "days", copy_function=os.link)
        shutil.copytree(self.flags(flags), data / "flags")
        return data


def dead_loopback_url() -> str:
    """An API URL on 127.0.0.1 where nothing listens (a fetch would fail at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/query"


def child_env(data: Path | None, api_url: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TEXTUAL", "ARXIV_DAILY")) and key not in {"COLUMNS", "LINES"}
    }
    env["TERM"] = "xterm-256color"
    env["ARXIV_DAILY_API_URL"] = api_url
    env["ARXIV_DAILY_BROWSER"] = "none"
    env["ARXIV_DAILY_CLIPBOARD"] = "osc52"
    if data is not None:
        env["ARXIV_DAILY_DATA_DIR"] = str(data)
    return env


def app_argv() -> list[str]:
    return [
        sys.executable,
        "-m",
        "tui",
        "--date",
        app_bench.DAY.isoformat(),
        "--category",
        ",".join(app_bench.CATEGORIES),
    ]


# --------------------------------------------------------------------- the terminal


class ScreenModel:
    """Just enough of a terminal to tell whether some output changed what is on screen.

    Textual writes cursor moves (CSI H), styles (CSI m) and text; everything else is ignored.
    A cell holds its character and the style it was written with. A redraw of cells with what
    they already show (a scrollbar repainted after a layout) changes nothing.
    """

    _TOKEN = re.compile(rb"\x1b\[([0-?]*)([ -/]*)([@-~])|\x1b[^\[]|\r|\n|[^\x1b\r\n]+")
    _COMPLETE = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|[^\[])")

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], tuple[str, bytes]] = {}
        self.row = self.column = 0
        self.style = b""
        self._pending = b""

    def feed(self, data: bytes) -> bool:
        """Apply ``data``; whether any cell now shows something else."""
        data, self._pending = self._pending + data, b""
        cut = data.rfind(b"\x1b")
        if cut != -1 and not self._COMPLETE.match(data, cut):
            data, self._pending = data[:cut], data[cut:]  # an escape cut off by the read
        else:
            for back in range(1, min(4, len(data)) + 1):  # a character cut off by the read
                byte = data[-back]
                if byte & 0xC0 == 0x80:
                    continue
                if byte >= 0xC0 and back < (2 if byte < 0xE0 else 3 if byte < 0xF0 else 4):
                    data, self._pending = data[:-back], data[-back:]
                break
        changed = False
        for token in self._TOKEN.finditer(data):
            text = token.group(0)
            if token.group(3) is not None:
                final, params = token.group(3), token.group(1)
                if final == b"H":
                    parts = [int(part or 1) for part in params.split(b";")] if params else [1, 1]
                    self.row, self.column = parts[0] - 1, (parts[1] if len(parts) > 1 else 1) - 1
                elif final == b"m":
                    self.style = params
            elif text == b"\r":
                self.column = 0
            elif text == b"\n":
                self.row += 1
            elif not text.startswith(b"\x1b"):
                for char in text.decode("utf-8", "replace"):
                    cell = (char, self.style)
                    if self.cells.get((self.row, self.column)) != cell:
                        self.cells[(self.row, self.column)] = cell
                        changed = True
                    self.column += 1
        return changed


@dataclass(frozen=True)
class KeySample:
    seconds: float
    """Key to screen."""
    cpu: float
    """CPU the app (all its threads) used from the key to the end of the update."""


@dataclass
class Ended:
    exit_code: int


class Terminal:
    """A child process on a pseudo-terminal; what it writes is read as it comes, with times."""

    def __init__(self, argv: Sequence[str], env: dict[str, str]) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        self.master = master
        self.output = bytearray()
        self.last_output = 0.0
        self.screen = ScreenModel()
        self._fed = 0
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=ROOT,
            start_new_session=True,
        )
        os.close(slave)
        self.ended: Ended | None = None

    @property
    def pid(self) -> int:
        return self.process.pid

    def read(self, timeout: float) -> bool:
        """Take what the app wrote, waiting up to ``timeout`` for it; False if nothing came."""
        ready, _, _ = select.select([self.master], [], [], max(0.0, timeout))
        if not ready:
            return False
        try:
            chunk = os.read(self.master, 1 << 16)
        except OSError:  # EIO: the child closed its side
            chunk = b""
        self.last_output = time.perf_counter()
        if not chunk:
            time.sleep(min(timeout, 0.01))  # avoid spinning on a closed pty
            return False
        self.output += chunk
        return True

    def wait_for(self, pattern: re.Pattern[bytes] | bytes, timeout: float) -> float:
        """Seconds from spawn until ``pattern`` shows on screen."""
        searched = 0
        deadline = time.perf_counter() + timeout
        while True:
            if self.process.poll() is not None:
                self.read(0)
                raise RuntimeError(f"the app ended early: {self.tail()}")
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"{pattern!r} did not show up: {self.tail()}")
            if not self.read(remaining):
                continue
            # Search from a little before the new output: an escape may have been split.
            start = max(0, searched - 64)
            text = screen_text(bytes(self.output[start:]))
            found = pattern.search(text) if isinstance(pattern, re.Pattern) else pattern in text
            if found:
                return self.last_output - self.started
            searched = len(self.output)

    def settle(self, quiet: float, timeout: float = 15.0) -> None:
        """Read until the app has written nothing for ``quiet`` seconds."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline and self.read(quiet):
            pass

    def key_to_screen(self, key: bytes, timeout: float = 3.0) -> KeySample | None:
        """From writing ``key`` to the last output that changed the screen (the update is over
        when nothing more comes for QUIET seconds); None if the screen did not change."""
        self.settle(0.0)
        self.screen.feed(bytes(self.output[self._fed :]))
        self._fed = len(self.output)
        cpu = self.cpu_seconds()
        sent = time.perf_counter()
        os.write(self.master, key)
        changed_at: float | None = None
        waiting = timeout
        while self.read(waiting):
            waiting = QUIET
            if self.screen.feed(bytes(self.output[self._fed :])):
                changed_at = self.last_output
            self._fed = len(self.output)
        if changed_at is None:
            return None
        return KeySample(changed_at - sent, self.cpu_seconds() - cpu)

    def wait_idle(self, timeout: float = 15.0) -> None:
        """Until the app uses next to no CPU (its background work after the first paint, the
        filter and fuzzy indexes and the flag store, is done), reading what it writes."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            used, began = self.cpu_seconds(), time.perf_counter()
            while time.perf_counter() - began < 0.25:
                self.read(0.05)
            if self.cpu_seconds() - used < 0.01:
                return

    def cpu_seconds(self) -> float:
        """CPU time of every thread of the process so far (schedstat: nanoseconds)."""
        total = 0
        for task in Path(f"/proc/{self.pid}/task").iterdir():
            with suppress(OSError):
                total += int((task / "schedstat").read_text().split()[0])
        return total / 1e9

    def peak_rss_kib(self) -> int:
        """VmHWM: the most resident memory the process has had so far."""
        status = Path(f"/proc/{self.pid}/status").read_text()
        match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
        return int(match.group(1)) if match else 0

    def end(self, quit_key: bytes, timeout: float = 15.0) -> Ended:
        """Ask the app to quit (reading what it writes meanwhile), then reap it."""
        if self.ended is not None:
            return self.ended
        with suppress(OSError):
            os.write(self.master, quit_key)
        deadline = time.perf_counter() + timeout
        while True:
            pid, status, _usage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                os.killpg(self.pid, signal.SIGKILL)
                pid, status, _usage = os.wait4(self.pid, 0)
                break
            self.read(0.02)
        self.process.returncode = os.waitstatus_to_exitcode(status)
        os.close(self.master)
        self.ended = Ended(self.process.returncode)
        return self.ended

    def tail(self) -> str:
        return screen_text(bytes(self.output[-2000:])).decode(errors="replace")[-600:]


@contextmanager
def terminal(argv: Sequence[str], env: dict[str, str], quit_key: bytes) -> Iterator[Terminal]:
    term = Terminal(argv, env)
    try:
        yield term
    finally:
        if term.ended is None:
            term.end(quit_key)


# --------------------------------------------------------------------- start-up


@dataclass(frozen=True)
class Startup:
    wall: float
    """Seconds from spawn to the text on screen."""
    cpu: float
    """CPU seconds the process (all its threads) had used by then: steadier under load."""


def time_minimal(script: Path, env: dict[str, str]) -> Startup:
    with terminal([sys.executable, str(script)], env, b"\x11") as term:  # ctrl+q quits
        wall = term.wait_for(MINIMAL_TEXT, 30)
        return Startup(wall, term.cpu_seconds())


def time_app(data: Path, env: dict[str, str]) -> Startup:
    with terminal(app_argv(), env, b"q") as term:
        wall = term.wait_for(TITLE_SEEN, 60)
        return Startup(wall, term.cpu_seconds())


def bench_startup(
    fixtures: Fixtures, configs: Sequence[tuple[int, int]], runs: int, api_url: str
) -> None:
    table = Table(
        f"First paint of a cached day (real processes in a 120x40 pty; median of {runs} runs each)",
        (
            "papers",
            "flags",
            "minimal app",
            "arxiv-daily",
            "ratio",
            "target",
            "result",
            "CPU: minimal / arxiv-daily",
        ),
    )
    script = fixtures.root / "minimal_app.py"
    script.write_text(MINIMAL_APP)
    for size, flags in configs:
        data = fixtures.data_dir(size, flags)
        app_env = child_env(data, api_url)
        minimal_env = child_env(None, api_url)
        # One of each first: byte-compiles, writes the settings file, warms the page cache.
        time_minimal(script, minimal_env)
        time_app(data, app_env)
        minimal_runs: list[Startup] = []
        app_runs: list[Startup] = []
        for _ in range(runs):
            minimal_runs.append(time_minimal(script, minimal_env))
            app_runs.append(time_app(data, app_env))
        minimal = [run.wall for run in minimal_runs]
        app = [run.wall for run in app_runs]
        minimal_cpu = statistics.median(run.cpu for run in minimal_runs)
        app_cpu = statistics.median(run.cpu for run in app_runs)
        ratio = statistics.median(app) / statistics.median(minimal)
        target = TARGET_STARTUP_RATIO if size == 5000 else None
        table.add(
            f"{size:,}",
            f"{flags:,}",
            f"{statistics.median(minimal) * 1e3:.0f} ms",
            f"{statistics.median(app) * 1e3:.0f} ms ({min(app) * 1e3:.0f}–{max(app) * 1e3:.0f})",
            f"{ratio:.2f}×",
            f"≤ {target}×" if target else "-",
            verdict(ratio <= target) if target else "-",
            f"{minimal_cpu * 1e3:.0f} / {app_cpu * 1e3:.0f} ms ({app_cpu / minimal_cpu:.2f}×)",
        )
        print(f"  … {size:,} papers, {flags:,} flags: done [load {load()}]", flush=True)
    table.notes.append(
        "From spawning `python -m tui --date "
        f"{app_bench.DAY.isoformat()} --category …` until a title of the day is in the terminal "
        "output; the minimal app (one Static) until its text is. The target is for 5,000 papers. "
        "CPU: what the process had used by then (all threads; less disturbed by other load)."
    )
    table.print()


# --------------------------------------------------------------------- live sessions


@dataclass
class Session:
    size: int
    flags: int
    first_paint: float
    cursor: list[KeySample]
    expand: list[KeySample]
    star: list[KeySample]
    filtering: list[KeySample]
    peak_rss_kib: int
    hide_read: list[KeySample] = field(default_factory=list)
    query: list[KeySample] = field(default_factory=list)
    hide_seen: list[KeySample] = field(default_factory=list)


def collect(term: Terminal, key: bytes, times: int) -> list[KeySample]:
    samples = []
    for _ in range(times):
        took = term.key_to_screen(key)
        if took is not None:
            samples.append(took)
    return samples


def run_session(fixtures: Fixtures, size: int, flags: int, api_url: str) -> Session:
    data = fixtures.data_dir(size, flags)
    with terminal(app_argv(), child_env(data, api_url), b"q") as term:
        first_paint = term.wait_for(TITLE_SEEN, 60)
        term.wait_idle()  # the filter and fuzzy indexes, the flag store, the sidebar counts
        term.settle(0.2)
        cursor = collect(term, b"j", 60)
        expand: list[KeySample] = []
        for _ in range(25):
            expand += collect(term, b"\r", 1)  # expand (marks read)
            collect(term, b"\r", 1)  # collapse
            collect(term, b"j", 1)
        star = collect(term, b"s", 40)
        filtering: list[KeySample] = []
        for word in SEARCH_WORDS:
            collect(term, b"/", 1)
            for letter in word:
                filtering += collect(term, letter.encode(), 1)
            os.write(term.master, b"\x1b")  # clear the search
            term.settle(0.3)
        query: list[KeySample] = []
        collect(term, b"/", 1)
        for letter in QUERY:  # the search language: three fields
            query += collect(term, letter.encode(), 1)
        os.write(term.master, b"\x1b")
        term.settle(0.3)
        hide_read = collect(term, b"H", 20)  # on, off, … (the expanded papers were read)
        term.settle(0.3)
        hide_seen = collect(term, b"B", 20)  # on, off, … (the papers kept the day before)
        term.settle(0.3)
        peak = term.peak_rss_kib()
        term.end(b"q")
    return Session(
        size, flags, first_paint, cursor, expand, star, filtering, peak, hide_read, query, hide_seen
    )


def bench_sessions(fixtures: Fixtures, configs: Sequence[tuple[int, int]], api_url: str) -> None:
    sessions = []
    for size, flags in configs:
        sessions.append(run_session(fixtures, size, flags, api_url))
        print(
            f"  … session with {size:,} papers, {flags:,} flags: done [load {load()}]", flush=True
        )

    keys = Table(
        "Key to screen (live sessions in a 120x40 pty; median / p90 / worst, ms)",
        (
            "papers",
            "flags",
            "key",
            "samples",
            "median / p90 / worst",
            "target",
            "result",
            "CPU (median)",
        ),
    )
    for session in sessions:
        for label, samples, target in (
            ("j (cursor)", session.cursor, TARGET_KEY_MS),
            ("enter (expand)", session.expand, TARGET_KEY_MS),
            ("s (star)", session.star, TARGET_KEY_MS),
            ("filter keystroke", session.filtering, TARGET_FILTER_MS),
            ("query keystroke (3 fields)", session.query, TARGET_FILTER_MS),
            ("H (hide read)", session.hide_read, TARGET_KEY_MS),
            ("B (hide seen before)", session.hide_seen, TARGET_KEY_MS),
        ):
            at_target_size = session.size == 5000
            if not samples:
                keys.add(
                    f"{session.size:,}", f"{session.flags:,}", label, 0, "(none)", "-", "MISS", "-"
                )
                continue
            seconds = [sample.seconds for sample in samples]
            median = statistics.median(seconds) * 1e3
            keys.add(
                f"{session.size:,}",
                f"{session.flags:,}",
                label,
                len(samples),
                spread(seconds),
                f"≤ {target:.0f} ms" if at_target_size else "-",
                verdict(median <= target) if at_target_size else "-",
                f"{statistics.median(sample.cpu for sample in samples) * 1e3:.1f} ms",
            )
    keys.notes.append(
        "From writing the key to the pty until the last output that changed the screen (the "
        "update is over after 50 ms without output; repainting cells with what they show does "
        "not count). A frame right after another waits for Textual's 60 Hz grid. CPU: what "
        "the app's threads used meanwhile (steadier under load). Day of real "
        f"papers; typed words: {', '.join(SEARCH_WORDS)}; typed query: {QUERY}; H toggles "
        "hiding the papers read (the 25 expanded above); B those seen before (one in "
        f"{SEEN_SHARE} was kept the day before too). Targets (on the median) are for "
        "5,000 papers."
    )
    keys.print()

    memory = Table(
        "Peak RSS with the day open (the sessions above)",
        ("papers", "flags", "VmHWM before quitting", "target", "result"),
    )
    for session in sessions:
        peak = session.peak_rss_kib / 1024
        at_target_size = session.size == 5000
        memory.add(
            f"{session.size:,}",
            f"{session.flags:,}",
            f"{peak:.1f} MiB",
            f"≤ {TARGET_RSS_MIB:.0f} MiB" if at_target_size else "-",
            verdict(peak <= TARGET_RSS_MIB) if at_target_size else "-",
        )
    memory.notes.append(
        "VmHWM: the app's own peak from start through the keys above, read before quitting. "
        "Not ru_maxrss from os.wait4: Linux carries the high-water mark across exec, so a child "
        "forked from this (large) benchmark process reports the benchmark's size."
    )
    memory.print()


# --------------------------------------------------------------------- flags


def bench_store(fixtures: Fixtures, counts: Sequence[int]) -> None:
    table = Table(
        "A star durable on disk (median / p90 / worst, ms)",
        (
            "flags",
            "FlagStore.set_starred",
            "via FlagKeeper: UI thread",
            "via FlagKeeper: on disk",
            "target",
            "result",
        ),
    )
    for count in counts:
        directory = fixtures.root / f"store-{count}"
        shutil.copytree(fixtures.flags(count), directory)
        targets = store_bench.ids(count)[1::13][: store_bench.STARS]

        store = FlagStore(directory)
        durable = []
        for n, paper_id in enumerate(targets):
            began = time.perf_counter()
            store.set_starred(paper_id, n % 2 == 0)
            durable.append(time.perf_counter() - began)
        store.close()

        keeper = FlagKeeper(
            partial(FlagStore, directory),
            on_opened=lambda notices: None,
            on_open_failed=lambda reason: None,
            on_write_failed=lambda ids, reason: None,
        )
        keeper.flush().result()
        on_ui: list[float] = []
        landed: list[float] = []
        for n, paper_id in enumerate(targets[:100]):
            began = time.perf_counter()
            written = keeper.set("starred", [paper_id], n % 2 == 1)
            on_ui.append(time.perf_counter() - began)
            written.result()
            landed.append(time.perf_counter() - began)
        keeper.close()

        at_target_size = count == 100_000
        worst_case = percentile(durable, 0.9)
        table.add(
            f"{count:,}",
            spread(durable),
            spread(on_ui),
            spread(landed),
            f"≤ {TARGET_DURABLE_MS:.0f} ms (p90), UI never waits" if at_target_size else "-",
            verdict(worst_case <= TARGET_DURABLE_MS / 1e3 and max(on_ui) < 1e-3)
            if at_target_size
            else "-",
        )
    table.notes.append(
        "set_starred returns once the journal line is fsynced. The app calls FlagKeeper.set on the "
        "UI thread: it records the change in memory and queues the write on the flag-writer "
        "thread; 'on disk' is from that call until the write has been fsynced."
    )
    table.print()
    bench_burst(fixtures, max(counts))


BURST = 451
TARGET_BURST_MS = 50.0


def bench_burst(fixtures: Fixtures, count: int, runs: int = 7) -> None:
    """A burst of 451 changes as fast as the UI thread can make them (far above any key rate):
    how far the screen runs ahead of the disk, and how long after the last one all are durable."""
    table = Table(
        f"A burst of {BURST} changes through FlagKeeper, {count:,} flags (median / worst)",
        ("measure", "result", "target", "verdict"),
    )
    directory = fixtures.root / f"burst-{count}"
    shutil.copytree(fixtures.flags(count), directory)
    targets = store_bench.ids(count)[1::7][: BURST // 3 + 1]
    commits: list[float] = []
    ahead: list[float] = []
    lag: list[float] = []
    for run in range(runs):
        keeper = FlagKeeper(
            partial(FlagStore, directory),
            on_opened=lambda notices: None,
            on_open_failed=lambda reason: None,
            on_write_failed=lambda ids, reason: None,
        )
        keeper.flush().result()
        before = keeper.commits
        written = []
        most_ahead = 0
        for n in range(BURST):
            paper_id = targets[n // 3]
            field: FlagField = "read" if n % 3 == 1 else "starred"
            written.append(keeper.set(field, [paper_id], (n + run) % 2 == 0))
            most_ahead = max(most_ahead, sum(1 for future in written if not future.done()))
        last_key = time.perf_counter()
        for future in written:
            future.result()
        lag.append(time.perf_counter() - last_key)
        commits.append(keeper.commits - before)
        ahead.append(most_ahead)
        keeper.close()
    table.add(
        "group commits (one append + fsync each)",
        f"{statistics.median(commits):.0f} / {max(commits):.0f}",
        "far fewer than changes",
        verdict(max(commits) < BURST / 4),
    )
    table.add(
        "changes on screen not yet on disk, at most",
        f"{statistics.median(ahead):.0f} / {max(ahead):.0f}",
        "one group commit",
        "-",
    )
    table.add(
        "all durable after the last change",
        f"{statistics.median(lag) * 1e3:.1f} / {max(lag) * 1e3:.1f} ms",
        f"≤ {TARGET_BURST_MS:.0f} ms",
        verdict(max(lag) * 1e3 <= TARGET_BURST_MS),
    )
    table.notes.append(
        "Changes made while a commit is being fsynced wait for the next one and go in together: "
        "the screen is ahead of the disk by at most what was typed during one fsync."
    )
    table.print()


# --------------------------------------------------------------------- fetch


def bench_fetch(sizes: Sequence[int]) -> None:
    table = Table(
        "Fetching a day from the loopback arXiv double (page size 2,000, 0.01 s interval)",
        ("papers", "requests", "client time", "with 3 s spacing", "target", "result"),
    )
    policy = FetchPolicy(min_interval=0.01)
    for size in sizes:
        with ArxivDouble() as double:
            double.add_many(fetch_bench.papers(size))
            source = ArxivSource(api_url=double.url, policy=policy)
            began = time.perf_counter()
            day = source.fetch_day(fetch_bench.DAY, ["cs.LG"])
            elapsed = time.perf_counter() - began
        assert len(day.papers) == size, len(day.papers)
        requests = source.requests_made
        at_target_size = size == 5000
        table.add(
            f"{size:,}",
            requests,
            f"{elapsed:.2f} s",
            f"{elapsed + (requests - 1) * 3:.2f} s",
            f"≤ {TARGET_FETCH_REQUESTS} requests" if at_target_size else "-",
            verdict(requests <= TARGET_FETCH_REQUESTS) if at_target_size else "-",
        )
    table.notes.append(
        "Client time: HTTP on 127.0.0.1, Atom parsing by arxiv.Client, classification into the "
        "day (the double's own time to build the feed included)."
    )
    table.print()


# --------------------------------------------------------------------- listing days

RSS_DAY = ROOT.parent / "shared" / "data" / "arxiv-recorded" / "rss-all-archives-2024-11-28.xml"
FOLLOWED = ("cs.LG", "cs.CV", "cs.CL", "cs.AI")


def bench_days() -> None:
    """Requests and seconds to open the newest day (RSS) and a 90-day-old day (catchup pages),
    each as arXiv announced it, on arXiv's real day of 2024-11-28 (1,504 announcements)."""
    from datetime import UTC, date, datetime

    from tui.adapters.sources.day_loader import DayLoader
    from tui.adapters.sources.rss import parse_rss
    from tui.core.calendar import EASTERN
    from tui.core.paper import Kind

    def at(moment: datetime) -> Callable[[], datetime]:
        return lambda: moment

    if not RSS_DAY.is_file():
        print(f"\n(listing days: {RSS_DAY} is absent)")
        return
    listed, papers = parse_rss(RSS_DAY.read_bytes(), ())
    assert listed == date(2024, 11, 28), listed
    table = Table(
        f"Opening a listing day as announced: arXiv's day of {listed} ({len(papers):,} papers), "
        "loopback double, 0.01 s intervals",
        ("day", "followed", "papers", "requests", "client time", "with arXiv's spacing"),
    )
    everything = tuple(sorted({c for p in papers for c in p.categories}))
    noon, evening = (
        datetime(2024, 11, 28, 12, tzinfo=EASTERN),
        datetime(2024, 11, 27, 21, tzinfo=EASTERN),
    )
    later = datetime(2025, 2, 25, 12, tzinfo=EASTERN)  # 89 days after the listing
    cases = [
        ("newest, 00-20 h ET", noon, FOLLOWED),
        ("newest, 20-24 h ET", evening, FOLLOWED),
        ("89 days old", later, FOLLOWED),
        ("89 days old", later, everything),
    ]
    env = {
        "ARXIV_DAILY_API_MIN_INTERVAL": "0.01",
        "ARXIV_DAILY_WEB_MIN_INTERVAL": "0.01",
        "ARXIV_DAILY_OAI_MIN_INTERVAL": "0.01",
    }
    saved = {
        name: os.environ.get(name)
        for name in [
            *env,
            "ARXIV_DAILY_API_URL",
            "ARXIV_DAILY_WEB_URL",
            "ARXIV_DAILY_RSS_URL",
            "ARXIV_DAILY_OAI_URL",
        ]
    }
    try:
        for label, now, followed in cases:
            with ArxivDouble() as double:
                double.now = now.astimezone(UTC)
                for paper in papers:
                    how = {Kind.REPLACE: "replace", Kind.CROSS: "cross"}.get(paper.kind, "new")
                    double.announce(listed, paper, how)
                os.environ.update(
                    env,
                    ARXIV_DAILY_API_URL=double.url,
                    ARXIV_DAILY_WEB_URL=double.base_url,
                    ARXIV_DAILY_RSS_URL=double.rss_url,
                    ARXIV_DAILY_OAI_URL=double.base_url + "/oai",
                )
                began = time.perf_counter()
                loaded = DayLoader(now=at(now)).fetch(listed, followed)
                elapsed = time.perf_counter() - began
                pages = len(double.page_requests)
                api = len(double.query_requests)
                rss = len(double.rss_requests)
                spacing = 15 * max(0, pages - 1) + 3 * max(0, api - 1)
                table.add(
                    f"{label}: {loaded.day.provenance.source}",
                    f"{len(followed)} categories",
                    f"{len(loaded.day.papers):,}",
                    f"{rss} RSS + {pages} pages + {api} API",
                    f"{elapsed:.2f} s",
                    f"{elapsed + spacing:.1f} s",
                )
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    table.notes.append(
        "arXiv's spacing: 15 s between page requests (its crawl delay), 3 s between API "
        "requests; the RSS, the pages and the API are different hosts. The day is shown once "
        "the pages (or the RSS) are in; the API's versions and dates follow."
    )
    table.print()


# --------------------------------------------------------------------- recommendations

STAR_TO_SCREEN = re.compile(r"star → ranked again on screen: median (\d+) ms")


def bench_recommend(size: int) -> None:
    """The recommendation model: its quality on arXiv's real day (precision@20, old cosine vs
    the model vs a library-seeded start) and its core timings, then in the reader at ``size``
    papers, a star to the list ranked again on screen (target ≤ 0.5 s, median). Each script runs
    in its own process: it keeps its own data dir, and its imports are its own."""
    here = Path(__file__).resolve().parent
    print(f"\nRecommendations (load average {load()})")
    if RSS_DAY.is_file():
        quality = subprocess.run(
            [sys.executable, str(here / "recommend_bench.py")],
            capture_output=True,
            text=True,
            check=False,
        )
        print(quality.stdout.rstrip() or quality.stderr.rstrip())
    else:
        print(f"(quality: {RSS_DAY} is absent)")
    app = subprocess.run(
        [sys.executable, str(here / "recommend_app_bench.py"), str(size)],
        capture_output=True,
        text=True,
        check=False,
    )
    print(app.stdout.rstrip() or app.stderr.rstrip()[-2000:])
    star = STAR_TO_SCREEN.search(app.stdout)
    if star is None:
        print("star → ranked on screen: no figure  FAIL")
    else:
        median = int(star.group(1))
        print(
            f"star → ranked on screen at {size:,} papers: median {median} ms, "
            f"target ≤ 500 ms  {verdict(median <= 500)}"
        )


# --------------------------------------------------------------------- main


def numbers(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part]


# --------------------------------------------------------------------- triage

KILL_RULES_HIDE = (
    "ti:survey", "ti:review", "ti:tutorial", "cat:astro-ph -cat:cs", "cat:hep-th -cat:cs",
    "cat:math.AG", "cat:cond-mat.str-el", "abs:erratum", "ti:erratum", "co:withdrawn",
    '"this paper has been withdrawn"', "cat:nucl-th -cat:cs", "cat:gr-qc -cat:cs",
)  # fmt: skip
KILL_RULES_READ = (
    "is:replace", "ti:workshop", 'co:"extended abstract"', "cat:physics.ed-ph",
    "ti:proceedings", "cat:math.HO", 'co:"accepted at" is:replace',
)  # fmt: skip


class _NoFlags:
    def is_read(self, paper_id: str) -> bool:
        return False

    def is_starred(self, paper_id: str) -> bool:
        return False


def bench_triage(size: int = 5000, runs: int = 9) -> None:
    """Kill rules on a day's arrival and the search language, in the core, at ``size`` papers
    (the keys table above has the same query and H through the whole app)."""
    from tui.core.filters import DayIndex
    from tui.core.query import QueryIndex, parse_query
    from tui.core.rules import apply_rules, make_rules

    papers = benchmark_day(size).papers
    index = DayIndex(papers)
    rules = make_rules(KILL_RULES_HIDE, KILL_RULES_READ)
    build: list[float] = []
    apply: list[float] = []
    cleared = None
    for _ in range(runs):
        began = time.perf_counter()
        query_index = QueryIndex(papers, index.search_texts())
        built = time.perf_counter()
        cleared = apply_rules(rules, query_index, _NoFlags())
        build.append(built - began)
        apply.append(time.perf_counter() - built)
    keystrokes: list[float] = []
    for _ in range(runs):
        query_index = QueryIndex(papers, index.search_texts())
        for end in range(1, len(QUERY) + 1):
            try:
                expr = parse_query(QUERY[:end])
            except ValueError:
                continue
            began = time.perf_counter()
            query_index.positions(expr, _NoFlags())
            keystrokes.append(time.perf_counter() - began)
    table = Table(
        f"Kill rules and the search language, {size:,} papers, in the core "
        "(median / p90 / worst, ms)",
        ("measure", "result", "target", "verdict"),
    )
    table.add("QueryIndex from the DayIndex's texts", spread(build), "-", "-")
    hidden = len(cleared.hidden) if cleared else 0
    read = len(cleared.read) if cleared else 0
    table.add(
        f"{len(rules)} kill rules on arrival ({hidden:,} hidden, {read:,} read)",
        spread(apply),
        "off the UI thread",
        "-",
    )
    median = statistics.median(keystrokes) * 1e3
    table.add(
        f"query keystroke: {QUERY}",
        spread(keystrokes),
        f"≤ {TARGET_FILTER_MS:.0f} ms",
        verdict(median <= TARGET_FILTER_MS),
    )
    table.notes.append(
        "The rules run on the day loader's worker as the day's index is built; the screen gets "
        "the cleared positions with the index. A query keystroke scans the papers only for the "
        "term being typed (each term's papers are kept)."
    )
    table.print()


SEEN_ARCHIVES = (1, 20, 60)
"""Earlier days kept (each as big as the day) when a day's papers seen before are found."""


def bench_seen(size: int = 5000, runs: int = 7) -> None:
    """Finding a day's papers seen before (``seen_days.find_seen``: the earlier days' index
    files and the flags) on the loader's worker, with 1, 20 and 60 earlier days of ``size``
    papers kept; one paper in SEEN_SHARE of the day was listed the day before."""
    from tui.app.services.seen_days import find_seen
    from tui.core.listing import previous_listing_day
    from tui.core.paper import Kind

    day = benchmark_day(size)
    table = Table(
        f"Seen before, {size:,} papers, on the loader's worker (median / p90 / worst, ms)",
        ("earlier days kept", "papers seen before", "find_seen", "target"),
    )
    with tempfile.TemporaryDirectory(prefix="arxiv-daily-seen-") as root:
        cache = DayCache(Path(root) / "days")
        cache.save(day)
        keeper = FlagKeeper(
            lambda: FlagStore(Path(root) / "flags"),
            on_opened=lambda notices: None,
            on_open_failed=lambda reason: None,
            on_write_failed=lambda ids, reason: None,
        )
        replaced = [p.id for p in day.papers if p.kind is Kind.REPLACE and p.version > 1]
        keeper.set("read", replaced[::3], True).result(timeout=30)
        when, kept = day.date, 0
        try:
            for archive in SEEN_ARCHIVES:
                while kept < archive:
                    when = previous_listing_day(when)
                    if kept == 0:  # the day before: one paper in SEEN_SHARE of the day's
                        papers = day.papers[::SEEN_SHARE] + tuple(
                            replace(p, id=f"{p.id}{kept:02d}")
                            for p in day.papers[: size - size // SEEN_SHARE]
                        )
                    else:
                        papers = tuple(replace(p, id=f"{p.id}{kept:02d}") for p in day.papers)
                    cache.save(replace(day, date=when, papers=papers))
                    kept += 1
                samples: list[float] = []
                found = 0
                for _ in range(runs):
                    fresh = DayCache(Path(root) / "days")  # nothing parsed in memory
                    began = time.perf_counter()
                    found = len(find_seen(day, partial(lambda kept: kept, fresh), keeper))
                    samples.append(time.perf_counter() - began)
                table.add(archive, f"{found:,}", spread(samples), "off the UI thread")
        finally:
            keeper.close()
    table.notes.append(
        "After the day's index is posted (the sidebar's counts do not wait for it), on the same "
        "worker: DayCache.shown_before reads every earlier day's small index file (ids only, "
        "never the day files) until each paper is placed, so the time grows with the days "
        "kept. B then only takes the marked papers out of the view."
    )
    table.print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=numbers, default=[100, 1000, 5000])
    parser.add_argument("--flags", type=numbers, default=[1000, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=11, help="start-ups timed per configuration")
    parser.add_argument(
        "--only",
        default="startup,keys,store,fetch,days,triage,recommend",
        help="comma-separated sections: startup, keys, store, fetch, days, triage, recommend",
    )
    args = parser.parse_args()
    sections = set(args.only.split(","))
    print(
        f"arxiv-daily benchmark: Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"load average {load()}"
    )
    # As an installed app is: its modules compiled. Without this, where bytecode is not written
    # (PYTHONDONTWRITEBYTECODE, a read-only tree) every start-up compiles each edited module
    # anew, ~20-40 ms of the first paint.
    compileall.compile_dir(ROOT / "tui", quiet=1)
    api_url = dead_loopback_url()
    # Every day size with a middling store, and the biggest day with each other store.
    middle = sorted(args.flags)[len(args.flags) // 2]
    configs = [(size, middle) for size in args.sizes]
    configs += [(max(args.sizes), count) for count in args.flags if count != middle]
    with tempfile.TemporaryDirectory(prefix="arxiv-daily-bench-") as root:
        fixtures = Fixtures(Path(root))
        started = time.perf_counter()
        if "startup" in sections:
            bench_startup(fixtures, configs, args.runs, api_url)
        if "keys" in sections:
            bench_sessions(fixtures, configs, api_url)
        if "store" in sections:
            bench_store(fixtures, args.flags)
        if "fetch" in sections:
            bench_fetch(args.sizes)
        if "days" in sections:
            bench_days()
        if "triage" in sections:
            bench_triage(max(args.sizes))
            bench_seen(max(args.sizes))
        if "recommend" in sections:
            bench_recommend(max(args.sizes))
    print(f"\n(done in {time.perf_counter() - started:.0f} s, load average {load()})")


if __name__ == "__main__":
    main()
