"""Did-you-mean suggestions for names in policy files."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["did_you_mean"]


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """``"是不是「x」？ (did you mean 'x'?)"`` for the closest candidate, or None.

    >>> did_you_mean("wieght", ["weight", "claimed"])
    "是不是「weight」？ (did you mean 'weight'?)"
    """
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    if not close:
        return None
    return f"是不是「{close[0]}」？ (did you mean {close[0]!r}?)"
