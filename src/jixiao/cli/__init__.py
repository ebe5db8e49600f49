"""The ``jixiao`` command (``jixiao.cli:main``; also ``python -m jixiao``).

The commands live in :mod:`jixiao.cli.app`. click and rich are core dependencies, imported only
here (never by ``import jixiao``); if an installation lost them, ``main`` prints a one-line message
instead of a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from jixiao.errors import JixiaoError
from jixiao.i18n import Msg, lang_of_args, tr, word

__all__ = ["MISSING_EXTRA", "main"]

MISSING_EXTRA = Msg(
    "jixiao 安装不完整：命令行需要 click 和 rich，请重新安装：pip install --force-reinstall jixiao",
    "the jixiao installation is incomplete: the command line needs click and rich; reinstall "
    "with pip install --force-reinstall jixiao",
)


INTERNAL = Msg(
    "内部错误，请报告此问题：{kind}: {exc}\n设置 JIXIAO_DEBUG=1 可查看详细回溯",
    "internal error, please report it: {kind}: {exc}\nset JIXIAO_DEBUG=1 for the traceback",
)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line; exits with its status (0 ok, 1 findings/failures, 2 usage)."""
    args = list(argv) if argv is not None else sys.argv[1:]
    try:
        import click  # noqa: F401
        import rich  # noqa: F401
    except ImportError:
        sys.stderr.write(MISSING_EXTRA.text(lang_of_args(args, os.environ)) + "\n")
        raise SystemExit(2) from None
    # after the check above: these import click and rich
    from jixiao.cli import lang as cli_lang
    from jixiao.cli.app import cli

    cli_lang.use(cli_lang.detect_lang(args, os.environ))  # click's own errors in it too
    try:
        cli.main(args=args, prog_name="jixiao")
    except BrokenPipeError:  # `jixiao score … | head`: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(1) from None
    except JixiaoError as exc:  # every expected error is handled in the commands; a safety net
        lang = cli_lang.current()
        sys.stderr.write(word("error_prefix", lang) + exc.render(lang) + "\n")
        raise SystemExit(2) from None
    except Exception as exc:
        if os.environ.get("JIXIAO_DEBUG"):
            raise
        sys.stderr.write(tr(INTERNAL, cli_lang.current(), kind=type(exc).__name__, exc=exc) + "\n")
        raise SystemExit(3) from None
