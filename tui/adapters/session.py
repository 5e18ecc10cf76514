"""Where the reader left off: the day, the filters, the search and the paper, kept between runs.

``save_session`` writes ``session.json`` in ``tui.paths.state_dir()`` atomically (a crash leaves
the old file or the new one). ``load_session`` gives None when there is no usable file: missing,
or damaged (then it is moved aside as ``session.json.corrupt-<UTC time>``, never deleted, and a
one-line notice says so). Keys it does not know are ignored, so an older version reads a newer
file.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from tui import paths
from tui.adapters.atomic import atomic_write_bytes, describe_error, move_aside

logger = logging.getLogger(__name__)

SESSION_FILE = "session.json"
FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class Session:
    day: date | None = None
    """The listing day on screen; None for "the newest"."""
    categories_off: tuple[str, ...] = ()
    """Followed categories the user switched off in the sidebar."""
    profile: str | None = None
    """The selected keyword profile's name; None for none."""
    search: str = ""
    paper_id: str | None = None
    """The highlighted paper (id without version)."""
    starred_only: bool = False
    threshold: float | None = None
    """Where the reader moved the Recommended threshold (None: the default)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "version": FORMAT_VERSION,
            "day": self.day.isoformat() if self.day else None,
            "categories_off": list(self.categories_off),
            "profile": self.profile,
            "search": self.search,
            "paper_id": self.paper_id,
            "starred_only": self.starred_only,
            "threshold": self.threshold,
        }

    @classmethod
    def from_json(cls, data: Any) -> Session:
        """The session in ``data``; ValueError if it is not one."""
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        day = _optional(data, "day", str)
        categories = data.get("categories_off", [])
        if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
            raise ValueError("categories_off is not a list of strings")
        starred_only = data.get("starred_only", False)
        if not isinstance(starred_only, bool):
            raise ValueError("starred_only is not true or false")
        search = data.get("search", "")
        if not isinstance(search, str):
            raise ValueError("search is not a string")
        threshold = data.get("threshold")
        if threshold is not None and (
            isinstance(threshold, bool)
            or not isinstance(threshold, int | float)
            or not 0 <= threshold <= 1
        ):
            threshold = None  # a threshold out of reach is not worth losing the session for
        return cls(
            day=date.fromisoformat(day) if day else None,
            categories_off=tuple(categories),
            profile=_optional(data, "profile", str),
            search=search,
            paper_id=_optional(data, "paper_id", str),
            starred_only=starred_only,
            threshold=None if threshold is None else float(threshold),
        )


def _optional(data: dict[str, Any], key: str, kind: type[str]) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, kind):
        raise ValueError(f"{key} is not a {kind.__name__}")
    return value


def session_path() -> Path:
    return paths.state_dir() / SESSION_FILE


def save_session(session: Session, path: Path | None = None) -> None:
    """Keep ``session`` for the next run (atomically). OSError if the file cannot be written."""
    path = session_path() if path is None else path
    path.parent.mkdir(parents=True, exist_ok=True)
    encoded = json.dumps(session.to_json(), ensure_ascii=False, indent=2) + "\n"
    atomic_write_bytes(path, encoded.encode("utf-8"))


def load_session(path: Path | None = None, notices: list[str] | None = None) -> Session | None:
    """The last saved session; None if there is none or it was unreadable (then set aside and
    a one-line notice appended to ``notices``)."""
    path = session_path() if path is None else path
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        _notice(notices, f"the last session could not be read ({describe_error(error)})")
        return None
    try:
        return Session.from_json(json.loads(raw))
    except (ValueError, UnicodeDecodeError) as error:
        try:
            aside = move_aside(path)
        except FileNotFoundError:
            return None  # another instance set it aside first
        except OSError as move_error:
            _notice(notices, f"{path.name} is unreadable and could not be moved: {move_error}")
            return None
        _notice(
            notices,
            f"{path.name} was unreadable ({describe_error(error)}); moved aside to {aside.name}",
        )
        return None


def _notice(notices: list[str] | None, text: str) -> None:
    logger.warning("%s", text)
    if notices is not None:
        notices.append(text)
