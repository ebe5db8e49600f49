"""``Form.from_dict`` and ``form.schema.json`` agree on every document (issue 11).

Documents are generated from the schema itself (by :func:`from_schema` below: hypothesis-jsonschema
does not work with the current hypothesis), then one field at a time
is replaced by any JSON value (lists and objects where text belongs, booleans, numbers, strings
of every kind). A document the schema accepts must be read; one it rejects must be a FormError
naming a field. The only other refusals allowed are the documented resource limits
(:mod:`jixiao.limits`), and the test checks that raising the limit lets the document through.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.errors import FormError
from jixiao.forms import Form, form_schema
from jixiao.limits import LimitError, using

jsonschema = pytest.importorskip("jsonschema")

SCHEMA = form_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    """The schema with its local ``$ref``s replaced by their definitions (hypothesis-jsonschema
    does not resolve them against a ``urn:`` id)."""
    if isinstance(node, dict):
        if "$ref" in node:
            target = _inline(defs[node["$ref"].rsplit("/", 1)[1]], defs)
            rest = {k: _inline(v, defs) for k, v in node.items() if k != "$ref"}
            return {**target, **rest}
        return {k: _inline(v, defs) for k, v in node.items() if k not in ("$defs", "$id")}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


_PRIMITIVES: dict[str, st.SearchStrategy[Any]] = {
    "null": st.none(),
    "boolean": st.booleans(),
    "integer": st.integers(),
    "number": st.integers() | st.floats(allow_nan=False, allow_infinity=False),
    "string": st.text(max_size=15),
}


def from_schema(node: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Documents valid under *node*, for the keywords form.schema.json uses (type, properties,
    required, additionalProperties, items, anyOf, pattern; refs inlined)."""
    if "anyOf" in node:
        return st.one_of([from_schema(sub) for sub in node["anyOf"]])
    types = node.get("type", ["null", "boolean", "number", "string", "array", "object"])
    types = types if isinstance(types, list) else [types]
    options: list[st.SearchStrategy[Any]] = []
    for kind in types:
        if kind == "string" and "pattern" in node:
            options.append(st.from_regex(node["pattern"]))
        elif kind == "object":
            options.append(_object(node))
        elif kind == "array":
            item = from_schema(node["items"]) if "items" in node else _PRIMITIVES["string"]
            options.append(st.lists(item, max_size=3))
        else:
            options.append(_PRIMITIVES[kind])
    return st.one_of(options)


def _object(node: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    props = node.get("properties", {})
    required = set(node.get("required", ()))
    extra = node.get("additionalProperties")
    fixed = {k: from_schema(v) for k, v in props.items() if k in required}
    optional = {k: from_schema(v) for k, v in props.items() if k not in required}
    base = st.fixed_dictionaries(fixed, optional=optional)
    if isinstance(extra, dict):
        more = st.dictionaries(
            st.text(max_size=6).filter(lambda k: k not in props), from_schema(extra), max_size=2
        )
        return st.tuples(base, more).map(lambda t: {**t[1], **t[0]})
    return base


DOCS = from_schema(_inline(SCHEMA, SCHEMA["$defs"]))

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(
        ["5", "5万元", "９７．０６％", "—", "1e5", "1_000", ",5", "٣", "2023年度", "2023度"]
    ),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)

PATHS = [
    ("project",), ("year",), ("department",), ("implementer",), ("goals",), ("goals", "expected"),
    ("budget",), ("budget", "annual"), ("budget", "weight"), ("budget", "reason"), ("budget", "rows"),
    ("budget", "rows", 0), ("budget", "rows", 0, "name"), ("budget", "rows", 0, "executed"),
    ("indicators",), ("indicators", 0), ("indicators", 0, "name"), ("indicators", 0, "target"),
    ("indicators", 0, "actual"), ("indicators", 0, "weight"), ("indicators", 0, "score"),
    ("indicators", 0, "reason"), ("indicators", 0, "level1"), ("total",), ("grade",),
]  # fmt: skip


def _clean(form: Form) -> bool:
    """Read with no unreadable cell: what the schema calls valid (a cell that is not a number
    is read as an UNREADABLE_CELL finding, not refused, since issue 9b)."""
    rows = [form, *form.indicators]
    if form.budget is not None:
        rows += [form.budget, *form.budget.rows]
    return not any(getattr(r, "unreadable", ()) for r in rows)


def _verdicts(doc: Any) -> tuple[bool, bool]:
    """(the schema accepts, from_dict reads it with no unreadable cell): a limit is raised once
    to check it was the only reason for a refusal."""
    schema_ok = VALIDATOR.is_valid(doc)
    try:
        clean = _clean(Form.from_dict(doc))
        if clean or not schema_ok:
            return schema_ok, clean
        # a number over the digits limit is an unreadable cell: raise the limit and look again
        with using(digits=10**18, cell_chars=10**9):
            relaxed = Form.from_dict(doc)
        cells = [*relaxed.unreadable, *(c for i in relaxed.indicators for c in i.unreadable)]
        if relaxed.budget is not None:
            cells += [*relaxed.budget.unreadable]
            cells += [c for r in relaxed.budget.rows for c in r.unreadable]
        # only an exponent no Decimal can hold (0E1000000000000000000) stays unreadable
        assert all(re.search(r"[eE][+-]?0*[0-9]{18,}", text) for _f, text in cells), cells
        return schema_ok, schema_ok
    except LimitError:
        with using(digits=10**18, cell_chars=10**9):
            try:
                Form.from_dict(doc)
            except LimitError as exc:
                # only an exponent no Decimal can hold (0E1000000000000000000) stays refused
                assert exc.limit_name == "digits", exc
                assert re.search(r"[eE][+-]?[0-9]{18,}", str(exc.found)), exc
            except FormError:
                return schema_ok, False
        return schema_ok, schema_ok  # refused only for a documented limit
    except FormError:
        return schema_ok, False


def _put(doc: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    doc = json.loads(json.dumps(doc))
    node: Any = doc
    for key in path[:-1]:
        if isinstance(key, int):
            if not isinstance(node, list) or not node:
                return doc
            node = node[key]
        else:
            if not isinstance(node, dict) or not isinstance(node.get(key), (dict, list)):
                return doc
            node = node[key]
    last = path[-1]
    if isinstance(last, int):
        if isinstance(node, list) and node:
            node[last] = value
    elif isinstance(node, dict):
        node[last] = value
    return doc


_settings = settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))


@_settings
@given(DOCS)
def test_every_document_the_schema_accepts_is_read(doc: Any) -> None:
    assert VALIDATOR.is_valid(doc)
    _schema_ok, read_ok = _verdicts(doc)
    assert read_ok, doc


@_settings
@given(DOCS, st.sampled_from(PATHS), JSON)
def test_schema_and_from_dict_agree_on_changed_documents(
    doc: Any, path: tuple[Any, ...], value: Any
) -> None:
    changed = _put(doc, path, value)
    schema_ok, read_ok = _verdicts(changed)
    assert schema_ok == read_ok, (changed, VALIDATOR.is_valid(changed))


BASE = {
    "project": "p",
    "goals": {"expected": "e"},
    "budget": {"annual": 1, "rows": [{"name": "r"}]},
    "indicators": [{"name": "n", "target": "≥1", "actual": "1", "weight": 5}],
}


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("indicators", 0, "name"), ["a", "b"]),
        (("indicators", 0, "target"), {"x": 1}),
        (("indicators", 0, "reason"), True),
        (("project",), [1]),
        (("goals", "expected"), {"a": "b"}),
        (("budget", "rows"), {"name": "x"}),
        (("budget", "rows"), ""),
        (("goals",), []),
    ],
)
def test_wrong_types_name_the_field(path: tuple[Any, ...], value: Any) -> None:
    doc = _put(BASE, path, value)
    assert not VALIDATOR.is_valid(doc)
    with pytest.raises(FormError) as info:
        Form.from_dict(doc)
    where = ".".join(str(p) for p in path).replace(".0", "[0]")
    assert info.value.where is not None and info.value.where.startswith(where.split("[")[0])


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("year",), "2023度"),
        (("indicators", 0, "weight"), "1_000"),
        (("indicators", 0, "weight"), "٣"),
        (("indicators", 0, "weight"), ",5"),
        (("indicators", 0, "weight"), "1,2345"),
        (("budget", "rows", 0, "annual"), "五"),
    ],
)
def test_numbers_the_schema_refuses_are_unreadable_cells(path: tuple[Any, ...], value: Any) -> None:
    doc = _put(BASE, path, value)
    assert not VALIDATOR.is_valid(doc)
    assert not _clean(Form.from_dict(doc))


def test_the_reader_uses_the_schemas_number_pattern() -> None:
    from jixiao.forms.cells import _NUMBER_TEXT

    assert SCHEMA["$defs"]["number"]["anyOf"][1]["pattern"] == _NUMBER_TEXT.pattern
