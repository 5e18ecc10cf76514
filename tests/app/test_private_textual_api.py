"""Textual's private API reaches the paper list only through its one adapter, FastRender.

Private names are read from the source: every ``x._name`` in paper_list.py must be the list's
own (an attribute or method it defines, on ``self``) and none of its own may share a name with
Textual's (a private method of the same name would replace Textual's: ``_scroll_to`` would break
``scroll_to``). The adapter's own private uses must each be named in its docstring, which says
what to recheck at an upgrade.
"""

from __future__ import annotations

import ast
from pathlib import Path

from textual.scroll_view import ScrollView

from tui.app.widgets import fast_render, line_map, paper_list


def tree_of(module: object) -> ast.Module:
    return ast.parse(Path(str(getattr(module, "__file__", ""))).read_text(encoding="utf-8"))


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_attributes(tree: ast.AST) -> list[ast.Attribute]:
    return [
        node for node in ast.walk(tree) if isinstance(node, ast.Attribute) and is_private(node.attr)
    ]


def on_self(node: ast.Attribute) -> bool:
    return isinstance(node.value, ast.Name) and node.value.id == "self"


def textual_names() -> set[str]:
    """Every name a ScrollView has, on its classes or set on its instances."""
    return set(dir(ScrollView)) | set(vars(ScrollView()))


def own_names(tree: ast.Module, class_name: str) -> set[str]:
    """The methods a class defines and the attributes its methods assign on ``self``."""
    (cls,) = (n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name)
    names = {n.name for n in cls.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
    for node in ast.walk(cls):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets = [node.target]
        names |= {t.attr for t in targets if isinstance(t, ast.Attribute) and on_self(t)}
    return names


def imported_modules(tree: ast.Module) -> set[str]:
    modules = {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
    return modules


def test_the_paper_list_uses_no_private_name_but_its_own() -> None:
    tree = tree_of(paper_list)
    elsewhere = [
        f"line {node.lineno}: {ast.unparse(node)}"
        for node in private_attributes(tree)
        if not on_self(node)
    ]
    assert elsewhere == []
    used = {node.attr for node in private_attributes(tree) if on_self(node)}
    assert used - own_names(tree, "PaperList") == set()


def test_the_paper_lists_own_private_names_are_not_textuals() -> None:
    own = {name for name in own_names(tree_of(paper_list), "PaperList") if is_private(name)}
    assert own
    assert own & textual_names() == set()


def test_no_private_textual_module_is_imported() -> None:
    for module in (paper_list, line_map, fast_render):
        private = {name for name in imported_modules(tree_of(module)) if "._" in name}
        assert private == set(), module.__name__


def test_the_adapters_private_uses_are_the_ones_its_docstring_lists() -> None:
    used = {
        node.attr
        for node in private_attributes(tree_of(fast_render))
        if not (on_self(node) and node.attr in own_names(tree_of(fast_render), "FastRender"))
    }
    assert used == {"_scroll_update"}
    for name in used:
        assert name in (fast_render.__doc__ or ""), name
