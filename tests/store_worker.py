"""A process that writes flags, for the store's crash and two-process tests.

Crash mode (default): toggles random flags on a small pool of papers until killed, with a tiny
checkpoint threshold so checkpoints are often under way (``--mode``: background checkpoints in
a thread of this process, or in a child process). Before each write it prints
``id<TAB>field<TAB>value<TAB>try`` and after ``set_*`` returns ``…<TAB>ok`` (flushed): a change
printed ``ok`` was acknowledged, and must survive any kill.

Count mode (``--prefix P --count N``): stars ``P.00000`` … ``P.{N-1}`` one by one, sets the shared
papers ``2500.00000`` … ``2500.00049`` to read along the way, closes the store and exits 0
(``--no-close``: exits without closing it, leaving any checkpoint child to fold on alone).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tui.adapters.store import FlagStore

POOL = [f"2504.{n:05d}" for n in range(60)]
SHARED = [f"2500.{n:05d}" for n in range(50)]


def report(paper_ids: list[str], field: str, value: bool, stage: str) -> None:
    for paper_id in paper_ids:
        sys.stdout.write(f"{paper_id}\t{field}\t{int(value)}\t{stage}\n")
    sys.stdout.flush()


def write(store: FlagStore, paper_ids: list[str], field: str, value: bool) -> None:
    report(paper_ids, field, value, "try")
    if field == "read":
        store.set_read(paper_ids, value)
    else:
        store.set_starred(paper_ids, value)
    report(paper_ids, field, value, "ok")


def crash_mode(store: FlagStore, seed: int) -> None:
    rng = random.Random(seed)
    for step in range(200_000):
        field = rng.choice(["read", "starred"])
        size = 1 if rng.random() < 0.8 else rng.randint(2, 6)
        write(store, rng.sample(POOL, size), field, rng.random() < 0.5)
        if step % 40 == 39:
            store.checkpoint()  # a foreground one too, besides the background ones


def count_mode(store: FlagStore, prefix: str, count: int) -> None:
    for n in range(count):
        write(store, [f"{prefix}.{n:05d}"], "starred", True)
        if n % 10 == 0:
            write(store, [SHARED[(n // 10) % len(SHARED)]], "read", True)
    for paper_id in SHARED:
        write(store, [paper_id], "read", True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--checkpoint-every", type=int, default=5000)
    parser.add_argument("--prefix")
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--mode", choices=["thread", "process"], default="process")
    parser.add_argument("--no-close", action="store_true")
    args = parser.parse_args()
    store = FlagStore(
        args.directory, checkpoint_every=args.checkpoint_every, checkpoint_in=args.mode
    )
    if args.prefix:
        count_mode(store, args.prefix, args.count)
        if not args.no_close:
            store.close()
    else:
        crash_mode(store, args.seed)


if __name__ == "__main__":
    main()
