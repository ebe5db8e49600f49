"""Help in one language: commands and options whose help texts are :class:`~jixiao.i18n.Msg`.

click takes help texts as plain strings when a command is defined, before the run's language is
known. The classes here keep the :class:`Msg` and put it in the run's language
(:func:`jixiao.cli.lang.current`) only when help is shown, so ``jixiao score --help`` is all
Chinese and ``jixiao --lang en score --help`` all English (with click's own words, translated by
:mod:`jixiao.cli.lang`).

A ``--lang`` anywhere on the command line chooses the language before click reads the rest
(``jixiao score --help --lang en`` too: click acts on ``--help`` before any other option).

>>> import click
>>> from jixiao.i18n import Msg
>>> @click.command(cls=LangCommand, help=Msg("打个招呼。", "Say hello."))
... @option("--name", help=Msg("名字", "the name"))
... def hello(name: str) -> None: ...
>>> from jixiao.cli import lang
>>> lang.use("en")
>>> "the name" in hello.get_help(click.Context(hello))
True
>>> lang.use("zh")
>>> print(hello.get_short_help_str())
打个招呼
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from importlib.metadata import version
from typing import Any, TypeVar

import click
import click.formatting

from jixiao.cli import lang as cli_lang
from jixiao.errors import display_width
from jixiao.i18n import Msg

__all__ = [
    "LangCommand",
    "LangContext",
    "LangFormatter",
    "LangGroup",
    "LangOption",
    "option",
    "version_option",
    "wrap",
]

FC = TypeVar("FC", bound=Callable[..., Any] | click.Command)


def _text(msg: Msg | str | None) -> str | None:
    if msg is None:
        return None
    text = msg.text(cli_lang.current()) if isinstance(msg, Msg) else msg
    return inspect.cleandoc(text)


def _take(value: object) -> tuple[Msg | None, Any]:
    """A help value given to click: (the Msg to keep, what click itself should get)."""
    if isinstance(value, Msg):
        return value, None
    return None, value


def _choose_lang(args: list[str]) -> None:
    """``--lang X`` among *args* chooses the language of this run (the last one wins)."""
    if any(a == "--lang" or a.startswith("--lang=") for a in args):
        cli_lang.use(cli_lang.detect_lang(args, {}))


class LangOption(click.Option):
    """An option whose ``help`` may be a :class:`Msg`, shown in the run's language."""

    def __init__(self, *args: Any, help: Msg | str | None = None, **kwargs: Any) -> None:
        self.help_msg, kwargs["help"] = _take(help)
        super().__init__(*args, **kwargs)

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        if self.help_msg is not None:
            self.help = _text(self.help_msg)
        return super().get_help_record(ctx)


def option(*param_decls: str, **attrs: Any) -> Callable[[FC], FC]:
    """``click.option`` with a :class:`Msg` for ``help``."""
    attrs.setdefault("cls", LangOption)
    return click.option(*param_decls, **attrs)


VERSION_HELP = Msg("显示版本并退出。", "Show the version and exit.")
HELP_HELP = Msg("显示此帮助并退出。", "Show this message and exit.")


VERSION = Msg("{prog}，版本 {version}", "{prog}, version {version}")


def version_option(*, package_name: str, prog_name: str) -> Callable[[FC], FC]:
    """``--version``: the installed version of *package_name*, said in the run's language."""

    def show(_ctx: click.Context) -> str:
        return VERSION.text(cli_lang.current(), prog=prog_name, version=version(package_name))

    return click.custom_version_option(show, cls=LangOption, help=VERSION_HELP)


_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
#: One wide character, a run of other characters, or a run of spaces: where a line may break.
_TOKEN = re.compile(f"[{_WIDE}]|[^\\s{_WIDE}]+|\\s+")
_HAS_WIDE = re.compile(f"[{_WIDE}]")
#: Punctuation that never starts a line (it stays at the end of the line before).
_NO_START = set("，。、；：！？）」』》”’")


def _wrap_paragraph(text: str, width: int, first: str, rest: str) -> list[str]:
    lines: list[str] = []
    line, used = first, display_width(first)
    empty = True
    for token in _TOKEN.findall(" ".join(text.split("\n"))):
        if token.isspace():
            if not empty:
                line, used = line + " ", used + 1
            continue
        size = display_width(token)
        if not empty and used + size > width and token not in _NO_START:
            lines.append(line.rstrip())
            line, used, empty = rest, display_width(rest), True
        line, used, empty = line + token, used + size, False
    lines.append(line.rstrip())
    return lines


def wrap(
    text: str,
    width: int = 78,
    initial_indent: str = "",
    subsequent_indent: str = "",
    preserve_paragraphs: bool = False,
) -> str:
    """click's ``wrap_text`` measured in terminal columns: a Chinese character takes two and a
    line may break between any two of them. Text without wide characters is click's own.

    >>> print(wrap("用生成的样例检验策略的性质（得分有界、单调等）。", 20))
    用生成的样例检验策略
    的性质（得分有界、单
    调等）。
    """
    if not _HAS_WIDE.search(text):
        return click.formatting.wrap_text(
            text, width, initial_indent, subsequent_indent, preserve_paragraphs
        )
    paragraphs = text.split("\n\n") if preserve_paragraphs else [text]
    out: list[str] = []
    for i, para in enumerate(paragraphs):
        first = initial_indent if i == 0 else subsequent_indent
        if para.startswith("\b"):  # click's mark: lines kept as written
            kept = para[1:].lstrip("\n").splitlines()
            out.append("\n".join(subsequent_indent + x for x in kept))
            continue
        out.append("\n".join(_wrap_paragraph(para.strip(), width, first, subsequent_indent)))
    return "\n\n".join(out)


class LangFormatter(click.HelpFormatter):
    """click's help formatter, measuring Chinese text in terminal columns, with a Chinese colon
    after a heading in Chinese."""

    def write_heading(self, heading: str) -> None:
        colon = "：" if cli_lang.current() == "zh" else ":"
        self.write(f"{'':>{self.current_indent}}{heading}{colon}\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        self.write(wrap(text, self.width, indent, indent, preserve_paragraphs=True))
        self.write("\n")

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        rows = list(rows)
        first_col = min(max((display_width(a) for a, _ in rows), default=0), col_max)
        first_col += col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if display_width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - display_width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            text_width = max(self.width - first_col - 2, 10)
            lines = wrap(second, text_width, preserve_paragraphs=True).splitlines() or [""]
            self.write(f"{lines[0]}\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


class LangContext(click.Context):
    """A context whose help is drawn by :class:`LangFormatter`."""

    formatter_class = LangFormatter


class _Localized(click.Command):
    """What :class:`LangCommand` and :class:`LangGroup` share: their texts as :class:`Msg`,
    shown in the run's language."""

    context_class = LangContext
    help_msg: Msg | None
    epilog_msg: Msg | None
    short_msg: Msg | None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._keep(kwargs)
        super().__init__(*args, **kwargs)

    def _keep(self, kwargs: dict[str, Any]) -> None:
        self.help_msg, kwargs["help"] = _take(kwargs.get("help"))
        self.epilog_msg, kwargs["epilog"] = _take(kwargs.get("epilog"))
        self.short_msg, kwargs["short_help"] = _take(kwargs.get("short_help"))

    def _localize(self) -> None:
        if self.help_msg is not None:
            self.help = _text(self.help_msg)
        if self.epilog_msg is not None:
            self.epilog = _text(self.epilog_msg)
        if self.short_msg is not None:
            self.short_help = _text(self.short_msg)
        elif self.help_msg is not None:
            # the first line of the help, whole (click would cut a Chinese line at 45 characters)
            first = (self.help or "").strip().splitlines()[0] if self.help else ""
            self.short_help = first.rstrip("。.")

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._localize()
        super().format_help(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        self._localize()
        return super().get_short_help_str(limit)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        _choose_lang(args)
        return super().parse_args(ctx, args)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        # click makes the help option once and keeps it: its text follows the run's language
        found = super().get_help_option(ctx)
        if found is not None:
            found.help = HELP_HELP.text(cli_lang.current())
        return found


class LangCommand(_Localized):
    """A command whose ``help``, ``epilog`` and ``short_help`` may be :class:`Msg`."""


class LangGroup(_Localized, click.Group):
    """A group of :class:`LangCommand` (``@group.command``) and :class:`LangGroup`."""

    command_class = LangCommand
    group_class = type  # a subgroup is a LangGroup too
