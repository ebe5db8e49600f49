"""Renderings of results: terminal tables (rich), Markdown, JSON and Excel.

The submodules import their optional dependencies (rich, openpyxl) only when used:

- :mod:`jixiao.report.terminal` — rich tables drawn on a Console you pass in (the ``cli`` extra);
- :mod:`jixiao.report.markdown` — :func:`markdown_report`, a report to paste into a 自评报告;
- :mod:`jixiao.report.json_out` — :func:`to_json` / :func:`to_jsonl` (``FormResult.to_dict``);
- :mod:`jixiao.report.xlsx_out` — :func:`write_annotated_workbook` (an annotated copy of the
  input workbook) and :func:`write_results_workbook` (the ``xlsx`` extra).

>>> from jixiao.report import markdown_report       # doctest: +SKIP
>>> print(markdown_report(result, lang="en"))       # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from jixiao.report._common import BatchEntry, ReportError, policy_title

if TYPE_CHECKING:
    from jixiao.report.json_out import to_json, to_jsonl
    from jixiao.report.markdown import markdown_report
    from jixiao.report.xlsx_out import write_annotated_workbook, write_results_workbook

_EXPORTS = {
    "to_json": "jixiao.report.json_out",
    "to_jsonl": "jixiao.report.json_out",
    "markdown_report": "jixiao.report.markdown",
    "write_annotated_workbook": "jixiao.report.xlsx_out",
    "write_results_workbook": "jixiao.report.xlsx_out",
}

__all__ = [
    "BatchEntry",
    "ReportError",
    "markdown_report",
    "policy_title",
    "to_json",
    "to_jsonl",
    "write_annotated_workbook",
    "write_results_workbook",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'jixiao.report' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
