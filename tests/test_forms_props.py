"""Properties: any form survives CSV and Excel; float noise never changes a typed number."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.forms import (
    Budget,
    BudgetRow,
    Form,
    Indicator,
    decimal_from_float,
    read_form,
    write_csv,
    write_xlsx,
)

# Cell text: CJK, ASCII letters and digits, the symbols of targets. Cells are one line and
# trimmed (line breaks are joined on reading); a cell reading 小计 marks a subtotal row.
_ALPHABET = st.sampled_from(
    [chr(c) for c in range(0x4E00, 0x4E00 + 400)]
    + list("abcXYZ0123456789 ≥≤%.,，、（）()=-/万元人次")
)
text = (
    st.text(_ALPHABET, max_size=12)
    .map(str.strip)
    .filter(lambda t: "小计" not in t and not t.startswith("#"))
)
name = text.filter(bool)
level1 = st.sampled_from(["产出指标", "成本指标", "效益指标", "满意度指标"])
level2 = st.sampled_from(["数量指标", "质量指标", "时效指标", "社会效益指标"])
amount = st.decimals(min_value=0, max_value=10**7, places=4, allow_nan=False) | st.none()


@st.composite
def indicators(draw: st.DrawFn) -> Indicator:
    return Indicator(
        name=draw(name),
        target=draw(text),
        actual=draw(text),
        weight=draw(amount),
        score=draw(amount),
        reason=draw(text),
        level1=draw(level1),
        level2=draw(level2),
    )


@st.composite
def budgets(draw: st.DrawFn) -> Budget | None:
    if draw(st.booleans()):
        return None
    rows = draw(
        st.lists(
            st.builds(
                BudgetRow,
                name=st.sampled_from(["当年财政拨款", "上年结转资金", "其他资金"]),
                initial=amount,
                annual=amount,
                executed=amount,
            ),
            max_size=3,
        )
    )
    return Budget(
        initial=draw(amount),
        annual=draw(amount),
        executed=draw(amount),
        weight=draw(amount),
        score=draw(amount),
        rate=draw(st.decimals(min_value=0, max_value=200, places=2) | st.none()),
        rows=tuple(rows),
    )


forms = st.builds(
    Form,
    indicators=st.lists(indicators(), min_size=1, max_size=6).map(tuple),
    project=text,
    year=st.none() | st.integers(2000, 2099),
    department=text,
    implementer=text,
    budget=budgets(),
    total=amount,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(form=forms)
def test_csv_round_trip(form: Form) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.csv"
        write_csv(form, path)
        assert read_form(path) == form


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(form=forms, layout=st.sampled_from(["standard", "split"]))
def test_xlsx_round_trip(form: Form, layout: str) -> None:
    pytest.importorskip("openpyxl")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.xlsx"
        write_xlsx(form, path, layout=layout)  # type: ignore[arg-type]
        back = read_form(path)
        if layout == "standard":
            assert back == form
        else:  # the split layout re-spaces targets (≥45人 → ≥ 45 人)
            assert [i.target.replace(" ", "") for i in back.indicators] == [
                i.target.replace(" ", "") for i in form.indicators
            ]
            assert (back.budget, back.total, back.year) == (form.budget, form.total, form.year)


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=3, allow_nan=False))
def test_typed_numbers_survive_float(number: Decimal) -> None:
    assert decimal_from_float(float(number)) == number


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.0900000762939453, "0.09"),
        (0.1 + 0.2, "0.3"),
        (64.25299999999999, "64.253"),
        (9.710000000000001, "9.71"),
        (215457.60000000003, "215457.6"),
        (0.970604229607251, "0.970604"),
        (66.2, "66.2"),
        (1e-7, "1E-7"),
    ],
)
def test_noise_examples(value: float, expected: str) -> None:
    assert str(decimal_from_float(value)) == expected
