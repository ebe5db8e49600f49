"""jixiao.testing strategies: what they generate parses back, adds up, and shrinks small."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

from hypothesis import find, given, settings
from hypothesis import strategies as st

import jixiao
from jixiao.numerals import parse_chinese
from jixiao.targets.ast import Comparison, Range
from jixiao.testing import strategies as js
from jixiao.testing.cases import FormCase
from jixiao.units import Unit

CI = settings.get_profile("ci")


@CI
@given(js.targets())
def test_targets_render_and_parse_back(target: jixiao.Target) -> None:
    assert jixiao.parse_target(target.render()) == target


@CI
@given(
    js.targets(kinds=("comparison", "quantity", "range", "qualitative")).flatmap(
        lambda t: st.tuples(st.just(t), js.target_texts(t))
    )
)
def test_every_surface_form_parses_to_the_same_target(pair: tuple[jixiao.Target, str]) -> None:
    target, text = pair
    assert jixiao.parse_target(text) == target, text


@CI
@given(
    js.targets(kinds=("comparison", "quantity")).flatmap(
        lambda t: st.tuples(st.just(t), js.target_texts(t, rescaled=True))
    )
)
def test_rescaled_forms_parse_to_an_equivalent_target(pair: tuple[jixiao.Target, str]) -> None:
    target, text = pair
    got = jixiao.parse_target(text)
    assert got.kind == target.kind and getattr(got, "op", None) == getattr(target, "op", None)
    assert got.quantity is not None and target.quantity is not None
    assert got.quantity.compare(target.quantity) == 0, text


def test_surface_forms_cover_the_documented_spellings() -> None:
    target = jixiao.parse_target("≥45人")
    seen: set[str] = set()

    @settings(max_examples=400, derandomize=True, database=None)
    @given(js.target_texts(target))
    def collect(text: str) -> None:
        seen.add(text)

    collect()
    for text in ("≥45人", ">=45人", "≧45人", "不低于45人", "不少于45人", "45人以上", "≥４５人"):
        assert text in seen
    assert "≥四十五人" in seen or "不少于四十五人" in seen
    assert any(" " in t for t in seen)


@CI
@given(js.targets().flatmap(lambda t: st.tuples(st.just(t), js.actuals(t))))
def test_actuals_fit_their_target(pair: tuple[jixiao.Target, jixiao.Actual]) -> None:
    target, actual = pair
    assert jixiao.parse_actual(actual.render(), target) == actual


@CI
@given(js.chinese_numerals())
def test_chinese_numerals_carry_their_value(pair: tuple[str, Decimal]) -> None:
    text, value = pair
    assert parse_chinese(text) == value


@CI
@given(js.numbers(0, 100, places=2))
def test_numbers_are_plain_decimals_in_range(value: Decimal) -> None:
    assert 0 <= value <= 100
    assert "E" not in str(value)
    assert value.as_tuple().exponent >= -2  # type: ignore[operator]


@CI
@given(js.units("money"), js.units("count"))
def test_units_of_a_dimension(money: Unit, count: Unit) -> None:
    assert money.dimension == "money"
    assert count.dimension.startswith("count:")


@CI
@given(js.forms())
def test_form_weights_add_up_to_100(form: jixiao.Form) -> None:
    assert form.budget is not None and form.budget.weight is not None
    total = form.budget.weight + sum((i.weight or Decimal(0) for i in form.indicators), Decimal(0))
    assert total == 100
    result = jixiao.score_form(form)
    assert "WEIGHTS_TOTAL" not in {f.code for f in result.findings}


@CI
@given(js.budgets(zero_budget=False))
def test_budgets_have_a_positive_annual_budget(budget: jixiao.Budget) -> None:
    assert budget.annual is not None and budget.annual > 0
    assert budget.executed is not None and 0 <= budget.executed <= budget.annual * Decimal("1.3")


@CI
@given(js.indicators())
def test_indicators_are_scored_without_crashing(indicator: jixiao.Indicator) -> None:
    result = jixiao.load_policy("central").score(indicator)
    assert result.score is None or 0 <= result.score <= (indicator.weight or 0)


def test_a_failing_form_shrinks_to_one_small_row() -> None:
    def big_target(form: FormCase) -> bool:
        return any(isinstance(r.target, Comparison) and r.target.value > 5 for r in form.rows)

    form = find(
        js.form_cases(),
        big_target,
        settings=settings(database=None, derandomize=True, max_examples=500, deadline=None),
    )
    # one row with small numbers (shrinking normally reaches ≥6 with weight 90; under a loaded
    # machine hypothesis may stop a step or two earlier, which is still a small example)
    assert len(form.rows) == 1
    target = form.rows[0].target
    assert isinstance(target, Comparison)
    assert 5 < target.value <= 10
    assert form.rows[0].weight is not None and form.rows[0].weight <= 100


def test_a_range_shrinks_to_small_ends() -> None:
    r = find(
        js.targets(kinds=("range",)),
        lambda t: isinstance(t, Range) and t.high - t.low > 3,
        settings=settings(database=None, derandomize=True),
    )
    assert isinstance(r, Range) and r.high - r.low > 3
    # small ends (hypothesis normally reaches (0, 4); how far it shrinks is its own business)
    assert max(abs(r.low), abs(r.high)) <= 10


def test_apportioned_weights() -> None:
    assert js.apportion([1, 1, 2], Decimal(90)) == [Decimal(23), Decimal(23), Decimal(44)]
    assert sum(js.apportion([5, 1, 1, 1], Decimal(90))) == 90
    assert min(js.apportion([100, 1], Decimal(10))) >= 1


def test_importing_without_hypothesis_says_how_to_install() -> None:
    code = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "try:\n"
        "    import jixiao.testing\n"
        "except ImportError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pip install 'jixiao[testing]'" in out.stdout
