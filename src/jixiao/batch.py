"""Scoring at scale: streams of indicator rows and of forms, results as JSON lines or records.

批量评分：逐行或逐表流式评分，常量内存，结果按输入顺序产出；一行（一张表）出错只为该行（该表）
产生一条发现，不会中断整批。

* :func:`score_rows` — a stream of indicator rows (dicts in the ``indicators[]`` shape, or
  :class:`~jixiao.forms.model.Indicator`) → a stream of :class:`~jixiao.evaluate.IndicatorResult`;
* :func:`score_forms` — a stream of forms (:class:`~jixiao.forms.model.Form` or dicts in the form
  JSON shape) → a stream of :class:`~jixiao.evaluate.FormResult`;
* :func:`write_jsonl` — results as JSON lines (``to_dict``), written in chunks;
* :func:`record` / :data:`RESULT_COLUMNS` — one flat record per indicator result, the shape the
  table adapters (:mod:`jixiao.tables`, :mod:`jixiao.dask`) return.

Memory stays flat whatever the input size: nothing is kept between items but bounded caches
(parsed cells; scoring outcomes shared by rows whose observable inputs are equal).

>>> from jixiao.batch import score_rows, record
>>> rows = [{"target": "≥45人", "actual": "40人", "weight": 10}] * 3
>>> [record(r)["computed_score"] for r in score_rows(rows)]
[Decimal('8.89'), Decimal('8.89'), Decimal('8.89')]
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Literal

import attrs

from jixiao.decimals import in_context_iter
from jixiao.errors import FormError
from jixiao.evaluate import (
    BudgetResult,
    FormResult,
    IndicatorResult,
    score_form,
    score_rows,
)
from jixiao.evaluate.findings import finding
from jixiao.evaluate.streams import collecting
from jixiao.forms.model import Form
from jixiao.forms.read import read_forms
from jixiao.i18n import Msg
from jixiao.limits import Limits, set_limits
from jixiao.limits import current as current_limits
from jixiao.policy.choose import AUTO
from jixiao.policy.loader import load_policy
from jixiao.policy.model import Policy

__all__ = [
    "RESULT_COLUMNS",
    "FileScored",
    "collecting",
    "default_jobs",
    "record",
    "score_files",
    "score_forms",
    "score_rows",
    "write_jsonl",
]

#: The columns :func:`record` adds for each indicator row (the input's own columns stay as they
#: are; ``score`` in the input is the claimed score, so the computed one is ``computed_score``).
RESULT_COLUMNS: tuple[str, ...] = (
    "computed_score",
    "met",
    "rule",
    "tier",
    "basis",
    "n_findings",
    "n_errors",
    "finding_codes",
    "verified",
)


def record(result: IndicatorResult, *, explain: bool = False, lang: str = "zh") -> dict[str, Any]:
    """One flat record of an indicator result: :data:`RESULT_COLUMNS` (and ``explanation``).

    ``computed_score`` is a Decimal (None when the row could not be scored); ``rule`` the rule's
    name and place (``正向指标 (rules/central.policy:90)``); ``finding_codes`` the codes joined
    with ``;``.
    """
    findings = result.findings
    rule = result.rule
    out: dict[str, Any] = {
        "computed_score": result.score,
        "met": result.met,
        "rule": rule.label if rule is not None else None,
        "tier": result.tier,
        "basis": result.basis,
        "n_findings": len(findings),
        "n_errors": sum(1 for f in findings if f.severity == "error"),
        "finding_codes": ";".join(f.code for f in findings),
        "verified": result.verified,
    }
    if explain:
        out["explanation"] = result.explanation(lang)
    return out


@in_context_iter
def score_forms(
    forms: Iterable[Form | Mapping[str, Any]],
    policy: Policy | str = "central",
    *,
    start: int = 0,
    errors: Literal["finding", "raise"] = "finding",
) -> Iterator[FormResult]:
    """Score a stream of forms lazily, in order, one :class:`FormResult` per form.

    A form that cannot be read (or fails in any other way) yields an empty result (total 0, no
    grade) whose only finding says why, located at ``forms[i]`` (counting from *start*); the
    stream goes on. With ``errors="raise"`` the exception is raised instead (the caller reports
    it: :func:`score_files` makes it the file's error).

    >>> import jixiao.batch
    >>> forms = [{"indicators": [{"target": "≥45人", "actual": "45人", "weight": 90}],
    ...           "budget": {"annual": 100, "executed": 100, "weight": 10}}, {"title": "?"}]
    >>> [(r.total, [f.code for f in r.findings]) for r in jixiao.batch.score_forms(forms)]
    [(Decimal('100.00'), []), (Decimal('0.00'), ['UNREADABLE_CELL'])]
    """
    auto = isinstance(policy, str) and policy == AUTO
    pol = load_policy("central" if auto else policy)
    for i, form in enumerate(forms, start):
        try:
            result = score_form(form, AUTO if auto else pol)
        except Exception as err:  # one form never stops the batch; the finding names the error
            if errors == "raise":
                raise
            result = _form_failed(pol, form, i, err)
        yield result


def _form_failed(pol: Policy, form: Any, i: int, err: Exception) -> FormResult:
    where = f"forms[{i}]"
    if isinstance(err, FormError):
        failed = finding(
            "UNREADABLE_CELL", where, variant="form", error=Msg(err.render(), err.render("en"))
        )
    else:
        failed = finding(
            "POLICY_ERROR", where, variant="form", kind=type(err).__name__, error=str(err)
        )
    source = getattr(form, "source", None)
    empty = Form(indicators=(), source=source if isinstance(source, str) else None)
    budget = BudgetResult(pol.budget_weight, None, None, None, None, None, None, (), policy=pol)
    return FormResult(empty, pol, budget, (), (), pol.quantize(Decimal(0)), None, (failed,))


def write_jsonl(
    results: Iterable[IndicatorResult | FormResult],
    out: str | Path | IO[str],
    *,
    lang: str = "zh",
    chunk: int = 1000,
) -> int:
    """Write each result's ``to_dict(lang)`` as one JSON line; returns the number written.

    *out* is a path (written as UTF-8) or an open text file. Lines are written *chunk* at a
    time, so memory stays flat for any number of results.
    """
    if isinstance(out, str | Path):
        with open(out, "w", encoding="utf-8") as fh:
            return write_jsonl(results, fh, lang=lang, chunk=chunk)
    count = 0
    buf: list[str] = []
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    for r in results:
        buf.append(dumps(r.to_dict(lang)))
        count += 1
        if len(buf) >= chunk:
            buf.append("")
            out.write("\n".join(buf))
            buf.clear()
    if buf:
        buf.append("")
        out.write("\n".join(buf))
    return count


# ----------------------------------------------------------------------------- files


@attrs.frozen
class FileScored:
    """One form file of :func:`score_files`: the results of its forms, in the file's order, and
    why the file (or its next form) could not be read or scored (``None``: every form scored)."""

    source: str
    results: tuple[FormResult, ...] = ()
    error: str | None = None


INTERNAL_ERROR = Msg(
    "{source}：内部错误，请报告此问题：{kind}: {exc}",
    "{source}: internal error, please report it: {kind}: {exc}",
)


def score_file(
    path: str | Path,
    policy: Policy | str = "central",
    *,
    include_hidden: bool = False,
    lang: str = "zh",
    debug: bool = False,
) -> FileScored:
    """Every form of one file, scored by :func:`score_forms`. A file that cannot be read gives
    its reason (in *lang*, naming the file and place); a form whose scoring fails (a bug, not
    bad input) gives an internal error, and the forms before it are kept. With *debug* a bug is
    raised instead."""
    source = str(path)
    results: list[FormResult] = []
    try:
        forms = read_forms(path, include_hidden=include_hidden)
        results.extend(score_forms(forms, policy, errors="raise"))
    except FormError as exc:
        return FileScored(source, tuple(results), exc.render(lang))
    except Exception as exc:  # a bug, not bad input: report it and go on with the batch
        if debug:
            raise
        text = INTERNAL_ERROR.text(lang, source=source, kind=type(exc).__name__, exc=exc)
        return FileScored(source, tuple(results), text)
    return FileScored(source, tuple(results))


def default_jobs() -> int:
    """The number of worker processes :func:`score_files` may use: the cores this process may
    use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _start_method() -> str:
    """How worker processes start: a fork of this process when that is safe (Linux, no other
    thread whose locks a fork could copy mid-use: jixiao and the policy are already loaded, so
    a worker is ready at once), else a fresh interpreter ("spawn", about a second a worker)."""
    if (
        sys.platform.startswith("linux")
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    ):
        return "fork"
    return "spawn"


# what a worker process keeps between files: the policy and the options, sent once
_WORKER: dict[str, Any] = {}


def _worker_init(
    policy: Policy | str, include_hidden: bool, lang: str, limits: Limits | None = None
) -> None:
    _WORKER.update(policy=policy, include_hidden=include_hidden, lang=lang)
    if limits is not None:
        set_limits(limits)  # the limits of the parent (a spawned worker starts afresh)


def _worker_score(path: Path) -> FileScored:
    return score_file(
        path, _WORKER["policy"], include_hidden=_WORKER["include_hidden"], lang=_WORKER["lang"]
    )


def score_files(
    paths: Sequence[str | Path],
    policy: Policy | str = "central",
    *,
    include_hidden: bool = False,
    jobs: int = 1,
    lang: str = "zh",
    debug: bool = False,
) -> Iterator[FileScored]:
    """Read and score every form of every file (:func:`score_file`), yielding one
    :class:`FileScored` per file in the order of *paths*.

    With ``jobs > 1`` the files are read and scored in that many worker processes; the outcomes
    come back in the order of *paths* whatever order the workers finish in. If the pool breaks
    (a worker killed), the files not yet done are scored here, one after the other. *debug*
    scores in this process and raises a bug instead of reporting it.
    """
    pol: Policy | str = AUTO if isinstance(policy, str) and policy == AUTO else load_policy(policy)
    files = [Path(p) for p in paths]
    workers = min(jobs, len(files))
    if workers <= 1 or debug:
        for path in files:
            yield score_file(path, pol, include_hidden=include_hidden, lang=lang, debug=debug)
        return
    context = multiprocessing.get_context(_start_method())
    chunk = max(1, min(16, len(files) // (workers * 8)))
    done = 0
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_worker_init,
        initargs=(pol, include_hidden, lang, current_limits()),
    ) as pool:
        outcomes = pool.map(_worker_score, files, chunksize=chunk)
        try:
            for outcome in outcomes:
                done += 1
                yield outcome
        except Exception:  # BrokenProcessPool (a worker killed), a result not sent back
            for path in files[done:]:
                yield score_file(path, pol, include_hidden=include_hidden, lang=lang)
