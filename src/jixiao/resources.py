"""Locating the grammar and rule files, in an installed wheel or in a checkout.

The wheel carries ``grammar/`` and ``rules/`` as package data under ``jixiao/_resources``; a
checkout (or an editable install) has them at the repository's top level.
"""

from __future__ import annotations

import functools
from pathlib import Path

from jixiao.errors import InstallError

__all__ = ["grammar_path", "resource_dir", "rules_dir"]

_PACKAGE = Path(__file__).resolve().parent


@functools.cache
def resource_dir(name: str) -> Path:
    """The directory holding the shipped ``grammar`` or ``rules`` files."""
    installed = _PACKAGE / "_resources" / name
    if installed.is_dir():
        return installed
    checkout = _PACKAGE.parent.parent / name
    if checkout.is_dir():
        return checkout
    raise InstallError(
        f"jixiao 安装不完整：找不到 {name}/ 目录 (jixiao is installed without its {name}/ files)"
    )


def grammar_path(name: str) -> Path:
    """The path of a shipped grammar file, e.g. ``grammar_path("target.lark")``."""
    return resource_dir("grammar") / name


def rules_dir() -> Path:
    """The directory of the shipped rule files (``central.policy`` …)."""
    return resource_dir("rules")
