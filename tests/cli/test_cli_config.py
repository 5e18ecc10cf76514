"""The settings file from the command line: where it is, what a bad one says, what digest takes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args], capture_output=True, text=True, cwd=ROOT, timeout=60
    )


def test_config_path_creates_the_commented_file(isolated_dirs: Path) -> None:
    result = run("config", "--path")
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.strip())
    assert path == isolated_dirs / "config" / "config.toml"
    assert path.read_text(encoding="utf-8").startswith("# arxiv-daily settings")


def test_a_bad_config_is_one_line_with_its_line_number(isolated_dirs: Path) -> None:
    path = Path(run("config", "--path").stdout.strip())
    path.write_text('categories = ["cs.LG",\n  "cs.XX"]\n', encoding="utf-8")
    for args in (("digest", "--demo"), ("config",)):
        result = run(*args)
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert "line 2" in lines[0] and "cs.XX" in lines[0]
        assert "Traceback" not in result.stderr


def test_digest_takes_the_configured_default_profile(isolated_dirs: Path) -> None:
    path = Path(run("config", "--path").stdout.strip())
    path.write_text(
        'categories = ["cs.LG", "cs.CV", "cs.CL"]\n'
        'default_profile = "Diffusion"\n'
        "[profiles.Diffusion]\n"
        'keywords = ["Diffusion", "DDPM"]\n'
        'exclude = ["graph diffusion"]\n',
        encoding="utf-8",
    )
    result = run("digest", "--demo", "--format", "json")
    assert result.returncode == 0, result.stderr
    ids = [paper["id"] for paper in json.loads(result.stdout)["papers"]]
    # "A Graph Diffusion Algorithm for Lexical Similarity" only ever says "graph diffusion".
    assert len(ids) == 15
    assert "2504.06816" not in ids


def test_a_settings_file_the_disk_will_not_give_is_exit_1(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    env = {**os.environ, "ARXIV_DAILY_CONFIG_DIR": str(blocker / "config")}
    where = subprocess.run(
        [sys.executable, "-m", "tui", "config", "--path"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env=env,
    )
    # Where the file would be is still printed, with one line saying why it is not there.
    assert where.returncode == 0
    assert where.stdout == f"{blocker / 'config' / 'config.toml'}\n"
    assert "cannot create: Not a directory" in where.stderr
    for args in (("digest", "--demo"),):
        result = subprocess.run(
            [sys.executable, "-m", "tui", *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
            env=env,
        )
        assert result.returncode == 1, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "cannot create: Not a directory" in lines[0], result.stderr
