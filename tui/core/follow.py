"""What a user follows: categories and keyword profiles."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class KeywordProfile:
    """A named list of keywords, OR'd, matched case-insensitively as substrings; or, with
    ``query`` set, a saved search: the papers that query of the search language matches."""

    name: str
    keywords: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    """Phrases that veto a match where they contain it ("graph diffusion" for "Diffusion")."""
    query: str = ""
    """A saved search's query (``ti:diffusion -cat:astro-ph``; keywords are then empty)."""


@dataclass(frozen=True, slots=True)
class Follow:
    categories: tuple[str, ...]
    profiles: tuple[KeywordProfile, ...] = field(default=())
    default_profile: str | None = None

    def profile(self, name: str | None) -> KeywordProfile | None:
        return next((p for p in self.profiles if p.name == name), None)


DEFAULT_FOLLOW = Follow(
    categories=("cs.LG", "cs.CV", "cs.CL", "cs.AI"),
    profiles=(KeywordProfile("Diffusion", ("Diffusion", "DDPM", "DDIM")),),
    default_profile=None,
)
