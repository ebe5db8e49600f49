"""Columnar scoring of Arrow record batches: each distinct row scored once, results by index.

列式评分：一批指标行按列处理。在 Arrow 中（C 代码里）为每一行算出它所属的“相同行”组，每组只用
逐行评分器评一次，结果列再按组号取回到每一行；不为每一行构造 Python 对象。

A batch of indicator rows is mostly repetition: the same target, actual, weight, claimed score and
reason come back row after row. The plan for one batch:

1. **Group** — every column a row's result can depend on (``target``, ``actual``, ``weight``,
   ``score``, ``reason``; ``name``, ``level1``, ``level2`` when the policy's rules read them,
   :attr:`Policy.row_fields`, or when they are not text) is dictionary-encoded by Arrow, and the
   codes are combined into one group number per row and numbered once at the end
   (:func:`jixiao.grouping.group_arrays`). Values are grouped by their exact bits (a float ``-0.0`` is not ``0.0``;
   distinct NaN payloads are distinct), so two rows share a group only if every cell the
   evaluator reads is the same — except that without explanations the ``reason`` column takes
   part by the *class* of its text (what the reason check makes of it: blank, a placeholder, no
   cause …; :func:`jixiao.evaluate.indicators.reason_class`, worked out once per distinct
   text), since that is all the result columns take from it. Explanations quote the text: with
   them, the text itself is grouped.
2. **Score each group once** — the groups' first rows go, a block at a time, straight to the
   policy's columnar plan (:func:`jixiao.evaluate.plan.score_chunk`), and the rows it leaves to
   the row evaluator with the shared outcomes: for each row what :func:`jixiao.score_rows` gives
   (so a group's result *is* the row evaluator's result for every row of the group). The finding
   columns of a row the plan flagged are taken from the first row of the same shape (see
   :class:`_Records`), so finding texts are not formatted for rows that only need codes.
3. **Gather** — each result column is built with one entry per group and taken back to the rows
   by group number (``Array.take``); the text columns (``rule``, ``tier``, ``basis``,
   ``finding_codes``, ``explanation``) as dictionary arrays whose indices are taken, so a row
   costs 4 bytes rather than its text.

The result columns are exactly what :func:`jixiao.batch.record` gives row by row (compared column
by column in ``tests/test_columnar.py`` on generated tables and every corpus row). Only the
per-group work is Python; per row, everything happens in Arrow's kernels.
"""

from __future__ import annotations

import array
import importlib
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any, cast

from jixiao.batch import RESULT_COLUMNS, collecting, score_rows
from jixiao.decimals import jixiao_context
from jixiao.evaluate.checks import reason_problems
from jixiao.evaluate.indicators import budget_year, in_budget_year, score_mapping
from jixiao.evaluate.memo import Memo, memo_of
from jixiao.evaluate.plan import Plan, plan_of, score_chunk, unmade_findings
from jixiao.evaluate.results import IndicatorResult
from jixiao.grouping import (
    KEPT_REPEATED,
    Entry,
    arrow,
    clear_kept,
    clear_reasons,
    group_arrays,
    kept_for,
    key_columns,
    known_reasons,
    pool,
    reason_classes,
)
from jixiao.grouping import KEY_COLUMNS as KEY_COLUMNS
from jixiao.grouping import group_rows as group_rows
from jixiao.policy.model import Policy

__all__ = [
    "KEY_COLUMNS",
    "arrow_types",
    "cache_clear",
    "gather",
    "group_rows",
    "key_columns",
    "score_batch",
    "scored_batch",
    "text_type",
]


def score_batch(
    batch: Any,
    policy: Policy,
    *,
    explain: bool = False,
    lang: str = "zh",
    year: int | None = None,
) -> dict[str, Any]:
    """The result columns (:data:`jixiao.batch.RESULT_COLUMNS`, and ``explanation`` with
    *explain*) of one Arrow record batch of indicator rows, as Arrow arrays. *year*: the budget
    year of the rows, as for :func:`jixiao.score_rows`."""
    return scored_batch(batch, policy, explain=explain, lang=lang, year=year)[0]


def scored_batch(
    batch: Any,
    policy: Policy,
    *,
    explain: bool = False,
    lang: str = "zh",
    year: int | None = None,
) -> tuple[dict[str, Any], bool]:
    """:func:`score_batch`, and whether the batch's rows repeat (at least :data:`KEPT_REPEATED`
    of them in groups of more than one: without explanations or a budget *year*, its groups are
    kept for later batches)."""
    year = budget_year(year)
    keys = key_columns(policy, batch.schema)
    arrays = [batch.column(c) for c in keys]
    classed = False
    if not explain and "reason" in keys and not memo_of(policy).reasons:
        # without explanations a row's result takes only the class of its reason text from it
        i = keys.index("reason")
        classes = reason_classes(policy, arrays[i])
        if classes is not None:
            arrays[i] = classes
            classed = True
    group, first, sizes = group_arrays(arrays, batch.num_rows)
    out = _Records(policy, explain, lang)
    plan = plan_of(policy)
    memos = _Memos(policy)
    named = tuple(keys)
    reasons = known_reasons(policy) if classed else None
    # nearly all the rows repeat in the batch: its groups will come back in later ones, and
    # they are few for its rows (their Python objects are few: larger blocks)
    repeats = int(sizes[sizes > 1].sum()) >= KEPT_REPEATED * batch.num_rows
    # (the groups kept are those of calls without a year: a deadline's result may rest on it)
    kept = kept_for(policy) if repeats and not explain and year is None else None
    block_size = _REPEATED_REPRESENTATIVES if repeats else _REPRESENTATIVES
    with collecting(), jixiao_context():
        for block, rows in _representatives(batch, keys, first, block_size):
            if kept is None:
                out.add(out.entries(_score_block(policy, plan, memos, block, rows, year)))
                continue
            cells = [kept.key(row, named, reasons) for row in block]
            entries = [None if k is None else kept.get(k) for k in cells]
            todo = [j for j, e in enumerate(entries) if e is None]
            if todo:
                scored = _score_block(
                    policy, plan, memos, [block[j] for j in todo], [rows[j] for j in todo], year
                )
                for j, entry in zip(todo, out.entries(scored), strict=True):
                    entries[j] = entry
                    k = cells[j]
                    if k is not None:
                        kept.put(k, entry)
            out.add(cast(list[Entry], entries))
    return out.arrays(group), repeats


def _score_block(
    policy: Policy,
    plan: Plan | None,
    memos: _Memos,
    block: list[dict[str, Any]],
    rows: list[int],
    year: int | None = None,
) -> list[IndicatorResult]:
    """The results of a block of representative rows (*rows*: their numbers in the batch, which
    name an unreadable cell's place): the columnar plan on the whole block, the row evaluator on
    the rows the plan leaves (through the shared outcomes while they hold enough of them, see
    :class:`_Memos`) — for each row exactly what :func:`jixiao.score_rows` gives, without its
    choice of path per chunk (the rows of a block are distinct, so the plan takes them all).
    With a budget *year*, a deadline without one is placed in it as there."""
    done: list[IndicatorResult | None] = [None] * len(block)
    if plan is not None:
        try:
            done = score_chunk(plan, block)
        except Exception:  # the plan never loses a row: the row evaluator scores the block
            done = [None] * len(block)
    memo = memos.next()
    hits, misses = memo.hits, memo.misses
    out: list[IndicatorResult] = []
    for row, i, result in zip(block, rows, done, strict=True):
        if result is None:
            try:
                result = score_mapping(policy, memo, row, f"rows[{i}]")
            except Exception:  # the unscored result with its finding, as score_rows makes it
                result = next(iter(score_rows([row], policy, start=i)))
        if year is not None:
            result = in_budget_year(policy, row, result, year, given=True)
        out.append(result)
    memos.seen(memo, memo.hits - hits, memo.misses - misses)
    return out


#: Below this share of shared outcomes found among the rows a block leaves to the row evaluator,
#: the next blocks of the batch score them without the shared outcomes; every
#: :data:`MEMO_PROBE`-th block tries them again.
MEMO_HIT_SHARE = 0.25
MEMO_PROBE = 4


class _NoMemo(Memo):
    """A memo that never holds an outcome: the row evaluator's result without the cost of
    keeping (and charging) outcomes that will not be asked for again."""

    __slots__ = ()

    def get(self, key: tuple[Any, ...]) -> Any:
        self.misses += 1
        return None

    def add(self, key: tuple[Any, ...], scored: Any) -> Any:
        return scored


class _Memos:
    """Which memo the row evaluator uses for a batch's next block: the policy's shared outcomes
    while they are found for at least :data:`MEMO_HIT_SHARE` of the rows (rows repeating across
    groups in all but their labels or reason, or across batches and tables), none otherwise —
    on mostly distinct rows a kept outcome is rarely asked for again, and keeping it costs time
    and fills the bounded memo (tens of MB) for nothing. Either way the result is the same."""

    def __init__(self, policy: Policy) -> None:
        self.shared = memo_of(policy)
        self.none = _NoMemo(policy, 0)
        self.skipped: int | None = None  # blocks scored without the memo since it last missed

    def next(self) -> Memo:
        if self.skipped is None or self.skipped >= MEMO_PROBE:
            return self.shared
        self.skipped += 1
        return self.none

    def seen(self, memo: Memo, hits: int, misses: int) -> None:
        if memo is not self.shared or hits + misses == 0:
            return
        self.skipped = None if hits >= MEMO_HIT_SHARE * (hits + misses) else 0


class _Text:
    """A text result column while it is built: each distinct value once, a 4-byte code per
    entry (-1 for None), so a batch's many groups hold no string (nor pointer) each."""

    __slots__ = ("codes", "index", "values")

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.values: list[str] = []
        self.codes = array.array("i")

    def code(self, value: str | None) -> int:
        if value is None:
            return -1
        k = self.index.get(value)
        if k is None:
            k = self.index[value] = len(self.values)
            self.values.append(value)
        return k


class _Records:
    """The result columns, one entry per result: what :func:`jixiao.batch.record` gives, built
    column by column in compact form (codes for the text columns, machine integers for the
    counts and flags, the scores as Arrow decimals a block at a time), then taken back to the
    rows by :meth:`arrays`.

    The finding columns of a result whose findings the plan makes only when read (a row with a
    finding flag: its texts quote the explanation) are taken from an earlier result of the same
    *shape* — the same rule, flags, reason severity, claim bounds and reason-check codes — whose
    findings were made: the codes, severities and count of a flagged row depend on nothing else
    (see :meth:`_shape`), so the texts of most such rows are never formatted."""

    def __init__(self, policy: Policy, explain: bool, lang: str) -> None:
        self.policy = policy
        self.explain = explain
        self.lang = lang
        self.types = arrow_types(policy)
        self.n = 0
        self.scores: list[Any] = []  # Arrow decimal arrays, one a block
        self.met = array.array("b")  # 1, 0, or -1 for None
        self.verified = array.array("b")
        self.n_findings = array.array("i")
        self.n_errors = array.array("i")
        self.text = {c: _Text() for c in _TEXT_COLUMNS if explain or c != "explanation"}
        self.labels: dict[int, str] = {}  # id of a compiled rule: its label
        self.shapes: dict[tuple[Any, ...], tuple[int, int, str, int]] = {}
        self.reasons: dict[str, tuple[str, ...]] = {}

    def entries(self, results: Iterable[IndicatorResult]) -> list[Entry]:
        """What each result puts in the result columns, as values (see :data:`Entry`)."""
        out: list[Entry] = []
        labels, shapes = self.labels, self.shapes
        explain, lang = self.explain, self.lang
        for r in results:
            m = r.met
            compiled = r.rule
            label = None
            if compiled is not None:
                label = labels.get(id(compiled))
                if label is None:
                    label = labels[id(compiled)] = compiled.label
            # a plain result has its findings made already
            shape = None if type(r) is IndicatorResult else self._shape(r)
            got = None if shape is None else shapes.get(shape)
            if got is None:
                findings = r.findings
                got = (
                    len(findings),
                    sum(1 for f in findings if f.severity == "error"),
                    ";".join(f.code for f in findings),
                    1 if r.verified else 0,
                )
                if shape is not None:
                    if len(shapes) > _SHAPES:
                        shapes.clear()
                    shapes[shape] = got
            out.append(
                (
                    r.score,
                    -1 if m is None else 1 if m else 0,
                    label,
                    r.tier,
                    r.basis,
                    *got,
                    r.explanation(lang) if explain else None,
                )
            )
        return out

    def add(self, entries: list[Entry]) -> None:
        """Append the *entries* (one per group, in order) to the columns, a column at a time."""
        if not entries:
            return
        score, met, rule, tier, basis, n_findings, n_errors, codes, verified, explained = zip(
            *entries, strict=True
        )
        self.met.extend(met)
        self.n_findings.extend(n_findings)
        self.n_errors.extend(n_errors)
        self.verified.extend(verified)
        text = self.text
        for column, values in (
            ("rule", rule),
            ("tier", tier),
            ("basis", basis),
            ("finding_codes", codes),
            ("explanation", explained),
        ):
            built = text.get(column)
            if built is not None:
                built.codes.extend(map(built.code, values))
        self.n += len(entries)
        self.scores.append(
            arrow().array(list(score), type=self.types["computed_score"], memory_pool=pool())
        )

    def arrays(self, group: Any) -> dict[str, Any]:
        """The result columns taken back to the rows by *group* (each row's entry number)."""
        pa = arrow()
        pc = importlib.import_module("pyarrow.compute")
        np = importlib.import_module("numpy")
        mem = pool()
        types = self.types

        def take(values: Any) -> Any:
            return pc.take(values, group, memory_pool=mem)

        def ints(a: array.array[int]) -> Any:
            return np.frombuffer(a, dtype=np.dtype(a.typecode)).astype(np.int32)

        score_type = types["computed_score"]
        scores = pa.concat_arrays(self.scores) if self.scores else pa.array([], type=score_type)
        met = ints(self.met)
        out = {
            "computed_score": take(scores),
            "met": take(pa.array(met == 1, mask=met < 0, type=pa.bool_())),
            "n_findings": take(pa.array(ints(self.n_findings), type=pa.int32())),
            "n_errors": take(pa.array(ints(self.n_errors), type=pa.int32())),
            "verified": take(pa.array(ints(self.verified) == 1, type=pa.bool_())),
        }
        for c, t in self.text.items():
            codes = ints(t.codes)
            indices = take(pa.array(codes, mask=codes < 0, type=pa.int32()))
            dictionary = pa.array(t.values, type=types[c].value_type, memory_pool=mem)
            out[c] = pa.DictionaryArray.from_arrays(indices, dictionary)
        return {c: out[c] for c in [*RESULT_COLUMNS, *(["explanation"] if self.explain else [])]}

    def _shape(self, r: IndicatorResult) -> tuple[Any, ...] | None:
        """What the finding columns of a plan result with unmade findings depend on, or None
        for any other result (its findings are already made: they are counted directly).

        A flagged row's findings are made by the evaluator's functions from: the rule (its own
        findings' codes and severities), which flags are set (score out of range, each rule
        finding, claim bounds, ``SCORE_MISMATCH``), the reason severity, which claim bound is
        crossed (the weight and claim), and the codes of the reason check (its text). A tier
        row's flags are what its tier notes (``ACTUAL_NOT_NUMERIC``, the claim estimated or out
        of its band), the claim bounds and ``SCORE_MISMATCH``. The score is set and the basis is
        part of the shape, so ``SCORE_UNVERIFIED`` and ``verified`` follow from those too
        (:func:`jixiao.evaluate.plan.unmade_findings`). Anything unexpected: None."""
        unmade = unmade_findings(r)
        if unmade is None:
            return None
        policy, rule, w, c, marks, sev, text = unmade
        if policy is not self.policy or type(marks) is not tuple or len(marks) not in (4, 5):
            return None
        if type(w) is not Decimal or not (c is None or type(c) is Decimal) or type(text) is not str:
            return None
        # the codes the reason check would give (whether it runs depends on the severity and
        # on the rule's findings that require a reason, both part of the shape)
        reason = self.reasons.get(text)
        if reason is None:
            reason = tuple(code for code, _detail in reason_problems(policy, text.strip()))
            if len(self.reasons) > _SHAPES:
                self.reasons.clear()
            self.reasons[text] = reason
        bounds = (
            not 0 < w <= 100,
            c is not None and c > w,
            c is not None and c < 0,
        )
        return (id(rule), marks, sev, bounds, reason, r.basis, r.score is None)


def cache_clear() -> None:
    """Forget the groups kept across batches and the reason classes (every policy's)."""
    clear_kept()
    clear_reasons()


_TEXT_COLUMNS = ("rule", "tier", "basis", "finding_codes", "explanation")

#: The most finding shapes (and reason texts) kept while a batch is gathered.
_SHAPES = 4096


#: Groups whose representative rows are turned into Python dicts (and scored) at a time. Their
#: Python objects (dicts, results, the plan's columns) are what the path holds besides Arrow's
#: arrays: on 1M mostly distinct rows, blocks of 1,024 took peak memory from 2.5 to 2.3 times
#: the input table's size (4,096) at the same speed; 512 cost a fifth of the speed.
_REPRESENTATIVES = 1024
#: The same in a batch whose rows repeat (:data:`KEPT_REPEATED`): its groups are few, and the
#: plan runs its rules over longer columns (on 1M realistic rows, a tenth less time than 1,024).
_REPEATED_REPRESENTATIVES = 4096


def _representatives(
    batch: Any, keys: list[str], first: Any, size: int
) -> Iterator[tuple[list[dict[str, Any]], list[int]]]:
    """Each group's first row as a dict of its *keys* cells, with its number in the batch, a
    block at a time (so the Python objects of a batch's many groups are not all alive at
    once)."""
    pa = arrow()
    pc = importlib.import_module("pyarrow.compute")
    mem = pool()
    for start in range(0, len(first), size):
        numbers = first[start : start + size]
        picked = pa.array(numbers, memory_pool=mem)
        values = [pc.take(batch.column(c), picked, memory_pool=mem).to_pylist() for c in keys]
        block = [dict(zip(keys, cells, strict=True)) for cells in zip(*values, strict=True)]
        yield block, numbers.tolist()


def gather(values: list[Any], type: Any, group: Any) -> Any:
    """The column of one value per group (*values*) taken back to the rows by group number.

    A text column comes out dictionary-encoded (:func:`text_type`): its distinct values once,
    and a 4-byte index per row, taken from the groups' indices (no row's text is hashed)."""
    pa = arrow()
    pc = importlib.import_module("pyarrow.compute")
    mem = pool()
    if pa.types.is_dictionary(type):
        encoded = pc.dictionary_encode(
            pa.array(values, type=type.value_type, memory_pool=mem), memory_pool=mem
        )
        indices = pc.take(encoded.indices, group, memory_pool=mem)
        return pa.DictionaryArray.from_arrays(indices, encoded.dictionary)
    return pc.take(pa.array(values, type=type, memory_pool=mem), group, memory_pool=mem)


def text_type() -> Any:
    """The Arrow type of the text result columns (``rule``, ``tier``, ``basis``,
    ``finding_codes``, ``explanation``): ``dictionary<int32, string>``. A batch has few distinct
    values in them, so a row costs 4 bytes rather than its text (the values read as the same
    strings: ``to_pylist``, and pandas output is unchanged, see :mod:`jixiao.tables`)."""
    pa = arrow()
    return pa.dictionary(pa.int32(), pa.string())


def arrow_types(policy: Policy) -> dict[str, Any]:
    """The Arrow type of each result column (:data:`jixiao.batch.RESULT_COLUMNS` and
    ``explanation``)."""
    pa = arrow()
    text = text_type()
    return {
        "computed_score": pa.decimal128(38, policy.places),
        "met": pa.bool_(),
        "rule": text,
        "tier": text,
        "basis": text,
        "n_findings": pa.int32(),
        "n_errors": pa.int32(),
        "finding_codes": text,
        "verified": pa.bool_(),
        "explanation": text,
    }
