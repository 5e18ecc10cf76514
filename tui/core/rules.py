"""Kill rules (newsboat's ``ignore-article``): searches in the settings whose papers are cleared as
a day arrives. A ``hide`` rule keeps its papers out of the list; a ``read`` rule marks them read
(only papers never marked either way: a paper the user made unread stays unread). Nothing is
lost to a bad rule: the reader counts what the rules cleared and shows it on a key.

A rule is a query of the search language (tui.core.query), e.g. ``ti:survey -au:hinton``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from tui.core.query import Expr, Facts, QueryError, QueryIndex, parse_query

Action = Literal["hide", "read"]


@dataclass(frozen=True, slots=True)
class Rule:
    text: str
    """As written in the settings."""
    action: Action
    expr: Expr = field(compare=False)


def make_rules(hide: Sequence[str] = (), read: Sequence[str] = ()) -> tuple[Rule, ...]:
    """The rules the settings list; QueryError (naming the rule) for one that cannot be read."""
    rules: list[Rule] = []
    lists: tuple[tuple[Action, Sequence[str]], ...] = (("hide", hide), ("read", read))
    for action, texts in lists:
        for text in texts:
            try:
                expr = parse_query(text)
            except QueryError as error:
                raise QueryError(f"{text!r}: {error}", error.start, error.end) from None
            if expr is None:
                raise QueryError("an empty rule", 0, 0)
            rules.append(Rule(text, action, expr))
    return tuple(rules)


@dataclass(frozen=True, slots=True)
class Cleared:
    """What the rules did to one day: positions in its papers, each with the first rule that
    matched it (a paper both hidden and read counts as hidden)."""

    hidden: dict[int, Rule]
    read: dict[int, Rule]

    def __len__(self) -> int:
        return len(self.hidden) + len(self.read)

    @property
    def positions(self) -> frozenset[int]:
        return frozenset(self.hidden) | frozenset(self.read)


NOTHING_CLEARED = Cleared({}, {})


def apply_rules(rules: Sequence[Rule], index: QueryIndex, facts: Facts) -> Cleared:
    """Which papers of ``index`` the rules clear (a worker's job: each rule scans the day once)."""
    hidden: dict[int, Rule] = {}
    read: dict[int, Rule] = {}
    for rule in rules:
        target = hidden if rule.action == "hide" else read
        for position in index.positions(rule.expr, facts):
            if position not in hidden:
                target.setdefault(position, rule)
    for position in hidden:
        read.pop(position, None)
    return Cleared(hidden, read)
