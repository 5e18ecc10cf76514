"""The "later" queue of quick triage: papers put off with ``l``, kept between runs.

``later.json`` in the data dir holds the ids (without version) in the order they were put off,
with the paper's title for the list. Written atomically after each change (a crash leaves the
old queue or the new one); a damaged file is moved aside as ``later.json.corrupt-<UTC time>``
and reported, never emptied in place.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from tui import paths
from tui.adapters.atomic import atomic_write_bytes, describe_error, move_aside

LATER_FILE = "later.json"


class LaterQueue:
    """Paper ids to come back to, oldest first. Thread-safe; each change is on disk on return."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = paths.data_dir() / LATER_FILE if path is None else path
        self.notices: list[str] = []
        self._lock = threading.Lock()
        self._ids: dict[str, str] = self._load()

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, paper_id: object) -> bool:
        return paper_id in self._ids

    @property
    def ids(self) -> list[str]:
        with self._lock:
            return list(self._ids)

    def add(self, paper_id: str, title: str = "") -> None:
        """Queue ``paper_id`` last. OSError if the disk refuses (the queue is then unchanged)."""
        with self._lock:
            ids = self._current()
            ids.pop(paper_id, None)
            ids[paper_id] = title
            self._save(ids)

    def remove(self, paper_id: str) -> bool:
        """Take ``paper_id`` off the queue; whether it was on it. OSError as ``add``."""
        with self._lock:
            ids = self._current()
            if paper_id not in ids:
                self._ids = ids
                return False
            del ids[paper_id]
            self._save(ids)
            return True

    def _current(self) -> dict[str, str]:
        """The queue as on disk now (another reader may have changed it), else as known."""
        try:
            return _parse(json.loads(self.path.read_bytes()))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, UnicodeDecodeError):
            return dict(self._ids)

    def _load(self) -> dict[str, str]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as error:
            self.notices.append(f"{self.path.name} could not be read: {describe_error(error)}")
            return {}
        try:
            return _parse(json.loads(raw))
        except (ValueError, UnicodeDecodeError) as error:
            try:
                aside = move_aside(self.path)
            except OSError as move_error:
                self.notices.append(f"{self.path.name} is unreadable: {move_error}")
                return {}
            self.notices.append(
                f"{self.path.name} was unreadable ({describe_error(error)}); "
                f"moved aside to {aside.name}"
            )
            return {}

    def _save(self, ids: dict[str, str]) -> None:
        """Write ``ids`` and take them as the queue; on OSError the queue stays as it was."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"version": 1, "later": [{"id": i, "title": t} for i, t in ids.items()]}
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        atomic_write_bytes(self.path, text.encode("utf-8"))
        self._ids = ids


def _parse(data: Any) -> dict[str, str]:
    if not isinstance(data, dict) or not isinstance(data.get("later"), list):
        raise ValueError("not a later queue")
    found: dict[str, str] = {}
    for entry in data["later"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise ValueError("an entry without an id")
        title = entry.get("title", "")
        found[entry["id"]] = title if isinstance(title, str) else ""
    return found
