"""``arxiv-daily`` and ``python -m tui``: see tui/cli.py."""

from __future__ import annotations

import sys

from tui import cli


def main() -> int:
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
