"""The layers hold: the core is pure (no Textual, no network or disk libraries), the adapters
do I/O without Textual. import-linter checks the imports between the layers (pyproject.toml);
this checks what importing each layer really loads."""

import subprocess
import sys

import pytest

CODE = (
    "import sys, pkgutil, importlib\n"
    "package = importlib.import_module({package!r})\n"
    "for m in pkgutil.walk_packages(package.__path__, {package!r} + '.'):\n"
    "    importlib.import_module(m.name)\n"
    "roots = {{n.partition('.')[0] for n in sys.modules}}\n"
    "print(' '.join(sorted(roots & {banned!r})))\n"
)


@pytest.mark.parametrize(
    ("package", "banned"),
    [
        ("tui.core", {"textual", "rich", "requests", "urllib3", "arxiv", "tinydb", "pyperclip"}),
        ("tui.adapters", {"textual", "rich", "pyperclip"}),
    ],
)
def test_a_layer_loads_nothing_above_it(package: str, banned: set[str]) -> None:
    code = CODE.format(package=package, banned=banned)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"{package} loads {result.stdout.strip()}"
