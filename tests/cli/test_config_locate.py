"""The line of a bad setting, found with tomlkit (``tui.config.locate``), in the shapes TOML
allows: implied tables, dotted keys, tables written in parts, arrays of tables, quoted keys,
array items over several lines, CRLF."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.config import ConfigError, load_config
from tui.config.locate import line_of


@pytest.mark.parametrize(
    ("text", "path", "item", "line"),
    [
        pytest.param('\n\ntheme = "nord"\n', ("theme",), None, 3, id="key"),
        pytest.param('a = 1\n\n\n[pdf]\nfolder = "x"\n', ("pdf",), None, 4, id="header"),
        pytest.param(
            '\n[profiles.A]\nkeywords = ["a"]\n[profiles.B]\n', ("profiles",), None, 2, id="implied"
        ),
        pytest.param(
            '# c\n\nwatch.phrases = ["a"]\nwatch.authors = []\n', ("watch",), None, 3, id="dotted"
        ),
        pytest.param(
            'watch.phrases = ["a"]\nwatch.authors = []\n',
            ("watch", "authors"),
            None,
            2,
            id="dotted-key",
        ),
        pytest.param(
            "a = 1\n[watch]\nx = 1\n[pdf]\n[watch.y]\nz = 1\n",
            ("watch", "y", "z"),
            None,
            6,
            id="table-in-parts",
        ),
        pytest.param("a = 1\n\n[[w]]\nx = 1\n[[w]]\n", ("w",), None, 3, id="array-of-tables"),
        pytest.param('[keys]\n"star!" = "x"\n', ("keys", "star!"), None, 2, id="quoted-key"),
        pytest.param(
            'c = [\n  "a",  # "b", "c"\n  """\nb""",\n  "c",\n]\n', ("c",), 2, 5, id="item"
        ),
        pytest.param('c = ["a",\n  "b"]\n', ("c",), 7, 1, id="no-such-item"),
        pytest.param('c = "a, b"\n', ("c",), 1, 1, id="item-of-no-array"),
        pytest.param('[keys]\nquit = "q"\n', ("keys", "nope"), None, 1, id="unwritten"),
        pytest.param("x = { y = { z = 1 } }\n", ("x", "y", "z"), None, 1, id="inline-tables"),
        pytest.param(
            'a = 1\r\n\r\n[pdf]\r\nfolder = "x"\r\n', ("pdf", "folder"), None, 4, id="crlf"
        ),
    ],
)
def test_line_of_finds_what_is_written(
    text: str, path: tuple[str, ...], item: int | None, line: int
) -> None:
    assert line_of(text, path, item) == line


def test_line_of_an_unwritten_path_with_no_written_ancestor_is_none() -> None:
    assert line_of('theme = "nord"\n', ("watch", "authors")) is None


ERRORS = [
    pytest.param(
        '[profiles.A]\nkeywords = ["a"]\n\n[profiles.B.x]\ny = 1\n',
        4,
        "unknown setting profiles.B.x",
        id="sub-table",
    ),
    pytest.param(
        'watch.phrases = [\n  "a",\n  "",\n]\n', 3, "holds an empty string", id="dotted-key-item"
    ),
    pytest.param(
        '[keys]\nquit = [\n  "q",\n  "ctlr+q",\n]\n', 4, "'ctlr' is not a modifier", id="key-item"
    ),
    pytest.param('theme = "nord"\n\n[[whatch]]\n', 3, "unknown setting whatch", id="aot"),
    pytest.param('[[profiles]]\nkeywords = ["a"]\n', 1, "profiles must be sections", id="aot-2"),
    pytest.param('[pdf]\r\n\r\nfolder = "Papers"\r\n', 3, "must be absolute", id="crlf"),
]


@pytest.mark.parametrize(("text", "line", "problem"), ERRORS)
def test_errors_in_other_shapes_name_their_line(
    text: str, line: int, problem: str, tmp_path: Path
) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(text.encode())
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.line == line, str(caught.value)
    assert problem in str(caught.value)
