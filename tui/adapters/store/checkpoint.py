"""Checkpoints: the journal folded into ``flags.json``, in this process or in a child.

A checkpoint (when the journal passes ``checkpoint_every`` lines, in the background; on a
store's ``close`` unless told not to, as the app is when it quits; or when asked): under the
lock, rename the journal to ``.folding`` and start a fresh one; fold outside the lock; under the
lock again replace ``flags.json`` and delete ``.folding``. Appends wait for the lock only for
the renames, never for the rewrite. A checkpoint that crashed leaves ``.folding`` behind, and
the next one folds it first; one that crashed after replacing ``flags.json`` but before deleting
``.folding`` does no harm, since replay is idempotent.

Background checkpoints run in a child process by default: the fold's JSON parse and dump are long C
calls that hold the GIL, and in a thread they would stall the UI for ~200 ms at 100,000 flags. The
child is started by ``multiprocessing``'s "spawn": a fresh interpreter given the parent's
``sys.path``, which imports this module to run ``run_in_child``. Spawn also re-runs the parent's
main script, if it has one (not for ``python -m tui``; the ``arxiv-daily`` script imports
``tui.cli``, which imports no Textual); a script that writes flags needs the
``if __name__ == "__main__"`` guard spawn asks for. Starting the first child also starts
multiprocessing's resource tracker, a small process that lasts as long as the parent and its
children. The child leaves the parent's terminal at once (its own session, output to
``/dev/null``); a failure comes back as its exit status and one line through a pipe. The parent
does not wait for it, not even when it exits: only ``wait_for_background_checkpoint`` and ``close``
do. Killing either process at any moment loses no change: every change is in the journal before it
is acknowledged.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal

from tui.adapters.atomic import AtomicJSONStorage, fsync_dir, remove_stale_temps
from tui.adapters.store.directory import FlagsDirectory
from tui.adapters.store.journal import JOURNAL_FILE, Unknown, open_or_none, read_header, read_lines
from tui.adapters.store.rows import Base

if TYPE_CHECKING:
    # multiprocessing is imported by the first child, not with the store (~15 ms of start-up).
    import multiprocessing.process
    from multiprocessing.connection import Connection

CheckpointIn = Literal["process", "thread"]
DEFAULT_CHECKPOINT_EVERY: Final = 5000

_REASON_BYTES: Final = 1000


def _nothing() -> None:
    pass


def checkpoint(
    files: FlagsDirectory, *, wait: bool = True, rotated: Callable[[], None] = _nothing
) -> None:
    """Fold the journal into ``flags.json``.

    With ``wait=False``, return at once if another process or thread is folding. ``rotated``
    runs under the lock once the journal has been renamed (a store lets go of its handle).
    """
    if files.read_only or files.checkpoint_fd is None:
        return
    if not files.checkpoint_lock.acquire(blocking=wait):
        return
    try:
        files.ensure_open()
        operation = fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB
        try:
            fcntl.flock(files.checkpoint_fd, operation)
        except BlockingIOError:
            return
        try:
            _checkpoint_locked(files, rotated)
        finally:
            fcntl.flock(files.checkpoint_fd, fcntl.LOCK_UN)
    finally:
        files.checkpoint_lock.release()


def _checkpoint_locked(files: FlagsDirectory, rotated: Callable[[], None]) -> None:
    # Holding checkpoint.lock: any temporary or .next file is a crashed checkpoint's.
    remove_stale_temps(files.base_path)
    remove_stale_temps(files.next_path)
    files.next_path.unlink(missing_ok=True)
    with files.flock(fcntl.LOCK_EX):
        for temp in files.path.glob(f"{JOURNAL_FILE}.new-*"):
            temp.unlink(missing_ok=True)  # a journal a crash left half-made
    while True:
        with files.flock(fcntl.LOCK_EX):
            leftover = files.folding_path.exists()  # a crashed checkpoint's: fold it first
            if not leftover and not _rotate(files, rotated):
                return
        _fold(files)
        if not leftover:
            return


def _rotate(files: FlagsDirectory, rotated: Callable[[], None]) -> bool:
    """Under the exclusive lock: journal → ``.folding``, and a fresh journal. False if empty."""
    journal = open_or_none(files.journal_path)
    if journal is None:
        return False
    with journal:
        header = read_header(journal)
        if os.fstat(journal.fileno()).st_size <= header.size:
            return False
    os.replace(files.journal_path, files.folding_path)
    files.create_journal(previous=header.token)
    rotated()
    return True


def _fold(files: FlagsDirectory) -> None:
    """Write ``flags.json`` + ``.folding`` as the new ``flags.json`` (slow, so unlocked)."""
    # Nobody else replaces flags.json or touches .folding while we hold checkpoint.lock.
    base_handle = open_or_none(files.base_path)
    try:
        base = files.read_base(base_handle) or Base.empty()
    finally:
        if base_handle is not None:
            base_handle.close()
    with files.folding_path.open("rb") as folding:
        lines = read_lines(folding, read_header(folding).size)
    for change in lines.changes:
        if isinstance(change, Unknown):  # a newer version's field: kept in the document
            change.fold_into(base.rows, base.extras)
        else:
            change.apply(base.rows)
    # The whole table in one storage write: tinydb's Table.insert_multiple would cost
    # ~0.5 s more at 100,000 documents (it wraps and re-keys each one).
    AtomicJSONStorage(files.next_path).write(base.tables_with_rows())
    with files.flock(fcntl.LOCK_EX):
        os.replace(files.next_path, files.base_path)
        files.folding_path.unlink()
        fsync_dir(files.path)


# --------------------------------------------------------------------- the child process


class CheckpointChild:
    """A checkpoint under way in a child process, and the pipe its failure comes back through."""

    def __init__(self, process: multiprocessing.process.BaseProcess, report: Connection) -> None:
        self._process = process
        self._report = report

    @classmethod
    def start(cls, directory: Path) -> CheckpointChild:
        """Start folding ``directory``'s journal in a child; ``OSError`` if none can start."""
        import multiprocessing

        spawn = multiprocessing.get_context("spawn")
        report, child_end = spawn.Pipe(duplex=False)
        process = spawn.Process(
            target=run_in_child, args=(str(directory), child_end), name="flag-store-checkpoint"
        )
        try:
            process.start()
        except BaseException:
            report.close()
            raise
        finally:
            child_end.close()  # the child has its own: ours would keep the pipe open after it
        _not_joined_at_exit(process)
        return cls(process, report)

    def running(self) -> bool:
        return self._process.exitcode is None

    def finish(self) -> str | None:
        """Wait for the child to end: None if it folded, else why not (one line)."""
        self._process.join()
        status = self._process.exitcode
        reason = b""
        try:
            if status != 0 and self._report.poll():
                reason = self._report.recv_bytes(_REASON_BYTES)
        except (EOFError, OSError):  # it died before it could say why
            pass
        finally:
            self._report.close()
            self._process.close()
        if status == 0:
            return None
        return reason.decode("utf-8", "replace").strip() or f"exit status {status}"


def _not_joined_at_exit(process: multiprocessing.process.BaseProcess) -> None:
    """Take ``process`` off the children ``multiprocessing`` joins when this process exits.

    A quitting app need not wait for a fold (the journal holds every change, and the child
    folds on alone, as a plain subprocess would); ``CheckpointChild.finish`` still joins it.
    """
    import multiprocessing.process

    children = getattr(multiprocessing.process, "_children", None)
    if isinstance(children, set):
        children.discard(process)


def run_in_child(directory: str, report: Connection) -> None:
    """What the checkpoint child runs: fold ``directory``'s journal into ``flags.json``.

    A failure is sent through ``report`` as the last line of its traceback (what the parent
    shows in a notice), and the child exits with status 1.
    """
    try:
        _leave_the_terminal()
        files = FlagsDirectory(Path(directory), read_only=False)
        try:
            if not files.read_only:
                files.heal_missing_journal()
            checkpoint(files)
        finally:
            with files.checkpoint_lock, files.io_lock:
                files.close()
    except BaseException as error:
        reason = traceback.format_exception_only(error)[-1].strip()
        with contextlib.suppress(OSError):
            report.send_bytes(reason.encode("utf-8", "replace")[:_REASON_BYTES])
        raise SystemExit(1) from None
    finally:
        report.close()


def _leave_the_terminal() -> None:
    """A session of its own, so that a Ctrl-C or hang-up meant for the app does not cut the fold
    short; stdout and stderr to ``/dev/null``, so that nothing lands on the app's screen."""
    with contextlib.suppress(OSError):
        os.setsid()
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
    finally:
        os.close(devnull)
