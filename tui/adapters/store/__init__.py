"""Read/starred flags, notes and tags, durable in about a millisecond at any store size.

Files in the flags directory:

``flags.json``
    The store of record: a tinydb database, table ``flags``, one document per paper (see
    ``rows``). Only a checkpoint rewrites it, atomically (temp file, fsync, rename).
``flags.journal``
    An append-only write-ahead journal of JSON lines, each one absolute change, in generations
    chained by tokens (see ``journal``). A change is durable once its line is appended and
    fsynced under an exclusive ``flock`` on ``lock``: that costs the same at 100 flags or
    100,000, unlike a tinydb write, which rewrites the whole file.
``flags.journal.folding``
    A journal being folded into ``flags.json`` by a checkpoint (or left by one that crashed).
``lock``, ``checkpoint.lock``
    ``flock`` targets: appends and snapshots; the one checkpoint at a time (see ``directory``).

The state is ``flags.json`` + ``.folding`` + ``journal`` replayed in order; replay is idempotent,
and a torn last line is ignored, so a crash at any moment loses no acknowledged change. The
modules: ``rows`` (flags in memory and in ``flags.json``), ``journal`` (its lines, header and
tokens), ``directory`` (the files and locks), ``checkpoint`` (folding, in a child process by
default), ``store`` (``FlagStore``: the flags in memory, kept in step with the files).
"""

from tui.adapters.store.checkpoint import DEFAULT_CHECKPOINT_EVERY, CheckpointIn
from tui.adapters.store.directory import CHECKPOINT_LOCK_FILE, FLAGS_FILE, LOCK_FILE, NEXT_FILE
from tui.adapters.store.journal import FOLDING_FILE, JOURNAL_FILE, JOURNAL_KIND
from tui.adapters.store.rows import TABLE, Document, Field, Flag, Row, Tags, Value
from tui.adapters.store.store import FlagStore, ReadOnlyStore, Write

__all__ = [
    "CHECKPOINT_LOCK_FILE",
    "DEFAULT_CHECKPOINT_EVERY",
    "FLAGS_FILE",
    "FOLDING_FILE",
    "JOURNAL_FILE",
    "JOURNAL_KIND",
    "LOCK_FILE",
    "NEXT_FILE",
    "TABLE",
    "CheckpointIn",
    "Document",
    "Field",
    "Flag",
    "FlagStore",
    "ReadOnlyStore",
    "Row",
    "Tags",
    "Value",
    "Write",
]
