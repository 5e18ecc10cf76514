"""Watching an author and then unwatching them gives the settings file back byte for byte.

The edits are tomlkit's (``tui.config.toml_edit``); what they must keep is the user's file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.config import (
    TEMPLATE,
    add_watch_author,
    config_path,
    ensure_config_file,
    load_config,
    remove_watch_author,
)

SHAPES = [
    pytest.param("[watch]\nauthors = []\n", id="empty"),
    pytest.param('[watch]\nauthors = ["A. One", "B. Two"]\n', id="short-list"),
    pytest.param(
        '[watch]\nauthors = ["A. One", ]  # mine\nphrases = []\n', id="short-trailing-comma"
    ),
    pytest.param(
        '[watch]\nauthors = [\n    "A. One",  # first\n    # more below\n]\nphrases = []\n',
        id="long-list-with-comments",
    ),
    pytest.param("[watch]\nauthors = [\n]\n", id="empty-long-list"),
    pytest.param('[watch]\nauthors = [\n  "A. One",\n  "B. Two"]\n', id="bracket-after-item"),
    pytest.param(
        '[watch]\nauthors = [\n    "A. One",  # first\n    "B. Two",  # second\n'
        '    "C. Three",\n]\nphrases = []\n',
        id="long-list-three",
    ),
    pytest.param("[watch]\nauthors = [\n  'B. Two',  # the only one\n]\n", id="literal-string"),
    pytest.param("[watch]\nauthors = ['A. One', '''B. Two''']\n", id="literal-strings-short"),
    pytest.param('[watch]\nauthors = ["b.  two", "A. One", "B. Two"]\n', id="written-twice"),
    pytest.param(
        '[watch]\nauthors = [\n  "A. One",\n  "B. Two",\n  "b.  two",  # again\n]\n',
        id="written-twice-at-the-end",
    ),
    pytest.param('watch = { authors = ["A. One", "B. Two"] }\n', id="inline-table"),
    pytest.param('# mine\nwatch.authors = ["A. One"]\n\n[pdf]\n', id="dotted-key"),
    pytest.param(
        'theme = "nord"\r\n[watch]\r\nauthors = [\r\n  "B. Two",\r\n  "A. One",\r\n]\r\n',
        id="crlf",
    ),
    pytest.param('[watch]\nauthors = [\n\t"A. One",\n\t"B. Two",\n]\n', id="tabs"),
    pytest.param('[watch]\nauthors = [  # who\n  "A. One",\n]  # end\n', id="comments-at-brackets"),
]


@pytest.mark.parametrize("text", SHAPES)
@pytest.mark.parametrize("name", ["New Name", 'Jean "JJ" O\'Neil', "Łukasz Kaiser"])
def test_adding_then_removing_an_author_gives_the_file_back(
    text: str, name: str, tmp_path: Path
) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(text.encode())
    before = load_config(path).watch_authors
    add_watch_author(name, path)
    assert path.read_bytes() != text.encode()
    assert load_config(path).watch_authors == (*before, name)
    remove_watch_author(name, path)
    assert path.read_bytes() == text.encode()


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_the_template_comes_back_byte_for_byte(newline: str) -> None:
    path = ensure_config_file()
    template = TEMPLATE.replace("\n", newline).encode()
    path.write_bytes(template)
    for name in ("Yann LeCun", "Fei-Fei Li"):
        add_watch_author(name)
    assert load_config().watch_authors == ("Yann LeCun", "Fei-Fei Li")
    for name in ("fei-fei  li", "Yann LeCun"):  # as written, case and spacing aside
        remove_watch_author(name)
    assert config_path().read_bytes() == template


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            '[watch]\nauthors = [  # head\n  "B. Two",\n]\n',
            "[watch]\nauthors = [  # head\n]\n",
            id="a-comment-on-the-bracket-stays",
        ),
        pytest.param(
            '[watch]\nauthors = [\n  "A. One",\n  # about B\n  "B. Two",\n]\n',
            '[watch]\nauthors = [\n  "A. One",\n  # about B\n]\n',
            id="a-comment-line-stays",
        ),
        pytest.param(
            '[watch]\nauthors = [\n  "A. One",\n    "B. Two",\n  "C. Three",\n]\n',
            '[watch]\nauthors = [\n  "A. One",\n  "C. Three",\n]\n',
            id="the-next-keeps-its-indentation",
        ),
        pytest.param(
            '[watch]\r\nauthors = [\r\n  "A. One",\r\n  "B. Two"  # last\r\n]\r\n',
            '[watch]\r\nauthors = [\r\n  "A. One"\r\n]\r\n',
            id="crlf-with-a-comment-stays-crlf",
        ),
    ],
)
def test_an_item_on_a_line_of_its_own_goes_with_its_line(
    text: str, expected: str, tmp_path: Path
) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(text.encode())
    remove_watch_author("B. Two", path)
    assert path.read_bytes().decode() == expected


def test_a_list_without_a_trailing_comma_keeps_the_comma_it_gained(tmp_path: Path) -> None:
    """The one layout that does not come back: a new line needs a comma on the one before."""
    path = tmp_path / "config.toml"
    path.write_bytes(b'[watch]\nauthors = [\n  "A. One"\n]\n')
    add_watch_author("New Name", path)
    remove_watch_author("New Name", path)
    assert path.read_bytes() == b'[watch]\nauthors = [\n  "A. One",\n]\n'


def test_an_added_key_stays_when_its_author_goes(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'[watch]\nphrases = ["x"]\n')
    add_watch_author("New Name", path)
    remove_watch_author("New Name", path)
    assert path.read_bytes() == b'[watch]\nauthors = []\nphrases = ["x"]\n'
