"""Docs that run: every Python example in docs/ and the README, and every link, is checked.

A ```python block with ``>>>`` lines is a doctest (its output is compared); any other ```python
block is run as written, and the ``test_*`` functions it defines that take no argument are called
(the pytest examples). The blocks of one page run in order in one namespace, in a scratch
directory that holds the repository's ``examples/`` and ``rules/``, so ``examples/seed.xlsx`` means
what the page says; ``rules/my.policy``, the reader's own policy in the pages, is
``examples/myprovince.policy`` there. Files a page writes stay in the scratch directory.
"""

from __future__ import annotations

import doctest
import inspect
import os
import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)|!\[[^\]]*\]\(([^)\s]+)\)")
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _blocks(page: Path) -> list[tuple[int, str]]:
    text = page.read_text(encoding="utf-8")
    return [(text[: m.start()].count("\n") + 2, m.group(1)) for m in BLOCK.finditer(text)]


def _pages_with_python() -> list[Path]:
    return [p for p in PAGES if _blocks(p)]


@pytest.fixture
def scratch(tmp_path: Path) -> Any:
    (tmp_path / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    rules = tmp_path / "rules"
    rules.mkdir()
    for path in (ROOT / "rules").iterdir():
        (rules / path.name).symlink_to(path)
    (rules / "my.policy").symlink_to(ROOT / "examples" / "myprovince.policy")
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(old)


@pytest.mark.parametrize("page", _pages_with_python(), ids=lambda p: p.name)
def test_python_examples_run(page: Path, scratch: Path) -> None:
    globs: dict[str, Any] = {"__name__": "__main__"}
    parser = doctest.DocTestParser()
    for line, code in _blocks(page):
        where = f"{page.relative_to(ROOT)}:{line}"
        if re.search(r"^>>> ", code, flags=re.M):
            test = parser.get_doctest(code, globs, where, str(page), line - 1)
            runner = doctest.DocTestRunner(optionflags=FLAGS)
            runner.run(test, clear_globs=False)
            result = runner.summarize(verbose=False)
            assert result.failed == 0, f"{where}: a doctest example failed (see the output above)"
            globs = test.globs
        else:
            before = set(globs)
            try:
                exec(compile(code, where, "exec"), globs)
                for name in sorted(set(globs) - before):
                    fn = globs[name]
                    if name.startswith("test_") and callable(fn) and not _parameters(fn):
                        fn()
            except Exception as exc:
                raise AssertionError(f"{where}: the example raises {exc!r}") from exc


def _parameters(fn: Any) -> list[str]:
    return list(inspect.signature(fn).parameters)


def _links(page: Path) -> list[tuple[int, str]]:
    out = []
    text = page.read_text(encoding="utf-8")
    # links inside code are not links
    text = re.sub(r"```.*?```", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    for m in LINK.finditer(text):
        target = m.group(1) or m.group(2)
        out.append((text[: m.start()].count("\n") + 1, target))
    return out


def _anchors(page: Path) -> set[str]:
    text = page.read_text(encoding="utf-8")
    anchors = set()
    for heading in re.findall(r"^#+ (.*)$", text, flags=re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        anchors.add(slug)
    anchors |= set(re.findall(r'<a (?:name|id)="([^"]+)"', text))
    return anchors


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_links_stay_inside_the_repository(page: Path) -> None:
    bad = []
    for line, target in _links(page):
        if re.match(r"https?://", target):
            continue  # the web, not a file
        path, _, anchor = target.partition("#")
        dest = (page.parent / path).resolve() if path else page
        where = f"{page.relative_to(ROOT)}:{line}: {target}"
        if not dest.is_relative_to(ROOT) or not dest.exists():
            bad.append(where + " (no such file in the repository)")
        elif anchor and dest.suffix == ".md" and anchor.lower() not in _anchors(dest):
            bad.append(where + " (no such heading)")
    assert not bad, "\n".join(bad)


def test_no_page_points_outside_the_repository_in_prose() -> None:
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        assert "../shared" not in text, page.name
