"""The shipped JSON Schema: identical to the docs copy, and in agreement with Form.from_dict.

``jsonschema`` is not a dependency, so the structural checks use a tiny validator for exactly the
keywords the schema uses (a test fails if the schema starts using another keyword); when
``jsonschema`` happens to be installed, it is used as well.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jixiao.errors import FormError
from jixiao.forms import Form, form_schema, form_schema_text

ROOT = Path(__file__).resolve().parents[1]
KNOWN = {
    "$schema", "$id", "$defs", "$ref", "title", "description",
    "type", "required", "properties", "additionalProperties", "items", "anyOf", "pattern",
}  # fmt: skip
TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "null": lambda v: v is None,
    "boolean": lambda v: isinstance(v, bool),
}


def errors(
    value: Any, schema: dict[str, Any], root: dict[str, Any], path: str = "$"
) -> Iterator[str]:
    """Validation errors of *value* (a tiny subset of JSON Schema 2020-12)."""
    if "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/$defs/")
        yield from errors(value, root["$defs"][ref.split("/")[-1]], root, path)
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(TYPES[t](value) for t in types):
            yield f"{path}: not {types}"
            return
    if "anyOf" in schema and not any(
        not list(errors(value, sub, root, path)) for sub in schema["anyOf"]
    ):
        yield f"{path}: matches none of anyOf"
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        yield f"{path}: does not match {schema['pattern']}"
    if isinstance(value, dict):
        for key in schema.get("required", ()):
            if key not in value:
                yield f"{path}: missing {key}"
        props = schema.get("properties", {})
        for key, item in value.items():
            if key in props:
                yield from errors(item, props[key], root, f"{path}.{key}")
            elif isinstance(schema.get("additionalProperties"), dict):
                yield from errors(item, schema["additionalProperties"], root, f"{path}.{key}")
            elif schema.get("additionalProperties") is False:
                yield f"{path}: unexpected {key}"
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            yield from errors(item, schema["items"], root, f"{path}[{i}]")


def validate(value: Any) -> list[str]:
    schema = form_schema()
    found = list(errors(value, schema, schema))
    try:
        import jsonschema
    except ImportError:
        return found
    official = sorted(e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(value))
    assert bool(official) == bool(found), (official, found)
    return found


def keywords(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            if key in ("properties", "$defs"):
                for sub in value.values():
                    yield from keywords(sub)
            elif key not in ("required", "type", "pattern", "title", "description"):
                yield from keywords(value)
    elif isinstance(node, list):
        for item in node:
            yield from keywords(item)


def test_docs_copy_is_identical() -> None:
    shipped = ROOT / "src" / "jixiao" / "forms" / "form.schema.json"
    assert (ROOT / "docs" / "form.schema.json").read_bytes() == shipped.read_bytes()
    assert form_schema_text() == shipped.read_text(encoding="utf-8")


def test_schema_is_draft_2020_12_and_uses_known_keywords() -> None:
    schema = form_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(keywords(schema)) <= KNOWN
    assert schema["required"] == ["indicators"]
    assert schema["$defs"]["indicator"]["required"] == ["target", "actual", "weight"]


@pytest.mark.parametrize("name", ["seed.json", "sichuan_split.json"])
def test_examples_validate(name: str) -> None:
    data = json.loads((ROOT / "examples" / name).read_text(encoding="utf-8"))
    assert validate(data) == []


def _ind(**over: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"name": "人数", "target": "≥45人", "actual": "45人", "weight": 5}
    row.update(over)
    return {k: v for k, v in row.items() if v is not ...}


DOCS: list[dict[str, Any] | list[Any]] = [
    {"indicators": []},
    {"indicators": [_ind()]},
    {"indicators": [_ind(weight=None, score="", actual=45)]},
    {"indicators": [_ind(weight="1,234.5")]},
    {"indicators": [_ind(weight="259.45万元", score="—")]},
    {"indicators": [_ind(weight="９７．０６％")]},
    {"indicators": [], "year": "2023年度", "budget": None, "goals": None, "total": "95.71"},
    {"indicators": [], "budget": {"executed": "215,457.6", "rows": [{"name": "其他资金"}]}},
    {"indicators": [], "extra": "ignored"},
    {},
    {"indicators": {}},
    {"indicators": [_ind(weight=...)]},
    {"indicators": [_ind(target=...)]},
    {"indicators": [_ind(weight="五")]},
    {"indicators": [_ind(weight=True)]},
    {"indicators": [_ind(score=[5])]},
    {"indicators": [], "year": "去年"},
    {"indicators": [], "year": True},
    {"indicators": [], "budget": "66.2"},
    {"indicators": [], "budget": {"rows": [1]}},
    {"indicators": [], "goals": ["预期目标"]},
    {"indicators": [], "total": "九十五"},
    ["not", "an", "object"],
]


@pytest.mark.parametrize("doc", DOCS, ids=[json.dumps(d, ensure_ascii=False)[:60] for d in DOCS])
def test_schema_agrees_with_from_dict(doc: Any) -> None:
    # The schema describes a valid form; from_dict also reads a form with cells that are not
    # numbers (each becomes an UNREADABLE_CELL finding), so "valid" is "read with no bad cell".
    try:
        form = Form.from_dict(doc)
        accepted = not form.unreadable and not any(i.unreadable for i in form.indicators)
        if form.budget is not None:
            accepted = accepted and not form.budget.unreadable
    except FormError:
        accepted = False
    assert (validate(doc) == []) == accepted


def test_corpus_forms_validate() -> None:
    from corpus_forms import corpus_forms

    for form in corpus_forms():
        assert validate(form.to_dict()) == [], form.source
