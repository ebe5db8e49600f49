"""Character normalisation of a cell before it is parsed.

Cells copied out of PDFs and word processors carry look-alike characters: Kangxi radicals
(``⼈`` U+2F08 for 人), CJK compatibility ideographs, full-width Latin letters and digits
(``ＴＢ``), the minus sign ``−``. They are folded to the characters the grammar reads, one
character for one (NFKC where it yields a single character, plus a short table of CJK radical
supplement forms that NFKC leaves alone), so every position in the normalised text is the same
position in the cell as written and errors point at what the user sees.

Punctuation is not folded (``，`` stays a clause comma rather than becoming a thousands
separator), nor are superscripts or circled numbers (``m²``, ``①``), whose NFKC forms change
their meaning.

The fold is cheap: one regex scan finds whether a cell has anything to fold at all (almost no
cell does), and only then is the translation table applied.

>>> normalize("≥45⼈")
'≥45人'
>>> normalize("２５ＴＢ")
'25TB'
>>> normalize("≥−5%")
'≥-5%'
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize"]

#: CJK Radicals Supplement forms that stand for a whole character (NFKC keeps most of them).
_RADICALS_SUPPLEMENT = {
    "⺟": "母",
    "⺠": "民",
    "⻁": "虎",
    "⻄": "西",
    "⻅": "见",
    "⻆": "角",
    "⻉": "贝",
    "⻊": "足",
    "⻋": "车",
    "⻑": "長",
    "⻓": "长",
    "⻔": "门",
    "⻗": "雨",
    "⻘": "青",
    "⻙": "韦",
    "⻚": "页",
    "⻛": "风",
    "⻜": "飞",
    "⻝": "食",
    "⻢": "马",
    "⻣": "骨",
    "⻤": "鬼",
    "⻥": "鱼",
    "⻦": "鸟",
    "⻧": "卤",
    "⻨": "麦",
    "⻩": "黄",
    "⻬": "齐",
    "⻮": "齿",
    "⻰": "龙",
    "⻳": "龟",
}

#: Minus-sign look-alikes (NFKC leaves U+2212 alone).
_MINUS = {"−": "-", "﹣": "-", "－": "-"}

# Blocks whose characters are folded by NFKC when that gives one character: Kangxi radicals,
# CJK compatibility ideographs (and their supplement), full-width digits and Latin letters.
_RANGES = (
    (0x2F00, 0x2FE0),
    (0xF900, 0xFB00),
    (0xFF10, 0xFF1A),
    (0xFF21, 0xFF3B),
    (0xFF41, 0xFF5B),
    (0x2F800, 0x2FA20),
)


def _table() -> dict[int, str]:
    table: dict[int, str] = {}
    for lo, hi in _RANGES:
        for code in range(lo, hi):
            ch = chr(code)
            folded = unicodedata.normalize("NFKC", ch)
            if len(folded) == 1 and folded != ch:
                table[code] = folded
    for src, dst in (*_RADICALS_SUPPLEMENT.items(), *_MINUS.items()):
        table[ord(src)] = dst
    return table


_TABLE = _table()
# The blocks as ranges (a superset of the table's keys: a character that folds to itself is left
# alone by translate), so the scan is a few range tests per character.
_FOLDABLE = re.compile(
    "["
    + "".join(f"{re.escape(chr(lo))}-{re.escape(chr(hi - 1))}" for lo, hi in _RANGES)
    + "\u2e80-\u2eff"
    + "".join(re.escape(ch) for ch in _MINUS)
    + "]"
)


def normalize(text: str) -> str:
    """*text* with look-alike characters folded, one character for one (same length)."""
    if text.isascii() or _FOLDABLE.search(text) is None:
        return text
    return text.translate(_TABLE)
