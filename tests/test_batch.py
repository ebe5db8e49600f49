"""Batch scoring: shared outcomes equal scoring each row alone; streams; pickling; JSON lines."""

from __future__ import annotations

import io
import itertools
import json
import pickle
import random
import tracemalloc
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import jixiao
from jixiao import evaluate
from jixiao.batch import RESULT_COLUMNS, record, score_forms, score_rows, write_jsonl
from jixiao.evaluate import (
    MEMO_SIZE,
    IndicatorResult,
    memo_info,
    score_indicator,
    score_indicator_uncached,
    set_memo_size,
)
from jixiao.evaluate.streams import CHUNK_ROWS
from jixiao.forms.model import Indicator
from jixiao.policy.model import Policy

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "indicators.jsonl"
KEYS = ("level1", "level2", "name", "target", "actual", "weight", "score", "reason")
POLICIES = [*jixiao.shipped_policies(), str(ROOT / "examples" / "myprovince.policy")]

TARGETS = ["≥45人", "≤0起", "=100%", "≥90%", "≤64.253万元", "200", "18—54周岁", "定性 效果明显"]
TARGETS += ["", "/", "12月底之前完成", ">50", "≥50个", "≥100百分比", "工5%", "11月底完成100%"]
ACTUALS = ["40人", "45人", "55人", "1起", "0起", "98%", "70万元", "642530元", "200余人", "50"]
ACTUALS += ["部分达成", "达成年度指标", "", "-5人", "30周岁", "60周岁", "已完成", "100", "45人次"]
WEIGHTS: list[Any] = [5, "5", "5.0", 5.0, 10, "10分", None, "abc", "1e30", Decimal("7"), 0, -3.0]
CLAIMS: list[Any] = [None, 5, "4.9", 8.89, "9.71", "1e40", "-1", 0, Decimal("5.60"), 10, "x"]
REASONS: list[Any] = [
    "",
    "无",
    "因天气原因导致延期，下一步将加强管理",
    "已全部完成",
    "由于资金调整",
    None,
]
NAMES = ["甲", "乙", "特殊"]
LEVELS = [
    ("产出指标", "数量指标"),
    ("产出指标", "成本指标"),
    ("效益指标", "社会效益指标"),
    ("", ""),
]


def corpus_rows() -> list[dict[str, Any]]:
    if not CORPUS.is_file():
        return []
    rows = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            rows.append({k: d.get(k) for k in KEYS})
    return rows


def generated_rows(n: int, seed: int = 0) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        level1, level2 = rng.choice(LEVELS)
        rows.append(
            {
                "level1": level1,
                "level2": level2,
                "name": rng.choice(NAMES),
                "target": rng.choice(TARGETS),
                "actual": rng.choice(ACTUALS),
                "weight": rng.choice(WEIGHTS),
                "score": rng.choice(CLAIMS),
                "reason": rng.choice(REASONS),
            }
        )
    return rows


def snapshot(r: IndicatorResult) -> dict[str, Any]:
    """Everything a result says, in comparable form."""
    ctx = r.ctx
    return {
        "fields": (r.name, r.level1, r.level2, r.where, r.weight, r.score, r.claimed, r.met),
        "more": (r.raw, r.tier, r.basis, r.band, r.note, r.rule.label if r.rule else None),
        "cells": (r.target, r.actual),
        "findings": r.findings,
        "explain": (r.explanation("zh"), r.explanation("en")),
        "steps": r.steps(),
        "dicts": (r.to_dict("zh"), r.to_dict("en")),
        "ctx": None if ctx is None else tuple(getattr(ctx, s) for s in ctx.__slots__),
    }


def uncached(policy: jixiao.Policy, row: Any) -> dict[str, Any]:
    try:
        return snapshot(score_indicator_uncached(policy, row))
    except jixiao.FormError as err:
        return {"error": str(err)}


ROWS = corpus_rows() + generated_rows(1500)

#: A policy whose rules read the row's name: stricter for 满意度 (satisfaction) rows.
NAME_RULE_POLICY = (
    'policy "p" version "1"\nextends "central"\n'
    'rule "满意度从严" before "正向指标" when contains(name, "满意度") and target.op == ">=" {\n'
    "  met when actual >= target\n"
    "  score = if met then weight else 0分\n"
    "  reason required when scored < weight\n"
    "}\n"
)


# ----------------------------------------------------------------------------- shared outcomes


@pytest.mark.parametrize("name", POLICIES)
def test_shared_outcomes_equal_scoring_each_row_alone(name: str) -> None:
    policy = jixiao.load_policy(name)
    rows = ROWS + ROWS[::-1]  # every row twice: once filling the memo, once from it
    batch = list(score_rows(rows, policy))
    assert len(batch) == len(rows)
    for i, (row, got) in enumerate(zip(rows, batch, strict=True)):
        want = uncached(policy, row)
        if "error" in want:
            assert got.findings[0].code == "UNREADABLE_CELL" and got.where == f"rows[{i}]"
            assert want["error"] in got.findings[0].zh
            continue
        if any(
            f.code == "UNREADABLE_CELL" and f.where in ("weight", "score") for f in want["findings"]
        ):
            # a number cell that is not a number: the same finding, located at rows[i]
            assert got.where == f"rows[{i}]" and got.score == want["fields"][5]
            assert [f.code for f in got.findings] == [f.code for f in want["findings"]]
            assert all(f.where.startswith(f"rows[{i}]") for f in got.findings)
            continue
        assert snapshot(got) == want, row
        assert snapshot(score_indicator(policy, row)) == want, row


@pytest.mark.parametrize("name", ["central", str(ROOT / "examples" / "myprovince.policy")])
def test_shared_outcomes_are_relocated_to_each_row(name: str) -> None:
    """Indicators with cell locations (as a form reader makes them) get their own locations."""
    policy = jixiao.load_policy(name)
    for i, row in enumerate(ROWS):
        try:
            ind = Indicator.from_dict(row, where=f"indicators[{i}]")
        except jixiao.FormError:
            continue
        if i % 3 == 0:  # an Excel form names each cell
            cells = {k: f"Sheet1!{c}{i + 5}" for k, c in zip(KEYS[3:], "EFGHI", strict=False)}
            ind = Indicator(
                ind.name, ind.target, ind.actual, ind.weight, ind.score, ind.reason,
                ind.level1, ind.level2, f"Sheet1!{i + 5}", cells,
            )  # fmt: skip
        assert snapshot(score_indicator(policy, ind)) == snapshot(
            score_indicator_uncached(policy, ind)
        )


def test_forms_score_the_same_with_shared_outcomes() -> None:
    policy = jixiao.load_policy("central")
    for path in sorted((ROOT / "examples").glob("seed.*")) + sorted(
        (ROOT / "examples").glob("sichuan_split.*")
    ):
        form = jixiao.read_form(path)
        for ind in form.indicators:
            assert snapshot(score_indicator(policy, ind)) == snapshot(
                score_indicator_uncached(policy, ind)
            )


def test_the_memo_keys_on_the_row_fields_the_rules_read(tmp_path: Path) -> None:
    assert jixiao.load_policy("central").row_fields == frozenset()
    assert jixiao.load_policy(str(ROOT / "examples" / "myprovince.policy")).row_fields == {"level2"}
    path = tmp_path / "named.policy"
    path.write_text(
        'policy "named" version "1"\nextends "central"\n'
        'rule "特殊指标" before "正向指标" when name == "特殊" {\n'
        "  score = weight\n"
        '  finding info NAMED "{name}：按满分计" "{name}: full marks"\n'
        "}\n",
        encoding="utf-8",
    )
    policy = jixiao.load_policy(str(path))
    assert policy.row_fields == {"name"}
    rows = [
        {"name": n, "target": "≥45人", "actual": "40人", "weight": 10}
        for n in ["甲", "特殊", "乙", "特殊"]
    ]
    got = [(r.score, [f.zh for f in r.findings]) for r in score_rows(rows, policy)]
    assert got[1] == got[3] == (Decimal("10.00"), ["特殊：按满分计"])
    assert got[0][0] == got[2][0] == Decimal("8.89")
    for row, r in zip(rows, score_rows(rows, policy), strict=True):
        assert snapshot(r) == snapshot(score_indicator_uncached(policy, row))


def test_the_memo_is_bounded() -> None:
    policy = jixiao.load_policy("central")
    set_memo_size(policy, 8)
    try:
        rows = [{"target": f"≥{n}人", "actual": "40人", "weight": 10} for n in range(1, 40)]
        # score_indicator goes through the memo (score_rows may score such rows on columns)
        for row in rows:
            r = score_indicator(policy, row)
            assert snapshot(r) == snapshot(score_indicator_uncached(policy, row))
        info = memo_info(policy)
        assert info.maxsize == 8 and info.currsize == 8 and info.misses == len(rows)
    finally:
        set_memo_size(policy, MEMO_SIZE)
    assert memo_info(policy).maxsize == MEMO_SIZE and memo_info(policy).currsize == 0


def test_the_memo_belongs_to_the_evaluator_and_lets_old_policies_go() -> None:
    import gc
    import weakref

    from jixiao.evaluate.indicators import MEMO_POLICIES
    from jixiao.policy.loader import policy_from_chain

    base = jixiao.load_policy("central")
    row = {"target": "≥45人", "actual": "40人", "weight": 10}

    def variant(i: int) -> Policy:
        display, text = base.chain[-1]
        # built afresh (not through the loader's cache, which would keep it alive)
        return policy_from_chain.__wrapped__((*base.chain[:-1], (display, text + "\n" * (i + 1))))

    policy = variant(0)
    assert not hasattr(policy, "runtime")  # a policy is plain data: no evaluator state on it
    list(score_rows([row], policy))  # the columnar plan keeps the policy too (a small LRU)
    score_indicator(policy, row)  # the outcome memo
    assert memo_info(policy).currsize == 1
    ref = weakref.ref(policy)
    del policy
    for i in range(1, MEMO_POLICIES + 1):  # newer policies push the old memo out
        list(score_rows([row], variant(i)))
    gc.collect()
    assert ref() is None


def test_memo_size_default() -> None:
    info = memo_info(jixiao.load_policy("central"))
    assert info.maxsize == evaluate.MEMO_SIZE and info.maxbytes == evaluate.MEMO_BYTES


# ----------------------------------------------------------------------------- streams


def test_score_rows_is_lazy_and_keeps_order() -> None:
    def endless() -> Iterator[dict[str, Any]]:
        for n in itertools.count(1):
            yield {"target": "≥10人", "actual": f"{n}人", "weight": 10, "name": str(n)}

    first = list(itertools.islice(score_rows(endless()), 12))
    assert [r.name for r in first] == [str(n) for n in range(1, 13)]
    assert [r.score for r in first][:3] == [Decimal("1.00"), Decimal("2.00"), Decimal("3.00")]


def test_score_rows_pauses_the_collector_only_while_it_scores() -> None:
    import gc

    seen: list[bool] = []

    def rows(n: int, fail: bool = False) -> Iterator[dict[str, Any]]:
        for k in range(n):
            seen.append(gc.isenabled())  # read while a chunk is read and scored
            yield {"target": "≥10人", "actual": f"{k}人", "weight": 10}
        if fail:
            raise RuntimeError("the source broke")

    assert gc.isenabled()
    for r in score_rows(rows(300)):
        assert gc.isenabled() and r.score is not None  # the caller's own loop: collected
    assert seen and not any(seen) and gc.isenabled()
    with pytest.raises(RuntimeError):  # a source that fails leaves the collector on
        list(score_rows(rows(10, fail=True)))
    assert gc.isenabled()
    stream = score_rows(rows(300))
    next(stream)
    stream.close()  # given up half way
    assert gc.isenabled()
    gc.disable()  # and a caller who paused it finds it paused still
    try:
        list(score_rows(rows(10)))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_bad_row_yields_a_finding_and_the_batch_goes_on() -> None:
    rows: list[Any] = [
        {"target": "≥45人", "actual": "40人", "weight": 10},
        "not a row",
        {"target": "≥45人"},
        {"target": "≥45人", "actual": "40人", "weight": float("nan")},
        {"target": "≥45人", "actual": "40人", "weight": "1e30"},
        {"target": "≥45人", "actual": "4" * 60 + "人", "weight": 5},
        None,
        {"target": "≥45人", "actual": "45人", "weight": 10},
    ]
    results = list(score_rows(rows))
    assert len(results) == len(rows)
    assert results[0].score == Decimal("8.89") and results[-1].score == Decimal("10.00")
    for i in (1, 2, 3, 6):
        assert results[i].score is None and results[i].where == f"rows[{i}]"
        assert [f.code for f in results[i].findings] == ["UNREADABLE_CELL"]
    assert results[3].findings[0].where == "rows[3].weight"  # the cell, not only the row
    assert "POLICY_ERROR" in [f.code for f in results[4].findings]  # beyond Decimal's digits
    for r in results:
        json.dumps(r.to_dict())  # every result still renders


def test_score_forms_streams_forms_and_survives_a_bad_one() -> None:
    seed = json.loads((ROOT / "examples" / "seed.json").read_text(encoding="utf-8"))
    forms: list[Any] = [seed, {"indicators": "?"}, jixiao.read_form(ROOT / "examples" / "seed.csv")]
    results = list(score_forms(forms, "central"))
    assert [r.total for r in results] == [
        jixiao.score_form(seed).total,
        Decimal("0.00"),
        jixiao.score_form(forms[2]).total,
    ]
    assert results[0].to_dict() == jixiao.score_form(seed).to_dict()
    bad = results[1]
    assert [(f.code, f.where) for f in bad.findings] == [("UNREADABLE_CELL", "forms[1]")]
    assert bad.grade is None and not bad.ok
    json.dumps(bad.to_dict())


def test_memory_does_not_grow_with_the_stream() -> None:
    policy = jixiao.load_policy("central")
    rows = generated_rows(400, seed=3)

    def peak(n: int) -> int:
        stream = (rows[i % len(rows)] for i in range(n))
        tracemalloc.start()
        for r in score_rows(stream, policy):
            r.to_dict()
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    peak(2_000)  # fill the memo and the parse caches
    # both past the first chunks of the longest size (the stream's chunks grow to CHUNK_ROWS)
    small, large = peak(4 * CHUNK_ROWS), peak(20 * CHUNK_ROWS)
    assert large < small + 256 * 1024, (small, large)


# ----------------------------------------------------------------------------- output


def test_write_jsonl_writes_one_line_per_result() -> None:
    rows = generated_rows(50, seed=5)
    out = io.StringIO()
    assert write_jsonl(score_rows(rows), out, chunk=7) == 50
    lines = out.getvalue().splitlines()
    assert [json.loads(x) for x in lines] == [r.to_dict() for r in score_rows(rows)]


def test_records_are_flat() -> None:
    r = jixiao.load_policy("central").score({"target": "≥45人", "actual": "40人", "weight": 10})
    rec = record(r, explain=True)
    assert tuple(rec)[: len(RESULT_COLUMNS)] == RESULT_COLUMNS
    assert rec["computed_score"] == Decimal("8.89") and rec["met"] is False
    assert rec["finding_codes"] == "REASON_MISSING" and rec["n_errors"] == 1
    assert rec["explanation"] == r.explanation()


def test_to_dict_may_be_changed_by_the_caller() -> None:
    policy = jixiao.load_policy("central")
    row = {"target": "2023年12月底前完成100%", "actual": "12月完成", "weight": 5}
    first = policy.score(row).to_dict()
    first["target"].clear()
    first["steps"].clear()
    assert policy.score(row).to_dict() == score_indicator_uncached(policy, row).to_dict()


# ----------------------------------------------------------------------------- pickling


def test_results_and_policies_pickle_small() -> None:
    policy = jixiao.load_policy("central")
    row = {"target": "≥45人", "actual": "40人", "weight": 10, "score": 9, "name": "参训人数"}
    r = policy.score(row)
    data = pickle.dumps(r)
    assert len(data) < 8_000  # the policy travels as its compressed text
    back = pickle.loads(data)
    assert back.policy is policy and back.rule is r.rule
    assert snapshot(back) == snapshot(r)
    many = list(score_rows(generated_rows(1000, seed=9), policy))
    blob = pickle.dumps(many)
    assert len(blob) < 1000 * 1200  # the policy once, outcomes shared
    assert [snapshot(x) for x in pickle.loads(blob)] == [snapshot(x) for x in many]


def test_form_results_pickle() -> None:
    result = jixiao.score_form(jixiao.read_form(ROOT / "examples" / "seed.json"))
    back = pickle.loads(pickle.dumps(result))
    assert back.to_dict() == result.to_dict() and back.to_dict("en") == result.to_dict("en")
    assert [s.to_dict() for s in back.budget.steps()] == [
        s.to_dict() for s in result.budget.steps()
    ]


def test_a_policy_unpickles_to_the_loaded_one_and_tokenizes_by_its_text() -> None:
    policy = jixiao.load_policy("central")
    assert pickle.loads(pickle.dumps(policy)) is policy
    assert policy.__dask_tokenize__() == ("jixiao.Policy", policy.digest)
    assert len(policy.digest) == 64
    assert jixiao.load_policy("hubei").digest != policy.digest


def test_score_files_keeps_order_and_reports_each_unreadable_file(tmp_path: Path) -> None:
    """batch.score_files: one outcome per file, in order; an unreadable file gives its reason in
    the language asked for, and the files after it are still scored (in workers too)."""
    from jixiao.batch import score_files

    seed = Path(__file__).resolve().parents[1] / "examples" / "seed.json"
    good = [tmp_path / f"{i}.json" for i in range(3)]
    for path in good:
        path.write_bytes(seed.read_bytes())
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    files = [good[0], bad, good[1], good[2]]
    for jobs in (1, 2):
        for lang, words in (("zh", "JSON 语法错误"), ("en", "invalid JSON")):
            outcomes = list(score_files(files, "central", jobs=jobs, lang=lang))
            assert [o.source for o in outcomes] == [str(f) for f in files]
            assert [len(o.results) for o in outcomes] == [1, 0, 1, 1]
            assert [str(o.results[0].total) for o in outcomes if o.results] == ["95.71"] * 3
            assert outcomes[1].error is not None and words in outcomes[1].error
            assert str(bad) in outcomes[1].error
            assert all(o.error is None for o in outcomes if o is not outcomes[1])
