"""The ``jixiao`` command (``jixiao.cli:main``; also ``python -m jixiao``).

The commands live in :mod:`jixiao.cli.app` and need the ``cli`` extra (click and rich). This
module imports neither, so that a missing extra gives a one-line message instead of a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

__all__ = ["MISSING_EXTRA", "main"]

MISSING_EXTRA = (
    "jixiao 命令行需要 click 和 rich，请安装：pip install 'jixiao[cli]' "
    "(the jixiao command needs click and rich: pip install 'jixiao[cli]')"
)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line; exits with its status (0 ok, 1 findings/failures, 2 usage)."""
    try:
        import click  # noqa: F401
        import rich  # noqa: F401
    except ImportError:
        sys.stderr.write(MISSING_EXTRA + "\n")
        raise SystemExit(2) from None
    from jixiao.cli.app import cli

    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="jixiao")
    except BrokenPipeError:  # `jixiao score … | head`: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(1) from None
