"""The settings package: the same names as the module it replaced, and tomlkit only when used.

Reading a valid file at start-up takes ``tomllib`` alone; tomlkit (slower to import and to
parse) comes in to place an error on its line or to edit the watch list.
"""

from __future__ import annotations

import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import tui.config

IMPORTED = {
    "Config",
    "ConfigError",
    "TEMPLATE",
    "add_watch_author",
    "config_path",
    "default_config",
    "default_pdf_folder",
    "ensure_config_file",
    "load_config",
    "parse_config",
    "remove_watch_author",
}
"""What ``from tui.config import ...`` takes, in the app, the command line and the tests."""


def test_every_name_importers_use_is_there() -> None:
    assert set(tui.config.__all__) >= IMPORTED
    for name in IMPORTED:
        assert getattr(tui.config, name) is not None


def test_the_template_is_package_data() -> None:
    resource = files("tui.config").joinpath("template.toml")
    assert resource.read_text(encoding="utf-8") == tui.config.TEMPLATE
    assert tui.config.parse_config(tui.config.TEMPLATE) == tui.config.default_config()


def loaded_after(code: str) -> list[str]:
    """Which of tomlkit, tomllib are imported once ``code`` has run in a fresh interpreter."""
    report = "print(','.join(m for m in ('tomlkit', 'tomllib') if m in sys.modules))"
    probe = f"import sys\nfrom pathlib import Path\n{code}\n{report}"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return result.stdout.strip().split(",")


def test_reading_a_valid_file_does_not_import_tomlkit(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    assert loaded_after(
        f"from tui.config import load_config\nload_config(Path({str(path)!r}))"
    ) == ["tomllib"]
    assert path.is_file()  # written from the template, then read


def test_an_error_or_an_edit_brings_tomlkit_in(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("\n[watch]\nauthors = [1]\n", encoding="utf-8")
    code = (
        "from tui.config import ConfigError, load_config\n"
        f"try:\n    load_config(Path({str(bad)!r}))\nexcept ConfigError as error:\n"
        "    assert error.line == 3, error\n"
        "else:\n    raise SystemExit('no error')\n"
    )
    assert loaded_after(code) == ["tomlkit", "tomllib"]
    good = tmp_path / "good.toml"
    edit = f"from tui.config import add_watch_author\nadd_watch_author('Ada', Path({str(good)!r}))"
    assert loaded_after(edit) == ["tomlkit", "tomllib"]
    assert 'authors = ["Ada"]' in good.read_text(encoding="utf-8")
