"""The JSON Schema (draft 2020-12) of the form's JSON shape, shipped inside the package."""

from __future__ import annotations

import copy
import functools
import json
from importlib import resources
from typing import Any

__all__ = ["SCHEMA_FILE", "form_schema", "form_schema_text"]

SCHEMA_FILE = "form.schema.json"


def form_schema_text() -> str:
    """The schema file's text, exactly as shipped."""
    return resources.files("jixiao.forms").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


@functools.cache
def _schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(form_schema_text())
    return data


def form_schema() -> dict[str, Any]:
    """The schema as a dict (a fresh copy each call).

    >>> form_schema()["required"]
    ['indicators']
    """
    return copy.deepcopy(_schema())
