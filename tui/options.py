"""What the command line asked for, shared by the app and the sub-commands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Options:
    date: date | None = None
    """A listing day; None means the newest listing."""
    categories: tuple[str, ...] | None = None
    """Categories given with --category; None means the followed ones."""
    keywords: tuple[str, ...] | None = None
    """Keywords given with --keyword (an ad-hoc profile); None means the configured profiles."""
    profile: str | None = None
    """A keyword profile or saved search of the settings, by name (--profile); None: the
    settings' default_profile."""
    demo: bool = False
    """Open the bundled sample day instead of fetching."""
