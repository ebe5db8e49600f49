"""Reading and writing forms as JSON, in the shape documented in docs/forms.md and checked by
``form.schema.json``. Numbers are read as Decimals (never through float)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from jixiao.decimals import in_context
from jixiao.errors import FormError, caret_line
from jixiao.fileio import atomic_write_text
from jixiao.forms.model import Form
from jixiao.i18n import Msg
from jixiao.limits import LimitError, read_bytes
from jixiao.limits import current as current_limits

__all__ = ["loads_forms", "read_json_forms", "write_json"]

# json's messages, in Chinese first.
_MESSAGES = {
    "Expecting ',' delimiter": "缺少逗号",
    "Expecting ':' delimiter": "缺少冒号",
    "Expecting value": "此处应为一个值",
    "Expecting property name enclosed in double quotes": "键名应写在双引号中",
    "Unterminated string starting at": "字符串没有结束引号",
    "Invalid control character at": "字符串中有控制字符（换行应写作 \\n）",
    "Extra data": "JSON 结束后还有多余内容",
    "Invalid \\escape": "无效的转义符",
    "Invalid \\uXXXX escape": "无效的 \\uXXXX 转义",
    "Illegal trailing comma before end of object": "对象末尾多了逗号",
    "Illegal trailing comma before end of array": "数组末尾多了逗号",
}


@in_context
def loads_forms(text: str, source: str) -> list[Form]:
    """Forms from JSON text: one form object, or a list of them."""
    try:
        data: Any = json.loads(
            text, parse_float=Decimal, parse_int=_parse_int, parse_constant=_no_constant
        )
    except _Constant as exc:
        raise FormError(
            Msg(
                f"JSON 中不允许 {exc.message}，应为数字",
                f"JSON does not allow {exc.message}: expected a number",
            ),
            source=source,
        ) from None
    except RecursionError:
        raise LimitError("json_depth", ">1000", source=source) from None
    except json.JSONDecodeError as exc:
        zh = _MESSAGES.get(exc.msg, "语法错误")
        lines = text.splitlines()
        # an error at the very end of a file that ends with a newline sits one line past the last
        line = lines[exc.lineno - 1] if 0 < exc.lineno <= len(lines) else ""
        if len(line) > 200:  # a minified file is one long line: show the part around the error
            start = max(0, exc.colno - 80)
            line, col = line[start : start + 160], exc.colno - start
        else:
            col = exc.colno
        raise FormError(
            Msg(
                f"JSON 语法错误：{zh}\n{caret_line(line, col - 1)}",
                f"invalid JSON: {exc.msg}\n{caret_line(line, col - 1)}",
            ),
            source=source,
            where=f"{exc.lineno}:{exc.colno}",
        ) from None
    depth = _depth(data, current_limits().json_depth)
    if depth is not None:
        raise LimitError(
            "json_depth", f">{current_limits().json_depth}", source=source, where=depth
        )
    if isinstance(data, list):
        forms = []
        for i, item in enumerate(data):
            try:
                forms.append(Form.from_dict(item, source=f"{source}#{i}"))
            except FormError as exc:
                where = f"[{i}].{exc.where}" if exc.where else f"[{i}]"
                raise FormError(exc.message, source=source, where=where) from None
        if not forms:
            raise FormError(
                Msg("JSON 列表中没有表单", "the JSON list holds no form"), source=source
            )
        return forms
    return [Form.from_dict(data, source=source)]


class _Constant(FormError):
    """NaN / Infinity / -Infinity in the text (json accepts them; JSON does not)."""


def _no_constant(name: str) -> Any:
    raise _Constant(name)  # re-raised with the file's name in loads_forms


def _parse_int(text: str) -> int | Decimal:
    # int() refuses more than 4300 digits (a ValueError out of json.loads): keep such a number
    # as a Decimal, for the digits limit to name it
    return int(text) if len(text) <= 1000 else Decimal(text)


def _depth(data: Any, limit: int) -> str | None:
    """Where the nesting goes deeper than *limit* (a JSON path), else None."""
    stack: list[tuple[Any, int, str]] = [(data, 1, "$")]
    while stack:
        node, level, path = stack.pop()
        if level > limit:
            return path
        if isinstance(node, dict):
            stack.extend(
                (v, level + 1, f"{path}.{k}")
                for k, v in node.items()
                if isinstance(v, (dict, list))
            )
        elif isinstance(node, list):
            stack.extend(
                (v, level + 1, f"{path}[{i}]")
                for i, v in enumerate(node)
                if isinstance(v, (dict, list))
            )
    return None


def read_json_forms(path: Path, source: str) -> list[Form]:
    data = read_bytes(path, source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FormError(
            Msg(
                f"JSON 文件应为 UTF-8 编码，第 {exc.start} 字节不是",
                f"a JSON file must be UTF-8; byte {exc.start} is not",
            ),
            source=source,
            where=f"line {line}",
        ) from None
    return loads_forms(text, source)


def write_json(form: Form | Iterable[Form], path: str | os.PathLike[str]) -> None:
    """Write one form as a JSON object (several as a list), UTF-8, indented, Decimals as strings."""
    if isinstance(form, Form):
        data: Any = form.to_dict()
    else:
        data = [f.to_dict() for f in form]
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
