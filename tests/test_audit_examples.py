"""Every example of docs/audit.md is a valid form that raises its code, where and as the page says.

Each code's section gives an input (a JSON form, or one indicator row of one), the policy, the
location and the message in Chinese and English. The test reads the form, scores it and compares;
``python tests/test_audit_examples.py`` rewrites the locations and messages from what jixiao says
now (review the diff before committing it).
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

import jixiao
from jixiao import catalog
from jixiao.forms.model import Form

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "audit.md"
SECTION = re.compile(r"^### `([A-Z_]+)`\n(.*?)(?=^### |^## |\Z)", re.S | re.M)
# an example: the policy, optionally its text (a small custom policy), then the form
EXAMPLE = re.compile(
    r"Example \(`--policy ([^`]+)`[^\n]*:\n\n(?:  ```text\n(.*?)\n  ```\n\n)?"
    r"  ```json\n  (.*?)\n  ```\n",
    re.S,
)
LOCATION = re.compile(r"^- 位置 Location: `([^`]*)`$", re.M)
MESSAGE = re.compile(
    r"^(- 提示 Message[^\n]*:)\n\n  ```text\n(.*?)\n  ```\n\n  > (.*?)\n", re.S | re.M
)


def _demo_policy(page: str, folder: Path) -> Path:
    text = page.split("`demo.policy`", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    path = folder / "demo.policy"
    path.write_text(text, encoding="utf-8")
    return path


def _form(fragment: dict[str, Any]) -> Form:
    data = fragment if {"indicators", "budget"} & set(fragment) else {"indicators": [fragment]}
    return Form.from_dict(data)


def _examples() -> list[tuple[str, str, str]]:
    page = PAGE.read_text(encoding="utf-8")
    out = []
    for code, body in SECTION.findall(page):
        m = EXAMPLE.search(body)
        if m:
            out.append((code, m.group(1), m.group(3)))
    return out


def _policy_texts(page: str) -> dict[str, str]:
    """The small custom policies the page defines inside an example, by file name."""
    texts = {}
    for _code, body in SECTION.findall(page):
        m = EXAMPLE.search(body)
        if m and m.group(2):
            texts[m.group(1)] = "\n".join(line[2:] for line in m.group(2).split("\n")) + "\n"
    return texts


def _run(code: str, policy: str, fragment: str, folder: Path) -> list[jixiao.Finding]:
    """The findings with *code* of the example, scored in *folder* (where the page's custom
    policies are written)."""
    page = PAGE.read_text(encoding="utf-8")
    _demo_policy(page, folder)
    for name, text in _policy_texts(page).items():
        (folder / name).write_text(text, encoding="utf-8")
    old = Path.cwd()
    os.chdir(folder)
    try:
        result = jixiao.score_form(_form(json.loads(fragment)), policy)
    finally:
        os.chdir(old)
    return [f for f in result.findings if f.code == code]


def _dedent(text: str) -> str:
    return "\n".join(line[2:] if line.startswith("  ") else line for line in text.split("\n"))


def test_every_code_of_the_catalog_has_a_checked_example() -> None:
    with_example = {code for code, _policy, _json in _examples()}
    page = PAGE.read_text(encoding="utf-8")
    # codes of the workbook reader need a workbook (a formula, a hidden sheet): not a JSON form;
    # their examples are files in the reader's own tests
    from_files = {c for c, body in SECTION.findall(page) if "the workbook reader" in body}
    missing = set(catalog.CATALOG) - with_example - from_files
    assert not missing, f"docs/audit.md has no JSON example for {sorted(missing)}"


@pytest.mark.parametrize(("code", "policy", "fragment"), _examples(), ids=lambda v: str(v)[:24])
def test_audit_example(code: str, policy: str, fragment: str, tmp_path: Path) -> None:
    page = PAGE.read_text(encoding="utf-8")
    body = dict(SECTION.findall(page))[code]
    found = _run(code, policy, fragment, tmp_path)
    assert found, f"{code}: the example does not raise it"
    where = LOCATION.search(body)
    message = MESSAGE.search(body)
    assert where and message, f"{code}: the section has no location or message"
    first = found[0]
    assert first.where == where.group(1), code
    assert first.zh == _dedent(message.group(2)), code
    assert first.en == message.group(3), code


def regen() -> None:
    """Rewrite each example's location and messages from what jixiao says now."""
    page = PAGE.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        for code, policy, fragment in _examples():
            found = _run(code, policy, fragment, Path(tmp))
            if not found:
                print(f"{code}: the example does not raise it", file=sys.stderr)
                continue
            f = found[0]
            head, rest = page.split(f"### `{code}`\n", 1)
            body, sep, tail = rest.partition("\n### ")
            zh = "\n".join("  " + line if line else line for line in f.zh.split("\n"))
            body = LOCATION.sub(lambda _m, w=f.where: f"- 位置 Location: `{w}`", body, count=1)
            body = MESSAGE.sub(
                lambda m, zh=zh, en=f.en: f"{m.group(1)}\n\n  ```text\n{zh}\n  ```\n\n  > {en}\n",
                body,
                count=1,
            )
            page = f"{head}### `{code}`\n{body}{sep}{tail}"
    PAGE.write_text(page, encoding="utf-8")


if __name__ == "__main__":
    regen()
