"""What the workbench's pages show, from the rows of the results store: a batch's forms with their
gaps, the dashboard's summary and charts, one form's rows with their findings on them."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from jixiao.catalog import SEVERITIES, stronger
from jixiao.web import charts
from jixiao.web.labels import label

__all__ = ["decorate", "layout", "options", "summary"]

GRADE_BANDS = ((Decimal(90), "90–100"), (Decimal(80), "80–90"), (Decimal(60), "60–80"))


def number(text: Any) -> Decimal | None:
    try:
        return Decimal(str(text)) if text not in (None, "") else None
    except InvalidOperation:
        return None


def decorate(forms: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for f in forms:
        total, claimed = number(f["total"]), number(f["claimed_total"])
        f["gap"] = (claimed - total) if total is not None and claimed is not None else None
    return forms


def options(forms: list[dict[str, Any]]) -> dict[str, list[str]]:
    return {
        "department": sorted({f["department"] for f in forms if f["department"]}),
        "year": sorted({str(f["year"]) for f in forms if f["year"]}),
        "policy": sorted({f["policy_name"] for f in forms}),
        "severity": list(SEVERITIES),
    }


def band(total: Decimal) -> str:
    for floor, name in GRADE_BANDS:
        if total >= floor:
            return name
    return "0–60"


def summary(
    forms: list[dict[str, Any]], findings: list[dict[str, Any]], lang: str
) -> dict[str, Any]:
    totals = [(f, number(f["total"])) for f in forms]
    bands = Counter(band(t) for _f, t in totals if t is not None)
    band_rows = [(name, bands.get(name, 0)) for name in ("0–60", "60–80", "80–90", "90–100")]
    grades = Counter(f["grade"] or label("no_grade", lang) for f in forms)
    grade_rows = sorted(grades.items(), key=lambda kv: -kv[1])
    by_code: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for x in findings:
        by_code[x["code"]][x["severity"]] += 1
    code_rows = sorted(
        ((code, dict(parts)) for code, parts in by_code.items()),
        key=lambda kv: (-sum(kv[1].values()), kv[0]),
    )
    severities = Counter(x["severity"] for x in findings)
    points = [
        (f["project"] or f["source_name"], c, t)
        for f, t in totals
        if t is not None and (c := number(f["claimed_total"])) is not None
    ]
    gaps = sorted(
        (f for f in decorate(list(forms)) if f["gap"] is not None and f["gap"] != 0),
        key=lambda f: -abs(f["gap"]),
    )[:10]
    groups: dict[tuple[str, str], list[Decimal | None]] = defaultdict(list)
    for f, t in totals:
        groups[(f["department"] or "—", str(f["year"] or "—"))].append(t)
    dept_rows = [
        {
            "department": d,
            "year": y,
            "forms": len(v),
            "mean": mean([x for x in v if x is not None]),
        }
        for (d, y), v in sorted(groups.items())
    ]
    return {
        "count": len(forms),
        "errors": severities.get("error", 0),
        "warnings": severities.get("warning", 0),
        "infos": severities.get("info", 0),
        "failed_forms": sum(1 for f in forms if f["errors"]),
        "band_rows": band_rows,
        "band_chart": charts.bars(band_rows, label("chart_totals", lang)),
        "grade_rows": grade_rows,
        "grade_chart": charts.bars(grade_rows, label("chart_grades", lang), colour="#117a65"),
        "code_rows": code_rows,
        "code_chart": charts.stacked_bars(code_rows[:20], SEVERITIES, label("chart_codes", lang)),
        "points": points,
        "scatter": charts.scatter(
            points,
            label("chart_scatter", lang),
            x_label=label("claimed_total", lang),
            y_label=label("computed_total", lang),
        ),
        "gaps": gaps,
        "dept_rows": dept_rows,
    }


def mean(values: list[Decimal]) -> str:
    if not values:
        return "—"
    return str((sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01")))


def layout(row: Mapping[str, Any]) -> dict[str, Any]:
    """The form as the unit filled it in: sections with their rows, each row's cells beside its
    computed result and the findings that concern it (and which cell each points at)."""
    form = row["form"]
    result = row["result"]
    results = result.get("indicators", [])
    cells = form.get("indicators", [])
    located = (form.get("locations") or {}).get("indicators") or []
    sections: list[dict[str, Any]] = []
    for i, (cell, res) in enumerate(zip(cells, results, strict=False)):
        places = located[i] if i < len(located) and isinstance(located[i], dict) else {}
        level1 = cell.get("level1") or res.get("level1") or "—"
        if not sections or sections[-1]["name"] != level1:
            sections.append({"name": level1, "rows": []})
        sections[-1]["rows"].append(
            {
                "number": i + 1,
                "cell": cell,
                "result": res,
                "findings": res.get("findings", []),
                "worst": worst(res.get("findings", [])),
                "verified": res.get("verified"),
                "cells_at_fault": {
                    field_of(f.get("where"), res.get("where"), places)
                    for f in res.get("findings", [])
                },
            }
        )
    budget = result.get("budget") or {}

    def key(f: Mapping[str, Any]) -> tuple[Any, ...]:
        return (f.get("code"), f.get("where"), f.get("message"))

    on_rows = {key(f) for r in results for f in r.get("findings", [])}
    on_rows |= {key(f) for f in budget.get("findings", [])}
    form_findings = [f for f in result.get("findings", []) if key(f) not in on_rows]
    return {
        "sections": sections,
        "budget": budget,
        "budget_cells": form.get("budget") or {},
        "form_findings": form_findings,
        "verified": sum(1 for s in sections for r in s["rows"] if r["verified"] is True),
        "unverified": sum(1 for s in sections for r in s["rows"] if r["verified"] is False),
        "unverified_points": (result.get("verification") or {}).get("unverified_points"),
        "partial": bool(result.get("partial")),
    }


def worst(findings: list[dict[str, Any]]) -> str | None:
    worst: str | None = None
    for f in findings:
        worst = stronger(worst, str(f.get("severity")))
    return worst


def field_of(where: Any, row_where: Any, places: Mapping[str, Any]) -> str:
    """Which cell of a row a finding points at: by the cell the reader recorded for each field
    (``绩效自评表!F13`` → ``actual``), or by the JSON path (``indicators[3].actual``)."""
    if not isinstance(where, str):
        return ""
    for name, place in places.items():
        if name != "where" and place == where:
            return name
    if isinstance(row_where, str) and where.startswith(row_where + "."):
        return where[len(row_where) + 1 :]
    return ""
