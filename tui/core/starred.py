"""The starred papers: one way to find them, for the starred view, the library and ranking."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from tui.core.paper import Paper

FindPapers = Callable[[Sequence[str]], Mapping[str, Paper]]
"""Looks papers up by id where they are kept (the day cache); those found, by id."""


def starred_papers(
    ids: Sequence[str], known: Mapping[str, Paper], find: FindPapers
) -> dict[str, Paper]:
    """The papers of the starred ``ids``, in their order: from ``known`` (the papers seen this
    session), the rest looked up with one call of ``find``. An id found nowhere is left out."""
    missing = [paper_id for paper_id in ids if paper_id not in known]
    found = find(missing) if missing else {}
    papers: dict[str, Paper] = {}
    for paper_id in ids:
        paper = known.get(paper_id) or found.get(paper_id)
        if paper is not None:
            papers[paper_id] = paper
    return papers
