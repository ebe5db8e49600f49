"""The command line's language: chosen once per run, and click's own messages in it.

``--lang en`` (or ``--lang=en``, anywhere on the command line) or ``JIXIAO_LANG=en`` selects
English; Chinese is the default. click builds its messages (usage errors, ``Usage:``, ``Options``)
with :mod:`gettext`; :func:`use` points click's ``gettext`` and ``ngettext`` at the catalog below,
so that a Chinese run shows click's errors in Chinese too.

>>> detect_lang(["score", "a.json", "--lang", "en"], {})
'en'
>>> detect_lang(["score", "a.json"], {"JIXIAO_LANG": "en"})
'en'
>>> detect_lang(["score"], {})
'zh'
>>> zh_gettext("Missing argument")
'缺少参数'
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping, Sequence

import click
import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.termui
import click.types
import click.utils

from jixiao.i18n import lang_of_args

__all__ = ["CLICK_ZH", "CLICK_ZH_PLURAL", "current", "detect_lang", "use", "zh_gettext"]

#: click's messages in Chinese (the msgid is click's English text).
CLICK_ZH: dict[str, str] = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "位置参数",
    "Show this message and exit.": "显示此帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行「{command} {option}」查看帮助。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing {param_type}": "缺少{param_type}",
    "Missing command.": "缺少命令。",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Invalid start character for option ({option})": "选项的起始字符无效（{option}）",
    "Value must be an iterable.": "值必须是可迭代的。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    # click names the path type ({name}: "File") when the command is defined, before the run's
    # language is known, so the Chinese messages leave it out
    "{name} {filename!r} does not exist.": "{filename!r} 不存在。",
    "{name} {filename!r} is a directory.": "{filename!r} 是文件夹。",
    "{name} {filename!r} is a file.": "{filename!r} 是文件。",
    "{name} {filename!r} is not readable.": "{filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{filename!r} 不可写。",
    "{name} {filename!r} is not executable.": "{filename!r} 不可执行。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid UUID.": "{value!r} 不是有效的 UUID。",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "Aborted!": "已中止！",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "required": "必填",
    "deprecated": "已弃用",
    "(dynamic)": "（动态）",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "integer": "整数",
    "float": "数字",
    "boolean": "布尔值",
    "unknown error": "未知错误",
    "Do you want to continue?": "是否继续？",
}

#: click's singular/plural messages in Chinese (one text for both).
CLICK_ZH_PLURAL: dict[str, str] = {
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Did you mean {possibility}?": "是否应为 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否应为其中之一：{possibilities}？）",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不是 {choices} 之一。",
    "{value!r} does not match the format {format}.": "{value!r} 不符合格式 {format}。",
    "{value!r} does not match the formats {formats}.": "{value!r} 不符合任一格式 {formats}。",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，只给了 1 个。",
    "Takes {nargs} values but {len} were given.": "需要 {nargs} 个值，给了 {len} 个。",
}

_MODULES = (
    click.core,
    click.decorators,
    click.exceptions,
    click.formatting,
    click.parser,
    click.termui,
    click.types,
    click.utils,
)

_current = ["zh"]


def zh_gettext(message: str) -> str:
    return CLICK_ZH.get(message, message)


def zh_ngettext(singular: str, plural: str, n: int) -> str:
    text = singular if n == 1 else plural
    return CLICK_ZH_PLURAL.get(text, text)


def detect_lang(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    """The language of this run: the last ``--lang`` on the command line, else ``JIXIAO_LANG``,
    else Chinese (:func:`jixiao.i18n.lang_of_args`)."""
    return lang_of_args(argv, environ)


def use(lang: str) -> None:
    """Show click's own messages (and jixiao's CLI errors) in *lang* from now on."""
    _current[0] = "en" if lang == "en" else "zh"
    zh = _current[0] == "zh"
    for module in _MODULES:
        if hasattr(module, "_"):
            module._ = zh_gettext if zh else gettext.gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = zh_ngettext if zh else gettext.ngettext  # type: ignore[attr-defined]


def current() -> str:
    """The language chosen for this run (``zh`` until :func:`use` says otherwise)."""
    return _current[0]
