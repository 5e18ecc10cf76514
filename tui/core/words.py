"""Counting things in words, one way everywhere."""

from __future__ import annotations


def count_papers(count: int, *, grouped: bool = True) -> str:
    """The count with its noun: "1 paper", "12 papers", "1,504 papers" (no comma when not
    ``grouped``). The one way every screen, notice and file counts papers."""
    number = f"{count:,}" if grouped else str(count)
    return f"{number} paper" if count == 1 else f"{number} papers"
