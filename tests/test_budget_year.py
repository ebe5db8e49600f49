"""A budget year given for rows on no form (``year=``): ``score_rows``, ``jixiao.tables`` (pandas,
and Arrow through the columnar path), ``jixiao.columnar.score_batch`` and ``jixiao.dask`` place a
deadline without a year where a dated actual needs it, exactly as a form that names that year does;
every other row is scored as without it, and nothing scored with a year is reused without one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import jixiao
from jixiao import score_form, score_rows
from jixiao.errors import UsageError

ROOT = Path(__file__).resolve().parent.parent
POLICY_NAMES = sorted(p.stem for p in (ROOT / "rules").glob("*.policy"))

# deadlines without a year against dated actuals (placed with a year), then rows needing none
PLACED = [
    ("12月底前完成", "2024年1月完成"),
    ("12月底前", "2023年11月"),
    ("次年3月底前完成", "2025年2月完成"),
    ("12月底前", "已于2024年1月完成验收"),
    ("9月前", "2023年9月"),
    ("1月1日-12月31日", "2023年12月"),
]
UNPLACED = [
    ("12月底前", "11月"),
    ("2023年12月底前", "2024年1月"),
    ("≥45人", "40人"),
    ("≤64.253万元", "60万元"),
    ("定性 效果明显", "达成预期指标"),
]


def row(target: str, actual: str, i: int = 0) -> dict[str, Any]:
    return {"name": f"指标{i}", "target": target, "actual": actual, "weight": 10, "score": 9}


def rows_of(filler: int = 600) -> list[dict[str, Any]]:
    """The deadline rows, many plain rows (past the warm-up, so chunks go through the plan),
    then the deadline rows again."""
    cells = [*PLACED, *UNPLACED]
    plain = [row("≥45人", f"{40 + i % 9}.{i % 7}人", i) for i in range(filler)]
    return [row(t, a) for t, a in cells] + plain + [row(t, a, 1) for t, a in cells]


def codes(r: Any) -> list[str]:
    return [f.code for f in r.findings]


def same(a: Any, b: Any) -> tuple[Any, ...]:
    return (a.score, a.tier, a.basis, a.verified, a.counted, codes(a)) == (
        b.score,
        b.tier,
        b.basis,
        b.verified,
        b.counted,
        codes(b),
    ), (codes(a), codes(b))


@pytest.mark.parametrize("policy", POLICY_NAMES)
def test_rows_given_a_year_score_as_on_a_form_of_that_year(policy: str) -> None:
    rows = rows_of()
    given = list(score_rows(rows, policy, year=2023))
    form = {"year": 2023, "indicators": rows}
    on_form = score_form(form, policy).indicators
    assert len(given) == len(on_form) == len(rows)
    for g, f in zip(given, on_form, strict=True):
        ok, why = same(g, f)
        assert ok, why
    without = list(score_rows(rows, policy))
    for i, (g, w) in enumerate(zip(given, without, strict=True)):
        placed = rows[i]["target"] in {t for t, _ in PLACED} and "年" in rows[i]["actual"]
        if placed:
            assert "DEADLINE_YEAR_UNKNOWN" in codes(w) and not w.verified
            assert g.verified and codes(g)[0] == "DEADLINE_IN_BUDGET_YEAR"
            f = g.findings[0]
            assert f.severity == "info" and f.where == "target"
            assert "给定的预算年度（2023年）" in f.zh and "budget year given for scoring" in f.en
        else:
            assert g.to_dict() == w.to_dict()


@pytest.mark.parametrize("year", [23, 123, 20230, None])
def test_a_form_year_that_is_not_four_digits_places_nothing(year: Any) -> None:
    form = {"year": year, "indicators": [row("12月底前", "2024年1月")]}
    (r,) = score_form(form).indicators
    assert not r.verified and "DEADLINE_YEAR_UNKNOWN" in codes(r)
    assert "DEADLINE_IN_BUDGET_YEAR" not in codes(r)


def test_a_year_is_a_four_digit_whole_number() -> None:
    for bad in ("2023", 2023.0, True, 23, 20230):
        with pytest.raises(UsageError, match="year") as err:
            list(score_rows([row("12月底前", "2023年11月")], year=bad))  # type: ignore[arg-type]
        # what was given, and what would be valid, in both languages
        assert repr(bad) in err.value.message and "四位数" in err.value.message
        assert err.value.message_en and "four-digit" in err.value.message_en


pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")

from jixiao.columnar import score_batch  # noqa: E402 - after the skips: needs pyarrow
from jixiao.tables import score_table  # noqa: E402


def _records(results: list[Any]) -> list[tuple[Any, ...]]:
    return [(r.score, r.verified, ";".join(f.code for f in r.findings)) for r in results]


def _columns(table: Any) -> list[tuple[Any, ...]]:
    if hasattr(table, "to_pydict"):
        d = table.to_pydict()
    else:
        d = {c: table[c].tolist() for c in table.columns}
    return list(zip(d["computed_score"], d["verified"], d["finding_codes"], strict=True))


@pytest.mark.parametrize("policy", ["central", "sichuan"])
def test_tables_given_a_year_score_as_score_rows(policy: str) -> None:
    rows = rows_of(300)
    want = _records(list(score_rows(rows, policy, year=2023)))
    assert _columns(score_table(pd.DataFrame(rows), policy, year=2023)) == want
    arrow = pa.Table.from_pylist(rows)
    assert _columns(score_table(arrow, policy, year=2023)) == want
    assert _columns(score_table(arrow, policy, year=2023, chunk_rows=7)) == want
    batch = arrow.to_batches()[0]
    cols = score_batch(batch, jixiao.load_policy(policy), year=2023)
    got = list(
        zip(
            cols["computed_score"].to_pylist(),
            cols["verified"].to_pylist(),
            cols["finding_codes"].to_pylist(),
            strict=True,
        )
    )
    assert got == want


def test_groups_kept_across_batches_never_cross_years() -> None:
    # rows that repeat: the columnar path keeps their groups for later batches, keyed by cells
    rows = [row(t, a) for t, a in [*PLACED, *UNPLACED]] * 400
    arrow = pa.Table.from_pylist(rows)
    without = _records(list(score_rows(rows)))
    given = _records(list(score_rows(rows, year=2023)))
    assert without != given
    for _ in range(2):  # each order, twice: whatever a call left behind
        assert _columns(score_table(arrow, year=2023, chunk_rows=500)) == given
        assert _columns(score_table(arrow, chunk_rows=500)) == without


def test_dask_given_a_year_scores_as_score_rows() -> None:
    db = pytest.importorskip("dask.bag")
    dd = pytest.importorskip("dask.dataframe")
    dask = pytest.importorskip("dask")
    import jixiao.dask as jd

    rows = rows_of(100)
    want = _records(list(score_rows(rows, year=2023)))
    with dask.config.set(scheduler="sync"):
        bag = db.from_sequence(rows, npartitions=3)
        assert _records(jd.score_bag(bag, year=2023).compute()) == want
        ddf = dd.from_pandas(pd.DataFrame(rows), npartitions=3)
        assert _columns(jd.score_dataframe(ddf, year=2023).compute()) == want
        with pytest.raises(UsageError):
            jd.score_bag(bag, year="2023")  # type: ignore[arg-type]
