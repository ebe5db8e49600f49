"""JSON renderings: :meth:`FormResult.to_dict` per form, as one document or as JSON lines."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from jixiao.decimals import in_context, in_context_iter
from jixiao.report._common import as_results

if TYPE_CHECKING:
    from jixiao.evaluate import FormResult

__all__ = ["dumps", "to_json", "to_jsonl"]


def dumps(data: Any, *, indent: int | None = 2) -> str:
    """JSON text with Chinese kept readable (``ensure_ascii=False``); control, bidi and invisible
    characters and lone surrogates are written as ``\\uXXXX`` escapes (the same JSON value, and
    nothing that acts on a terminal or fails to encode as UTF-8)."""
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    if text.replace("\n", "").isprintable():
        return text
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


# what json.dumps leaves raw but a terminal acts on (C0 is escaped by json itself)
_UNSAFE = re.compile(
    "[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb\ud800-\udfff]"
)


@in_context
def to_json(
    results: FormResult | Sequence[FormResult], lang: str = "zh", *, many: bool | None = None
) -> str:
    """One form → one JSON object; several → a list, in input order. ``many=True`` always gives
    a list (a batch whose other files failed still prints a list).

    >>> import jixiao                                                    # doctest: +SKIP
    >>> to_json(jixiao.score_form(jixiao.read_form("examples/seed.json")))  # doctest: +SKIP
    '{\\n  "policy": {\\n    "name": "central", ...'
    """
    items = as_results(results)
    if len(items) == 1 and not many:
        return dumps(items[0].to_dict(lang))
    return dumps([r.to_dict(lang) for r in items])


@in_context_iter
def to_jsonl(results: FormResult | Sequence[FormResult], lang: str = "zh") -> Iterator[str]:
    """One compact JSON line (no trailing newline) per form result."""
    for r in as_results(results):
        yield dumps(r.to_dict(lang), indent=None)
