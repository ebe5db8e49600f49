"""The audit fails closed (issue 9, items 4–9): every row is verified from what its cells say, or
visibly unverified with a warning or an error on that row; one bad cell never loses the form.

End to end through ``score_form``, the readers (JSON, CSV, XLSX, with corrupted cells written in
the test) and the CLI.
"""

from __future__ import annotations

import copy
import csv
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import jixiao
from jixiao import score_form
from jixiao.catalog import CATALOG, SEVERITY_SETTABLE, UNVERIFYING_CODES
from jixiao.cli.app import cli
from jixiao.errors import PolicyError
from jixiao.evaluate.findings import VERIFIED_BASES
from jixiao.forms import read_form, write_csv, write_xlsx

ROOT = Path(__file__).resolve().parent.parent
SEED = json.loads((ROOT / "examples" / "seed.json").read_text(encoding="utf-8"))


def form_of(*rows: dict[str, Any], **extra: Any) -> dict[str, Any]:
    budget = {"annual": 100, "executed": 100, "weight": 10, "score": 10}
    return {"budget": budget, "indicators": list(rows), **extra}


def row(target: str, actual: str, weight: Any = 10, score: Any = 10, **more: Any) -> dict[str, Any]:
    return {
        "name": "指标",
        "target": target,
        "actual": actual,
        "weight": weight,
        "score": score,
        **more,
    }


def one(form: dict[str, Any], policy: Any = "central") -> jixiao.IndicatorResult:
    result = score_form(form, policy)
    assert len(result.indicators) == 1
    return result.indicators[0]


def codes(r: Any) -> list[str]:
    return [f.code for f in r.findings]


def warned(r: jixiao.IndicatorResult) -> bool:
    return any(f.severity in ("error", "warning") for f in r.findings)


def policy_file(tmp_path: Path, body: str, name: str = "local") -> Path:
    path = tmp_path / f"{name}.policy"
    path.write_text(f'policy "{name}" version "1"\nextends "central"\n{body}\n', encoding="utf-8")
    return path


# ------------------------------------------------------------------ 4. words where a number belongs


@pytest.mark.parametrize("actual", ["已完成", "达成预期指标", "按计划完成"])
def test_words_under_a_numeric_target_are_scored_by_tier_but_unverified(actual: str) -> None:
    r = one(form_of(row("≥10场", actual)))
    assert r.score == Decimal("10.00") and r.tier == "达成"
    (f,) = [f for f in r.findings if f.code == "ACTUAL_NOT_NUMERIC"]
    assert f.severity == "warning" and f.where == "indicators[0].actual"
    assert "无法复核" in f.zh and actual in f.zh
    assert r.verified is False and r.to_dict()["verified"] is False


def test_words_under_a_deadline_target_are_unverified() -> None:
    r = one(form_of(row("2023年12月底前完成", "按时完成")))
    assert r.tier == "达成" and "ACTUAL_NOT_NUMERIC" in codes(r) and not r.verified
    dated = one(form_of(row("2023年12月底前完成", "2023年11月完成")))
    assert dated.verified and "ACTUAL_NOT_NUMERIC" not in codes(dated)


POLICY_NAMES = sorted(p.stem for p in (ROOT / "rules").glob("*.policy"))


@pytest.mark.parametrize("policy", POLICY_NAMES)
@pytest.mark.parametrize(
    ("target", "actual", "year"),
    [
        ("12月底前完成", "2024年1月完成", 2024),  # a year late, if the budget year is 2023
        ("12月底前", "2023年11月", 2023),  # on time, if it is
        ("次年3月底前完成", "2025年2月完成", 2025),  # relative to a budget year not on the row
        ("12月底前", "已于2024年1月完成验收", 2024),  # the date out of a sentence
    ],
)
def test_a_dated_actual_against_a_deadline_without_a_year_is_unverified(
    policy: str, target: str, actual: str, year: int
) -> None:
    # comparing months alone called 2024年1月 on time against 12月底前 (full marks, verified)
    r = one(form_of(row(target, actual, score=9)), policy)
    assert r.score is None and r.basis == "unscored" and not r.verified
    (f,) = [f for f in r.findings if f.code == "DEADLINE_YEAR_UNKNOWN"]
    assert f.severity == "warning" and f.where == "indicators[0].actual"
    assert f"{year}年" in f.zh and target in f.zh and "写明年份" in f.zh
    assert f"year {year}" in f.en
    assert "SCORE_UNVERIFIED" in codes(r)  # the claim counts, and says so
    assert next(iter(jixiao.score_rows([row(target, actual, score=9)], policy))).verified is False


@pytest.mark.parametrize(
    ("target", "actual", "on_time"),
    [
        ("2023年12月底前完成", "2024年1月完成", False),
        ("2023年12月底前完成", "12月完成", True),  # a date without a year is in the budget year
        ("12月底前完成", "11月完成", True),
        ("2023年完成", "2024年5月完成", False),  # a year as the deadline: any date in it
        ("2023年完成", "2023年12月完成", True),
        ("2023年完成", "5月完成", True),
    ],
)
def test_deadlines_the_row_can_place_are_scored_and_verified(
    target: str, actual: str, on_time: bool
) -> None:
    r = one(form_of(row(target, actual)))
    assert r.verified and r.basis == "deadline"
    assert (r.tier == "达成") is on_time and "DEADLINE_YEAR_UNKNOWN" not in codes(r)


# (deadline without a year, dated actual, the same deadline written with the year of a 2023 form)
PLACED = [
    ("12月底前完成", "2024年1月完成", "2023年12月底前完成"),  # late
    ("12月底前", "2023年11月", "2023年12月底前"),  # on time
    ("次年3月底前完成", "2024年2月完成", "2024年3月底前完成"),  # the year after the budget year
    ("次年3月底前完成", "2025年2月完成", "2024年3月底前完成"),
    ("12月底前", "已于2024年1月完成验收", "2023年12月底前"),  # the date out of a sentence
    ("9月前", "2023年9月", "2023年9月前"),  # strictly before September
    ("1月1日-12月31日", "2023年12月", "2023年1月1日-12月31日"),  # a period
]


@pytest.mark.parametrize("policy", POLICY_NAMES)
@pytest.mark.parametrize(("target", "actual", "written"), PLACED)
def test_a_form_that_names_its_year_places_a_deadline_without_one(
    policy: str, target: str, actual: str, written: str
) -> None:
    # the row is scored as if the deadline named the form's year, and says where the year came from
    placed = one(form_of(row(target, actual, score=9), year="2023年度"), policy)
    as_written = one(form_of(row(written, actual, score=9), year=2023), policy)
    assert placed.verified and placed.basis == "deadline"
    assert (placed.score, placed.tier, placed.counted) == (
        as_written.score,
        as_written.tier,
        as_written.counted,
    )
    assert codes(placed) == ["DEADLINE_IN_BUDGET_YEAR", *codes(as_written)]
    f = placed.findings[0]
    assert f.severity == "info" and f.where == "indicators[0].target"
    assert "2023年" in f.zh and "(2023)" in f.en and f"「{target.removesuffix('完成')}」" in f.zh
    assert (
        written.removesuffix("完成") in f.zh
        and written.removesuffix("完成") in placed.explanation()
    )


@pytest.mark.parametrize(
    ("target", "actual"),
    [
        ("12月底前", "11月"),  # neither names a year: the months are compared
        ("2023年12月底前", "2024年1月"),  # the deadline's own year stands
        ("2022年12月底前", "2022年11月"),
        ("12月底前", "次年1月"),  # relative to the budget year on both sides
        ("≥45人", "2024年1月"),  # not a deadline
        ("12月底前", "按时完成"),
    ],
)
def test_rows_that_need_no_year_are_scored_alike_on_any_form(target: str, actual: str) -> None:
    with_year = one(form_of(row(target, actual), year=2023))
    without = one(form_of(row(target, actual)))
    assert with_year.to_dict() == without.to_dict()
    assert "DEADLINE_IN_BUDGET_YEAR" not in codes(with_year)


def test_a_policy_may_warn_of_a_deadline_placed_in_the_form_year(tmp_path: Path) -> None:
    strict = jixiao.load_policy(policy_file(tmp_path, "severity DEADLINE_IN_BUDGET_YEAR warning"))
    r = one(form_of(row("12月底前", "2023年11月"), year=2023), strict)
    assert r.verified and r.tier == "达成"
    assert [f.severity for f in r.findings if f.code == "DEADLINE_IN_BUDGET_YEAR"] == ["warning"]


def test_a_form_year_read_from_the_heading_places_the_deadline(tmp_path: Path) -> None:
    form = copy.deepcopy(SEED)
    form["indicators"][0].update(target="12月底前完成", actual="2024年1月完成", score=None)
    path = tmp_path / "form.xlsx"
    write_xlsx(jixiao.Form.from_dict(form), path)
    read = read_form(path)
    assert read.year == 2023  # from the title row
    r = score_form(read).indicators[0]
    assert r.verified and r.tier != "达成" and "DEADLINE_IN_BUDGET_YEAR" in codes(r)


def test_qualitative_words_stay_verified() -> None:
    r = one(form_of(row("定性 效果明显", "达成年度指标")))
    assert r.verified and r.basis == "words" and not warned(r)


def test_the_policy_sets_the_severity(tmp_path: Path) -> None:
    info = jixiao.load_policy(policy_file(tmp_path, "severity ACTUAL_NOT_NUMERIC info"))
    r = one(form_of(row("≥10场", "已完成")), info)
    assert [f.severity for f in r.findings if f.code == "ACTUAL_NOT_NUMERIC"] == ["info"]
    # still unverified, so still a warning on the row: the guard adds SCORE_UNVERIFIED
    assert not r.verified and "SCORE_UNVERIFIED" in codes(r) and warned(r)
    error = jixiao.load_policy(policy_file(tmp_path, "severity ACTUAL_NOT_NUMERIC error", "e"))
    r = one(form_of(row("≥10场", "已完成")), error)
    assert [f.severity for f in r.findings if f.code == "ACTUAL_NOT_NUMERIC"] == ["error"]


def test_fixed_severities_cannot_be_set(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as info:
        jixiao.load_policy(policy_file(tmp_path, "severity UNREADABLE_CELL info"))
    assert "UNREADABLE_CELL" in str(info.value) and ".policy:3:10:" in str(info.value)
    with pytest.raises(PolicyError) as info:
        jixiao.load_policy(policy_file(tmp_path, "severity ACTUAL_NOT_NUMERC info", "t"))
    assert "ACTUAL_NOT_NUMERIC" in str(info.value)  # did you mean


# ------------------------------------------------------------------ 5. grade scales


@pytest.mark.parametrize(
    ("target", "actual", "tier"),
    [
        ("优良中差", "优", "达成"),
        ("优良中差", "良", "部分达成"),
        ("优良中差", "中", "部分达成"),
        ("优良中差", "差", "未达成"),
        ("好/坏", "坏", "未达成"),
        ("定性 好坏", "好", "达成"),
        ("满意/基本满意/不满意", "基本满意", "部分达成"),
        ("满意/基本满意/不满意", "不满意", "未达成"),
        ("优良中差", "评定为良", "部分达成"),
    ],
)
def test_grade_scales_are_scored_by_position(target: str, actual: str, tier: str) -> None:
    r = one(form_of(row(target, actual, score=None)))
    assert r.tier == tier and r.basis == "scale" and r.verified
    assert "QUAL_TIER_FROM_SCORE" not in codes(r)


def test_a_scale_claim_outside_its_band_is_corrected() -> None:
    r = one(form_of(row("优良中差", "差", score=10)))
    assert r.tier == "未达成" and r.score == Decimal("3.00")
    assert "QUAL_SCORE_OUT_OF_BAND" in codes(r)


def test_a_policy_maps_scale_positions(tmp_path: Path) -> None:
    strict = policy_file(tmp_path, 'tiers "定性三档" { scale_middle 未达成 }')
    r = one(form_of(row("优良中差", "良", score=None)), jixiao.load_policy(strict))
    assert r.tier == "未达成"


# ------------------------------------------------------------------ 6. one bad cell


def corrupt_json() -> dict[str, Any]:
    data = copy.deepcopy(SEED)
    data["indicators"][0]["weight"] = "IO"
    data["indicators"][1]["score"] = "5O"
    data["total"] = "7,00.0,77"
    data["budget"]["executed"] = "7,00.0,77"
    return data


def check_corrupted(result: jixiao.FormResult, where: dict[str, str]) -> None:
    seed = score_form(SEED)
    bad = {f.where: f for f in result.findings if f.code == "UNREADABLE_CELL"}
    assert set(bad) == set(where.values()), bad
    for field, loc in where.items():
        f = bad[loc]
        assert f.severity == "error"
        if field in ("weight", "score"):  # on an indicator: its row number and name
            i = 0 if field == "weight" else 1
            assert f.row == i + 1 and f.name == seed.indicators[i].name
            assert f.to_dict()["label"] == f"第{i + 1}行「{f.name}」"
    codes_ = {f.code for f in result.findings}
    # no finding rests on a misread cell
    assert not {"OVERSPENT", "WEIGHTS_TOTAL", "TOTAL_MISMATCH", "TOTAL_NOT_SUM"} & codes_
    assert "WEIGHTS_NONDEFAULT" not in codes_ and "BUDGET_ROWS_SUM" not in codes_
    assert result.budget.score is None and not result.budget.verified
    first, second = result.indicators[0], result.indicators[1]
    assert first.score is None and not first.verified and warned(first)
    assert second.score == Decimal("10.00") and second.claimed is None and second.verified
    # everything else is scored exactly as on the clean form
    for got, want in zip(result.indicators[2:], seed.indicators[2:], strict=True):
        assert (got.score, got.verified) == (want.score, want.verified)
    assert result.grade is not None and not result.partial


def test_corrupted_json_cells() -> None:
    result = score_form(jixiao.Form.from_dict(corrupt_json()))
    check_corrupted(
        result,
        {
            "weight": "indicators[0].weight",
            "score": "indicators[1].score",
            "total": "total",
            "executed": "budget.executed",
        },
    )
    messages = {f.where: f.zh for f in result.findings if f.code == "UNREADABLE_CELL"}
    assert "「分值」应为数字，实际为「IO」" in messages["indicators[0].weight"]
    assert "千分位" in messages["total"]


def test_corrupted_json_file_through_the_reader(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(corrupt_json(), ensure_ascii=False), encoding="utf-8")
    form = read_form(path)
    assert form.indicators[0].unreadable == (("weight", "IO"),)
    # the raw text survives a round trip through the writer
    assert form.to_dict()["indicators"][0]["weight"] == "IO"


def test_corrupted_csv_cells(tmp_path: Path) -> None:
    clean = read_form(ROOT / "examples" / "seed.json")
    path = tmp_path / "seed.csv"
    write_csv(clean, path)
    written = read_form(path)
    cells = {
        "weight": written.indicators[0].cell("weight"),
        "score": written.indicators[1].cell("score"),
        "executed": written.budget.cell("executed") if written.budget else "",
    }
    with path.open(encoding="utf-8-sig", newline="") as fh:
        grid = list(csv.reader(fh))
    for field, value in (("weight", "IO"), ("score", "5O"), ("executed", "7,00.0,77")):
        m = re.fullmatch(r"row (\d+), col (\d+)", cells[field])
        assert m, cells[field]
        grid[int(m.group(1)) - 1][int(m.group(2)) - 1] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(grid)
    result = score_form(read_form(path))
    where = dict(cells)
    where["total"] = ""
    bad = {f.where for f in result.findings if f.code == "UNREADABLE_CELL"}
    assert bad == {cells["weight"], cells["score"], cells["executed"]}
    check_corrupted(result, {k: v for k, v in cells.items()})


def test_corrupted_xlsx_cells(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    clean = read_form(ROOT / "examples" / "seed.json")
    path = tmp_path / "seed.xlsx"
    write_xlsx(clean, path)
    written = read_form(path)
    assert written.budget is not None
    cells = {
        "weight": written.indicators[0].cell("weight"),
        "score": written.indicators[1].cell("score"),
        "total": written.total_where,
        "executed": written.budget.cell("executed"),
    }
    wb = openpyxl.load_workbook(path)
    values = {"weight": "IO", "score": "5O", "total": "7,00.0,77", "executed": "7,00.0,77"}
    for field, ref in cells.items():
        sheet, coord = ref.rsplit("!", 1)
        wb[sheet.strip("'")][coord] = values[field]
    wb.save(path)
    result = score_form(read_form(path))
    check_corrupted(result, cells)
    # the row is located at its own 三级指标 cell, not at a merged 一级指标 cell
    first = result.indicators[0]
    assert first.where == written.indicators[0].cells["name"]


def test_garbled_sub_row_gives_no_sum_finding() -> None:
    data = copy.deepcopy(SEED)
    data["budget"]["rows"] = [
        {"name": "当年财政拨款", "annual": 66.2, "executed": "64,25.3"},
        {"name": "其他资金", "annual": 0, "executed": 0},
    ]
    result = score_form(data)
    bad = [f for f in result.findings if f.code == "UNREADABLE_CELL"]
    assert [f.where for f in bad] == ["budget.rows[0].executed"]
    assert "BUDGET_ROWS_SUM" not in {f.code for f in result.findings}
    assert result.budget.score == Decimal("9.71")  # the total row itself is readable


def test_not_a_form_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"rows": []}', encoding="utf-8")
    with pytest.raises(jixiao.FormError):
        read_form(path)


# ------------------------------------------------------------------ 7. no grade without a basis


def test_no_indicator_rows_no_grade() -> None:
    result = score_form(form_of())
    assert [f.code for f in result.form_findings] == ["NO_INDICATORS"]
    assert result.grade is None and result.partial and not result.ok
    assert result.to_dict()["partial"] is True


def test_no_verified_row_no_grade() -> None:
    result = score_form(form_of(row("≥45人", "45人", weight=None), row("≥10场", "已完成")))
    assert result.grade is None and result.partial
    assert "NO_VERIFIED_ROWS" in {f.code for f in result.form_findings}
    assert result.total == Decimal("30.00")  # 10 budget + two claims, shown as partial


def test_policy_year(tmp_path: Path) -> None:
    old = score_form(form_of(row("≥45人", "45人"), year=2019))
    (f,) = [f for f in old.findings if f.code == "POLICY_YEAR"]
    assert f.severity == "warning" and "2019" in f.zh and f.where == "year"
    assert not [
        f
        for f in score_form(form_of(row("≥45人", "45人"), year=2023)).findings
        if f.code == "POLICY_YEAR"
    ]
    quiet = jixiao.load_policy(policy_file(tmp_path, "severity POLICY_YEAR info"))
    assert [
        f.severity
        for f in score_form(form_of(row("≥45人", "45人"), year=2019), quiet).findings
        if f.code == "POLICY_YEAR"
    ] == ["info"]


# ------------------------------------------------------------------ 8. verified or not


def test_verified_summary_counts_rows_and_points() -> None:
    result = score_form(SEED)
    v = result.verification()
    assert v == {
        "rows": 15,
        "verified": 13,
        "unverified": 2,
        "budget_verified": True,
        "unverified_points": "6.00",
    }
    d = result.to_dict()
    assert d["verification"] == v
    assert [i["verified"] for i in d["indicators"]].count(False) == 2


def test_unreadable_rows_are_never_shown_verified() -> None:
    r = one(form_of(row("≥45人", "45人次", score=5)))  # units differ: kept as claimed
    assert r.score is None and not r.verified
    assert {"UNIT_MISMATCH", "SCORE_UNVERIFIED"} <= set(codes(r))
    claimed = one(form_of(row("定性 效果明显", "有所成效", score=7)))
    assert claimed.basis == "claimed" and not claimed.verified
    assert [f.severity for f in claimed.findings if f.code == "SCORE_UNVERIFIED"] == ["warning"]


def test_the_catalog_drives_verification() -> None:
    assert {c for c, info in CATALOG.items() if info.unverifying} <= UNVERIFYING_CODES
    assert "ACTUAL_AMBIGUOUS" in UNVERIFYING_CODES  # plugs in before its catalog entry
    assert "UNREADABLE_CELL" not in SEVERITY_SETTABLE and "ACTUAL_NOT_NUMERIC" in SEVERITY_SETTABLE
    assert "claimed" not in VERIFIED_BASES and "unscored" not in VERIFIED_BASES


TARGETS = ["≥45人", "≥90%", "≤64.253万元", "2023年12月底前完成", "定性 效果明显", "优良中差",
           "好/坏", "80%-90%", "=100%", "≤0起", "", "/", "≥10场", "满意/基本满意/不满意"]  # fmt: skip
ACTUALS = ["45人", "40人", "95%", "0.95", "70万元", "已完成", "达成预期指标", "基本完成", "良",
           "坏", "2024年1月", "有所成效", "", "未开展", "45人次", "IO", "40人（含补训3人）"]  # fmt: skip
CLAIMS: list[Any] = [None, 0, 3, 5, 7.5, 10, 12, "5O", "-1"]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(TARGETS) | st.text(max_size=12),
    st.sampled_from(ACTUALS) | st.text(max_size=12),
    st.sampled_from([10, 5, None, "IO"]),
    st.sampled_from(CLAIMS),
)
def test_no_row_keeps_its_claim_silently(target: str, actual: str, weight: Any, claim: Any) -> None:
    """Whatever the cells, a row that is not verified has a warning or an error on it, and a row
    whose counted score is its claim is either verified or says so."""
    r = one(form_of(row(target, actual, weight=weight, score=claim)))
    if not r.verified:
        assert warned(r), (target, actual, weight, claim, codes(r))
    if r.claimed is not None and r.counted == r.claimed and r.score is None:
        assert any(f.code == "SCORE_UNVERIFIED" for f in r.findings)
    json.dumps(r.to_dict())


# ------------------------------------------------------------------ 9. rows named as a person would


def test_findings_name_the_row_everywhere() -> None:
    result = score_form(SEED)
    d = result.to_dict()
    f = next(f for f in d["findings"] if f["code"] == "OVERACHIEVED")
    assert f["where"] == "indicators[6]" and f["row"] == 7
    assert f["name"] == "安全生产执法人员复训" and f["label"] == "第7行「安全生产执法人员复训」"
    en = next(f for f in result.to_dict("en")["findings"] if f["code"] == "OVERACHIEVED")
    assert en["label"] == 'row 7 "安全生产执法人员复训"'
    assert [r["row"] for r in d["indicators"]] == list(range(1, 16))
    form_level = next(f for f in d["findings"] if f["code"] == "WEIGHTS_NONDEFAULT")
    assert "row" not in form_level


# ------------------------------------------------------------------ the CLI


def run(*args: str) -> Any:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def test_cli_exit_codes_and_strict(tmp_path: Path) -> None:
    seed = ROOT / "examples" / "seed.json"
    ok = run("check", str(seed))
    assert ok.exit_code == 0  # warnings only
    assert "第7行「安全生产执法人员复训」" in ok.output
    assert "已核实 13/15 行" in ok.output
    assert run("check", str(seed), "--strict").exit_code == 1  # warnings fail with --strict
    clean = tmp_path / "clean.json"
    clean.write_text(
        json.dumps(
            form_of(*[row("≥45人", "45人", weight=w, score=w) for w in (40, 30, 20)]),
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    assert run("check", str(clean), "--strict").exit_code == 0
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(corrupt_json(), ensure_ascii=False), encoding="utf-8")
    out = run("check", str(bad))
    assert (
        out.exit_code == 1
        and "UNREADABLE_CELL" in out.output
        and "indicators[0].weight" in out.output
    )
    score = run("score", str(bad))
    assert score.exit_code == 0 and "?" in score.output  # scored, unverified rows marked
    data = json.loads(run("check", str(bad), "--json").output)
    assert data["verification"]["unverified"] == 3 and data["grade"] is not None


def test_excel_outputs_have_a_verified_column(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    from jixiao.report.xlsx_out import write_annotated_workbook, write_results_workbook

    result = score_form(read_form(ROOT / "examples" / "seed.xlsx"))
    out = write_results_workbook(result, tmp_path / "results.xlsx")
    wb = openpyxl.load_workbook(out)
    summary = wb[wb.sheetnames[0]]
    heads = [c.value for c in summary[1]]
    assert "核实" in heads and "未核实分数" in heads
    assert summary.cell(row=2, column=heads.index("核实") + 1).value == "13/15"
    sheet = wb[wb.sheetnames[1]]
    marks = [c.value for c in sheet["L"]]
    assert marks[0] == "核实" and marks.count("? 未核实") == 2
    findings = wb["复核结果"]
    labels = [c.value for c in findings["F"]]
    assert "第7行「安全生产执法人员复训」" in labels
    annotated = write_annotated_workbook(
        result, ROOT / "examples" / "seed.xlsx", tmp_path / "annotated.xlsx"
    )
    ws = openpyxl.load_workbook(annotated)["绩效自评表"]
    values = [c.value for row in ws.iter_rows() for c in row]
    assert values.count("? 未核实") == 2 and values.count("✓ 已核实") == 14  # 13 rows + budget


def test_a_formula_without_its_result_in_an_actual_cell(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    for r in (
        ["三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["人数", "≥10人", "=B3+1", 50, 50],
        ["场次", "≥5场", "5场", 40, 40],
    ):
        ws.append(r)
    path = tmp_path / "f.xlsx"
    wb.save(path)
    result = score_form(read_form(path))
    (f,) = [f for f in result.findings if f.code == "UNREADABLE_CELL"]
    assert f.where == "S!C2" and "公式" in f.zh and f.row == 1 and f.name == "人数"
    first, second = result.indicators
    assert first.score is None and not first.verified and warned(first)
    assert second.score == Decimal("40.00") and second.verified


def test_flat_records_and_tables_say_verified() -> None:
    from jixiao.batch import RESULT_COLUMNS, record, score_rows

    rows = [row("≥45人", "45人"), row("≥10场", "已完成"), row("≥45人", "45人", weight="IO")]
    recs = [record(r) for r in score_rows(rows)]
    assert "verified" in RESULT_COLUMNS
    assert [r["verified"] for r in recs] == [True, False, False]
    pd = pytest.importorskip("pandas")
    from jixiao.tables import score_table

    out = score_table(pd.DataFrame(rows))
    assert out["verified"].tolist() == [True, False, False] and out["verified"].dtype == bool


def _seed_workbook(tmp_path: Path) -> tuple[Path, Any]:
    clean = read_form(ROOT / "examples" / "seed.json")
    path = tmp_path / "seed.xlsx"
    write_xlsx(clean, path)
    return path, read_form(path)


def test_a_budget_header_without_its_columns_loses_only_the_budget(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path, written = _seed_workbook(tmp_path)
    clean = score_form(written)
    sheet_name, executed = written.budget.cell("executed").rsplit("!", 1)
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet_name.strip("'")]
    column = ws[executed].column_letter
    header = next(
        c for c in ws[column][: ws[executed].row - 1][::-1] if c.value and "执行数" in str(c.value)
    )
    header.value = "备注"
    wb.save(path)
    result = score_form(read_form(path))
    bad = [f for f in result.findings if f.code == "UNREADABLE_CELL"]
    assert len(bad) == 1 and bad[0].severity == "error"
    assert "全年执行数" in bad[0].message() and "!" in bad[0].where
    assert not result.ok
    assert "BUDGET_MISSING" in [f.code for f in result.budget.findings]
    # every indicator row is scored exactly as on the clean form
    assert [(r.score, r.verified) for r in result.indicators] == [
        (r.score, r.verified) for r in clean.indicators
    ]


def test_a_row_with_a_weight_but_no_indicator_is_an_error_not_a_refusal(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path, written = _seed_workbook(tmp_path)
    clean = score_form(written)
    last = written.indicators[-1]
    sheet_name, weight_ref = last.cells["weight"].rsplit("!", 1)
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet_name.strip("'")]
    ws.insert_rows(ws[weight_ref].row + 1)
    ws.cell(ws[weight_ref].row + 1, ws[weight_ref].column, 5)
    wb.save(path)
    result = score_form(read_form(path))
    bad = [f for f in result.findings if f.code == "UNREADABLE_CELL"]
    assert len(bad) == 1 and "没有三级指标" in bad[0].message()
    assert not result.ok
    assert [r.score for r in result.indicators] == [r.score for r in clean.indicators]


@pytest.mark.parametrize(
    ("where", "written"),
    [
        (("executed",), "642530元"),  # among amounts with no unit, in 万元 as the header says
        (("rows", 0, "executed"), "642530元"),
        (("annual",), "662000元"),
    ],
)
def test_a_budget_amount_in_another_unit_is_not_read(where: tuple[Any, ...], written: str) -> None:
    """Stripped of its 元 the amount read 10,000 times too large: the budget row was scored from
    it (10 of 10, or 0) and counted verified, with only the arithmetic checks complaining."""
    form = copy.deepcopy(SEED)
    cell: Any = form["budget"]
    for key in where[:-1]:
        cell = cell[key]
    cell[where[-1]] = written
    result = score_form(form)
    path = "budget." + ".".join(f"[{k}]" if isinstance(k, int) else str(k) for k in where)
    path = path.replace(".[", "[")
    (finding,) = [f for f in result.findings if f.code == "UNREADABLE_CELL"]
    assert finding.where == path and finding.severity == "error"
    assert written in finding.zh and "单位" in finding.zh
    if where == ("rows", 0, "executed"):
        assert result.budget.score == Decimal("9.71")  # the total row still reads
    else:
        assert result.budget.score is None and not result.budget.verified
    assert result.total == Decimal("95.71")


@pytest.mark.parametrize(
    "budget",
    [
        {"annual": "66.2", "executed": "64.253万元"},  # 万元 with bare amounts: the usual unit
        {"initial": "662000元", "annual": "662000元", "executed": "642530元"},  # all in 元
        {"annual": "66.2万", "executed": "64.253万元"},
    ],
)
def test_budget_amounts_in_one_unit_are_read(budget: dict[str, str]) -> None:
    form = copy.deepcopy(SEED)
    form["budget"].update(budget)
    form["budget"]["rows"] = []
    result = score_form(form)
    assert not [f for f in result.findings if f.code == "UNREADABLE_CELL"]
    assert result.budget.score == Decimal("9.71") and result.budget.verified
