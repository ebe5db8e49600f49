"""The form model and its readers and writers (JSON, CSV, Excel; and readers for old .xls, WPS
.et, .ods, Word .docx and text PDFs).

>>> from jixiao.forms import read_form
>>> form = read_form("examples/seed.xlsx")          # doctest: +SKIP
>>> form.indicators[0].where, form.indicators[0].cell("target")   # doctest: +SKIP
('绩效自评表!B13', '绩效自评表!E13')
"""

from __future__ import annotations

from jixiao.forms.csv_io import write_csv
from jixiao.forms.json_io import loads_forms, write_json
from jixiao.forms.model import Budget, BudgetRow, Form, Indicator, decimal_from_float, to_decimal
from jixiao.forms.read import SUFFIXES, read_form, read_forms, write_form
from jixiao.forms.schema import form_schema, form_schema_text
from jixiao.forms.xlsx_io import write_xlsx

__all__ = [
    "SUFFIXES",
    "Budget",
    "BudgetRow",
    "Form",
    "Indicator",
    "decimal_from_float",
    "form_schema",
    "form_schema_text",
    "loads_forms",
    "read_form",
    "read_forms",
    "to_decimal",
    "write_csv",
    "write_form",
    "write_json",
    "write_xlsx",
]
