"""What a user follows: categories and keyword profiles."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class KeywordProfile:
    """A named list of keywords, OR'd, matched case-insensitively as substrings."""

    name: str
    keywords: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    """Phrases that veto a match where they contain it ("graph diffusion" for "Diffusion")."""


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
