"""Names in policy files: did-you-mean suggestions, and the one normalisation of words.

:func:`norm_word` is how a tier word, a placeholder or an actual's text is compared: the policy
checks its words with it when loading, the evaluator matches cells with it when scoring. One
function, so the two can never drift apart (a tier word would silently stop matching).

>>> norm_word(" 达成 预期。")
'达成预期'
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["IGNORED_PUNCTUATION", "did_you_mean", "norm_word"]

#: Punctuation that does not change what a word says (dropped with all whitespace).
IGNORED_PUNCTUATION = "。.,，；;！!、"
_DROP = str.maketrans("", "", IGNORED_PUNCTUATION)


def norm_word(text: str) -> str:
    """*text* without whitespace and the punctuation that does not change its meaning."""
    return "".join(text.split()).translate(_DROP)


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """``"是不是「x」？ (did you mean 'x'?)"`` for the closest candidate, or None.

    >>> did_you_mean("wieght", ["weight", "claimed"])
    "是不是「weight」？ (did you mean 'weight'?)"
    """
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    if not close:
        return None
    return f"是不是「{close[0]}」？ (did you mean {close[0]!r}?)"
