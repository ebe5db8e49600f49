"""Names in policy files: did-you-mean suggestions, and the one normalisation of words.

:func:`norm_word` is how a tier word, a placeholder or an actual's text is compared: the policy
checks its words with it when loading, the evaluator matches cells with it when scoring. One
function, so the two can never drift apart (a tier word would silently stop matching).

>>> norm_word(" 达成 预期。")
'达成预期'
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from jixiao.i18n import Msg

__all__ = ["IGNORED_PUNCTUATION", "did_you_mean", "join_msgs", "known", "norm_word", "suggest"]

#: Punctuation that does not change what a word says (dropped with all whitespace).
IGNORED_PUNCTUATION = "。.,，；;！!、"
# \s is what str.split() splits on (Unicode whitespace): one scan of the text drops both
_DROP = re.compile(r"[\s" + re.escape(IGNORED_PUNCTUATION) + "]+")


def norm_word(text: str) -> str:
    """*text* without whitespace and the punctuation that does not change its meaning."""
    return _DROP.sub("", text)


def did_you_mean(word: str, candidates: Iterable[str]) -> Msg | None:
    """「是不是「x」？」 / ``did you mean 'x'?`` for the closest candidate, or None.

    >>> did_you_mean("wieght", ["weight", "claimed"]).text("en")
    "did you mean 'weight'?"
    >>> did_you_mean("wieght", ["weight", "claimed"]).text("zh")
    '是不是「weight」？'
    """
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    if not close:
        return None
    return Msg(f"是不是「{close[0]}」？", f"did you mean {close[0]!r}?")


def known(items: Iterable[str], zh: str = "可用", en: str = "known") -> Msg:
    """A list of what would be valid, headed by *zh* / *en*.

    >>> known(["lines", "rate"]).text("en")
    'known: lines, rate'
    >>> known(["lines", "rate"]).text("zh")
    '可用：lines、rate'
    """
    shown = list(items)
    return Msg(f"{zh}：" + "、".join(shown), f"{en}: " + ", ".join(shown))


def suggest(
    word: str,
    candidates: Iterable[str],
    zh: str = "可用",
    en: str = "known",
    *,
    limit: int | None = None,
) -> Msg:
    """The closest candidate to *word*, or else the candidates (the first *limit* of them)."""
    pool = list(candidates)
    return did_you_mean(word, pool) or known(pool if limit is None else pool[:limit], zh, en)


def join_msgs(*parts: Msg | None) -> Msg | None:
    """The messages given, one after the other (``；`` in Chinese, ``; `` in English)."""
    kept = [p for p in parts if p is not None]
    if not kept:
        return None
    return Msg("；".join(p.zh for p in kept), "; ".join(p.en for p in kept))
