"""The unit registry: canonical symbols, dimensions and exact Decimal factors.

Every unit belongs to a *dimension* and has a *factor* that turns a value in that unit into the
dimension's base unit, exactly (``64.253万元`` is ``642530`` in 元). Ratios (``%``, ``‰``) and
bare magnitudes (``万``) are dimensionless, like a number with no unit; ``百分点`` (percentage
points) is a dimension of its own. Count words are each their own dimension: 人 and 人次 do not
compare. A CJK word the registry does not know is still a unit (an open set), of its own dimension.

>>> lookup_unit("萬元").symbol, lookup_unit("万元").factor
('万元', Decimal('10000'))
>>> lookup_unit("元/人*月").symbol
'元/人·月'
"""

from __future__ import annotations

import difflib
import functools
import re
from decimal import Decimal

import attrs

__all__ = [
    "CONFUSABLES",
    "DIMENSIONLESS",
    "MAGNITUDES",
    "Unit",
    "known_symbols",
    "known_words",
    "lookup_unit",
    "near_miss_unit",
    "suggest_unit",
]

DIMENSIONLESS = "dimensionless"


@attrs.frozen(slots=True, cache_hash=True)
class Unit:
    """A unit: its canonical symbol, its dimension, and the factor to the dimension's base unit."""

    symbol: str
    dimension: str
    factor: Decimal = Decimal(1)
    known: bool = True

    @property
    def dimension_label(self) -> str:
        """A short human name of the dimension (``money``, ``count:人``, ``length`` …)."""
        return self.dimension

    def __str__(self) -> str:
        return self.symbol


# (canonical symbol, dimension, factor, aliases)
_BASE: list[tuple[str, str, str, tuple[str, ...]]] = [
    # money (base 元)
    ("元", "money", "1", ("元钱", "元整")),
    ("万元", "money", "10000", ("萬元",)),
    ("千元", "money", "1000", ()),
    ("百万元", "money", "1000000", ("百萬元",)),
    ("亿元", "money", "100000000", ("億元",)),
    # ratios: dimensionless, % is 1/100
    ("%", DIMENSIONLESS, "0.01", ("％", "百分比", "﹪", "pct")),
    ("‰", DIMENSIONLESS, "0.001", ("千分比",)),
    ("百分点", "percentage_point", "1", ("个百分点",)),
    ("倍", DIMENSIONLESS, "1", ()),
    # scores (考核得分≥90分)
    ("分", "score", "1", ()),
    # time: seconds for durations, months for calendar spans
    ("秒", "time", "1", ()),
    ("分钟", "time", "60", ("分鐘",)),
    ("小时", "time", "3600", ("小時", "个小时", "h")),
    ("天", "time", "86400", ("日", "自然日")),
    ("周", "time", "604800", ("星期", "週")),
    ("工作日", "time:workday", "1", ("个工作日",)),
    # 个月, not 月: "12月" is December, "12个月" a duration
    ("个月", "time:month", "1", ("月", "個月")),
    ("季度", "time:month", "3", ("个季度",)),
    ("年", "time:month", "12", ("年度",)),
    ("周岁", "age", "1", ("岁", "歲", "週歲")),
    # length (base 米)
    ("米", "length", "1", ("m", "延米")),
    ("厘米", "length", "0.01", ("cm",)),
    ("毫米", "length", "0.001", ("mm",)),
    ("公里", "length", "1000", ("千米", "km", "公裏")),
    # area (base 亩: 1 平方米 is exactly 0.0015 亩)
    ("亩", "area", "1", ("畝",)),
    ("平方米", "area", "0.0015", ("㎡", "m2", "m²", "平米", "平方")),
    ("公顷", "area", "15", ("公頃",)),
    ("平方公里", "area", "1500", ("平方千米", "km2", "km²")),
    # mass (base 千克)
    ("千克", "mass", "1", ("公斤", "kg")),
    ("克", "mass", "0.001", ("g",)),
    ("斤", "mass", "0.5", ()),
    ("吨", "mass", "1000", ("噸", "t")),
    # volume (base 立方米)
    ("立方米", "volume", "1", ("方", "m3", "m³", "立方")),
    ("升", "volume", "0.001", ("L",)),
    # data (base GB)
    ("MB", "data", "0.0009765625", ("M",)),
    ("GB", "data", "1", ("G",)),
    ("TB", "data", "1024", ("T",)),
    ("PB", "data", "1048576", ("P",)),
    # energy and power
    ("千瓦", "power", "1", ("kW", "KW")),
    ("兆瓦", "power", "1000", ("MW",)),
    ("千瓦时", "energy", "1", ("度", "kWh")),
]

# Count words: each is a dimension of its own (人 never compares with 人次).
_COUNTS: dict[str, tuple[str, ...]] = {
    "人": ("名", "位"),
    "人次": (),
    "人天": ("人日",),
    "次": ("回",),
    "个": ("個", "箇"),
    "项": ("項",),
    "家": (),
    "户": ("戶", "戸"),
    "场": ("場",),
    "场次": ("場次",),
    "期": (),
    "批": (),
    "篇": (),
    "份": (),
    "件": (),
    "台": ("臺",),
    "套": (),
    "台套": ("臺套",),
    "辆": ("輛",),
    "所": (),
    "座": (),
    "处": ("處",),
    "条": ("條",),
    "本": (),
    "册": ("冊",),
    "部": (),
    "组": ("組",),
    "只": ("隻",),
    "头": ("頭",),
    "种": ("種",),
    "粒": (),
    "例": (),
    "起": (),
    "株": (),
    "棵": (),
    "间": ("間",),
    "栋": ("棟",),
    "处所": (),
    "块": ("塊",),
    "口": (),
    "眼": (),
    "张": ("張",),
    "页": ("頁",),
    "卷": (),
    "期次": (),
    "班": (),
    "班次": (),
    "课时": ("課時", "学时", "學時"),
    "节": ("節",),
    "门": ("門",),
    "类": ("類",),
    "点": ("點",),
    "网点": (),
    "个次": (),
    "户次": (),
    "家次": (),
    "车次": (),
    "架次": (),
    "艘": (),
    "匹": (),
    "羽": (),
    "窝": (),
    "箱": (),
    "袋": (),
    "盒": (),
    "瓶": (),
    "支": (),
    "根": (),
    "片": (),
    "段": (),
    "道": (),
    "所学校": (),
    "个村": (),
    "村": (),
    "镇": (),
    "乡镇": (),
    "校": (),
    "床": (),
    "张床": (),
    "篇次": (),
    "项次": (),
    "条次": (),
    "场馆": (),
    "台次": ("臺次",),
    "讲": ("講",),
    "届": ("屆",),
    "轮": ("輪",),
    "课": ("課",),
    "宗": (),
    "单": (),
    "笔": ("筆",),
    "封": (),
    "幅": (),
    "盏": ("盞",),
}

MAGNITUDES: dict[str, Decimal] = {
    "十": Decimal(10),
    "百": Decimal(100),
    "千": Decimal(1000),
    "万": Decimal(10000),
    "萬": Decimal(10000),
    "十万": Decimal(100000),
    "百万": Decimal(1000000),
    "千万": Decimal(10000000),
    "亿": Decimal(100000000),
    "億": Decimal(100000000),
}
_CANONICAL_MAGNITUDE = {"萬": "万", "億": "亿"}


def _build() -> tuple[dict[str, Unit], dict[str, Unit]]:
    canonical: dict[str, Unit] = {}
    aliases: dict[str, Unit] = {}
    for symbol, dim, factor, alias in _BASE:
        unit = Unit(symbol, dim, Decimal(factor))
        canonical[symbol] = unit
        aliases[symbol] = unit
        for a in alias:
            aliases[a] = unit
    for symbol, alias in _COUNTS.items():
        unit = Unit(symbol, f"count:{symbol}", Decimal(1))
        canonical[symbol] = unit
        aliases.setdefault(symbol, unit)
        for a in alias:
            aliases.setdefault(a, unit)
    return canonical, aliases


_CANONICAL, _ALIASES = _build()

# 元/人·月, not 元/人·个月
_IN_COMPOUND = {"个月": "月"}
_COMPOUND_SEP = re.compile(r"\s*[*·•×・∙⋅]\s*")


def known_symbols() -> tuple[str, ...]:
    """Every canonical unit symbol in the registry."""
    return tuple(_CANONICAL)


def _simple(word: str) -> Unit | None:
    unit = _ALIASES.get(word)
    if unit is not None:
        return unit
    # A magnitude glued to a unit: 万人次, 千亩, 亿元 (registered), 万 alone.
    for prefix in sorted(MAGNITUDES, key=len, reverse=True):
        if word.startswith(prefix):
            rest = word[len(prefix) :]
            scale = MAGNITUDES[prefix]
            name = _CANONICAL_MAGNITUDE.get(prefix, prefix)
            if not rest:
                return Unit(name, DIMENSIONLESS, scale)
            base = _ALIASES.get(rest)
            if base is not None:
                return Unit(name + base.symbol, base.dimension, base.factor * scale)
    return None


def lookup_unit(word: str) -> Unit | None:
    """The unit a word names (see :func:`_lookup_unit`); words longer than 64 characters are
    not cached, so the cache stays small in bytes whatever the input."""
    if len(word) > 64:
        return _lookup_unit.__wrapped__(word)
    return _lookup_unit(word)


@functools.lru_cache(maxsize=4096)
def _lookup_unit(word: str) -> Unit | None:
    """The unit a word names, or None for an empty word.

    Known words resolve to their canonical unit; ``A/B`` and ``A/B*C`` build compound units; a
    word the registry does not know becomes an open unit of its own dimension (``known=False``).

    >>> lookup_unit("1") is None, lookup_unit("台套").dimension
    (True, 'count:台套')
    """
    word = word.strip()
    if not word or any(ch.isdigit() for ch in word):
        return None
    simple = _simple(word)
    if simple is not None:
        return simple
    if "/" in word or "／" in word:
        num_text, _, den_text = word.replace("／", "/").partition("/")
        num = _simple(num_text.strip()) or _open(num_text.strip())
        dens = [d for d in _COMPOUND_SEP.split(den_text) if d]
        if num is None or not dens:
            return None
        den_units = [_simple(d) or _open(d) for d in dens]
        if any(d is None for d in den_units):
            return None
        factor = num.factor
        parts = []
        dims = []
        for d in den_units:
            assert d is not None
            factor /= d.factor
            parts.append(_IN_COMPOUND.get(d.symbol, d.symbol))
            dims.append(d.dimension)
        return Unit(
            f"{num.symbol}/{'·'.join(parts)}",
            f"{num.dimension}/{'·'.join(dims)}",
            factor,
            known=num.known and all(d.known for d in den_units if d is not None),
        )
    return _open(word)


def _open(word: str) -> Unit | None:
    if not word:
        return None
    return Unit(word, f"other:{word}", Decimal(1), known=False)


def suggest_unit(word: str) -> str | None:
    """The known unit a misspelt word most likely meant (``万圆`` → ``万元``), or None.

    >>> suggest_unit("万园")
    '万元'
    """
    candidates = list(_ALIASES)
    candidates += [m + u for m in ("万", "千", "亿") for u in ("元", "人", "人次", "亩")]
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.5)
    if not close:
        return None
    unit = lookup_unit(close[0])
    return unit.symbol if unit else close[0]


def known_words() -> tuple[str, ...]:
    """Every word the registry reads as a unit by itself (canonical symbols and aliases).

    Magnitude compositions (``万粒``, ``千亩``) and compound units (``元/人·月``) are not listed;
    :func:`lookup_unit` builds them.
    """
    return tuple(_ALIASES)


#: Look-alike characters that turn up in unit words (OCR, input-method slips, financial forms),
#: mapped to the character of the registered unit they stand for.
CONFUSABLES: dict[str, str] = {
    "圆": "元",
    "圓": "元",
    "園": "元",
    "园": "元",
    "兀": "元",
    "仟": "千",
    "佰": "百",
    "拾": "十",
}


def near_miss_unit(word: str) -> str | None:
    """The unit a damaged magnitude-unit word stands for (``万圆`` → ``万元``), or None.

    The rule is deliberately narrow, so that an unknown word stays an open unit: *word* must
    not be a known unit, replacing its look-alike characters (:data:`CONFUSABLES`) must give a
    known unit, and that unit must be a magnitude with a unit after it (``万元``, ``千元``,
    ``亿元``, ``万人``). A lone ``圆`` or ``园`` after a number is left alone (it may be a real
    word: 3园 = three gardens).

    >>> near_miss_unit("万圆"), near_miss_unit("仟元"), near_miss_unit("园"), near_miss_unit("万元")
    ('万元', '千元', None, None)
    """
    if not word or word in _ALIASES:
        return None
    fixed = "".join(CONFUSABLES.get(ch, ch) for ch in word)
    if fixed == word:
        return None
    magnitude = next((m for m in _MAGNITUDES_LONGEST if fixed.startswith(m)), None)
    if magnitude is None or len(fixed) == len(magnitude):
        return None
    unit = _simple(fixed)
    return unit.symbol if unit is not None and unit.known else None


_MAGNITUDES_LONGEST = sorted(MAGNITUDES, key=len, reverse=True)
