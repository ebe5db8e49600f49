"""Text helpers shared by the CSV and Excel readers: header normalisation and cell rendering.

Header and label cells are compared after :func:`norm_label`, which removes what varies between
real forms but carries no meaning: whitespace and line breaks inside the cell (``偏差原因分析及\\n
改进措施``), full-width forms (``（A）``), bracketed notes (``(A)``, ``（万元）``, ``(10分)``,
``（盖章）``), a trailing colon, traditional characters (``實際完成值``) and ASCII case.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from decimal import Decimal

__all__ = ["join_lines", "norm_label", "render_number", "render_value", "strip_level"]

# Traditional → simplified, for the characters of the header and label vocabulary only. Cell
# *values* are never converted: a form written in traditional characters stays so.
_TRAD = str.maketrans(
    "級標實際進權質單計預數執調後資總額當財撥結轉專戶況體項稱門評績論問題負責聯繫電話値產滿對務時經濟態續響會覈報",
    "级标实际进权质单计预数执调后资总额当财拨结转专户况体项称门评绩论问题负责联系电话值产满对务时经济态续响会核报",
)
_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|〔[^〔〕]*〕")
_SPACE = re.compile(r"\s+")
_LEVEL_NOTE = re.compile(r"[（(]\s*\d+(?:\.\d+)?\s*(?:分|%|％)?\s*[）)]\s*$")


def norm_label(text: str) -> str:
    """The comparable form of a header or label cell.

    >>> norm_label("偏差原因分析及\\n改进措施"), norm_label("全年预算数（A）"), norm_label(" Weight ")
    ('偏差原因分析及改进措施', '全年预算数', 'weight')
    >>> norm_label("實際完成值"), norm_label("项目资金\\n（万元）"), norm_label("总分：")
    ('实际完成值', '项目资金', '总分')
    """
    text = unicodedata.normalize("NFKC", text).translate(_TRAD)
    text = _SPACE.sub("", text)
    previous = None
    while previous != text:  # nested notes: （调整后（A））
        previous = text
        text = _BRACKETS.sub("", text)
    text = text.rstrip(":：").lower()
    if text.endswith("万元") and len(text) > 2:
        text = text[:-2]
    return text


def join_lines(text: str) -> str:
    """One line from a cell typed with line breaks (Alt+Enter) or wrapped in a PDF.

    The pieces are stripped and joined with nothing between CJK text, and with one space where
    both sides are Latin letters or digits (so ``Wi-Fi\\ncoverage`` keeps its space).

    >>> join_lines("偏差原因分析及\\n改进措施"), join_lines(" 95 \\n%"), join_lines("Wi-Fi\\ncoverage")
    ('偏差原因分析及改进措施', '95%', 'Wi-Fi coverage')
    """
    pieces = [p.strip() for p in re.split(r"\r\n|\r|\n", text)]
    out = ""
    for piece in pieces:
        if not piece:
            continue
        if (
            out
            and out[-1].isascii()
            and out[-1].isalnum()
            and piece[0].isascii()
            and piece[0].isalnum()
        ):
            out += " "
        out += piece
    return out


def strip_level(text: str) -> str:
    """A 一级/二级指标 name without line breaks, inner spaces or a weight note.

    >>> strip_level("产出指标（50分）"), strip_level("满意度指\\n标"), strip_level("效益指标 (30)")
    ('产出指标', '满意度指标', '效益指标')
    """
    text = _SPACE.sub("", text)
    return _LEVEL_NOTE.sub("", text)


def render_number(value: Decimal) -> str:
    """A number as text, without an exponent or trailing zeros.

    >>> render_number(Decimal("100.0")), render_number(Decimal("0.0900")), render_number(Decimal("1E+2"))
    ('100', '0.09', '100')
    """
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def render_value(value: object) -> str:
    """Any spreadsheet value as the text a reader of the form would see (numbers normalised)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return join_lines(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return render_number(value)
    if isinstance(value, _dt.datetime):
        if value.time() == _dt.time(0, 0):
            return f"{value.year}年{value.month}月{value.day}日"
        return value.isoformat(sep=" ")
    if isinstance(value, _dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, _dt.time):
        return value.isoformat()
    return join_lines(str(value))
