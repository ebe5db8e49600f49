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
from collections.abc import Callable
from typing import Any, TypeVar

import click

from jixiao.cli import lang as cli_lang
from jixiao.i18n import Msg

__all__ = ["LangCommand", "LangGroup", "LangOption", "option", "version_option"]

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


def version_option(**attrs: Any) -> Callable[[FC], FC]:
    """``click.version_option`` whose help follows the run's language."""
    return click.version_option(cls=LangOption, help=VERSION_HELP, **attrs)


class _Localized:
    """What :class:`LangCommand` and :class:`LangGroup` share: their texts as :class:`Msg`."""

    help: str | None
    epilog: str | None
    short_help: str | None
    help_msg: Msg | None
    epilog_msg: Msg | None
    short_msg: Msg | None

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


class LangCommand(_Localized, click.Command):
    """A command whose ``help``, ``epilog`` and ``short_help`` may be :class:`Msg`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._keep(kwargs)
        super().__init__(*args, **kwargs)

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


class LangGroup(_Localized, click.Group):
    """A group of :class:`LangCommand` (``@group.command``) and :class:`LangGroup`."""

    command_class = LangCommand
    group_class = type  # a subgroup is a LangGroup too

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._keep(kwargs)
        super().__init__(*args, **kwargs)

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
