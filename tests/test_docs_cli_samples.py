"""Every sample of ``jixiao`` output shown in docs/*.md is the output of a real run.

The convention (documented in docs/architecture.md): a fenced block whose info string is
``console`` is a CLI sample. Each line starting with ``$ `` is a command, run from the repository
root through click's CliRunner with ``COLUMNS=140`` (``$ echo $?`` prints the previous command's
exit status); the lines after it, up to the next ``$ `` line, are what it prints (stdout and
stderr, in order). A line that is only ``…`` stands for any number of lines left out.

``python tests/test_docs_cli_samples.py --regen`` rewrites every sample in place from real runs
(keeping each ``…`` and the lines it stands beside); read the diff before committing.
"""

from __future__ import annotations

import difflib
import os
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from jixiao.cli.app import cli

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
ELLIPSIS = "…"
COLUMNS = "140"
_FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<info>[^`]*)$")


@dataclass
class Step:
    command: str
    expected: list[str]


@dataclass
class Sample:
    page: Path
    line: int  # 1-based line of the opening fence
    indent: str
    start: int  # 0-based index of the first line inside the fence
    end: int  # 0-based index of the closing fence
    steps: list[Step]

    @property
    def id(self) -> str:
        return f"{self.page.name}:{self.line}"


def find_samples(page: Path) -> list[Sample]:
    lines = page.read_text(encoding="utf-8").splitlines()
    samples: list[Sample] = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, info = m.group("indent"), m.group("info").strip()
        j = i + 1
        while j < len(lines) and lines[j].strip() != "```":
            j += 1
        if info == "console":
            body = [
                line[len(indent) :] if line.startswith(indent) else line
                for line in lines[i + 1 : j]
            ]
            if not body or not body[0].startswith("$ "):
                raise ValueError(
                    f"{page.name}:{i + 1}: a console block must start with '$ jixiao …'"
                )
            steps: list[Step] = []
            for text in body:
                if text.startswith("$ "):
                    steps.append(Step(text[2:], []))
                else:
                    steps[-1].expected.append(text)
            samples.append(Sample(page, i + 1, indent, i + 1, j, steps))
        i = j + 1
    return samples


def all_samples() -> list[Sample]:
    return [s for page in sorted(DOCS.glob("*.md")) for s in find_samples(page)]


def run_steps(steps: list[Step]) -> list[list[str]]:
    """What each command prints, as lines (trailing blank lines dropped)."""
    outputs: list[list[str]] = []
    status = 0
    for step in steps:
        argv = shlex.split(step.command)
        if argv == ["echo", "$?"]:
            text = f"{status}\n"
        elif argv[:1] == ["jixiao"]:
            result = CliRunner().invoke(
                cli, argv[1:], env={"COLUMNS": COLUMNS, "JIXIAO_LANG": None, "NO_COLOR": "1"}
            )
            status = result.exit_code
            text = result.output
            if result.exception is not None and not isinstance(result.exception, SystemExit):
                raise AssertionError(f"{step.command!r} raised {result.exception!r}")
        else:
            raise ValueError(f"a sample may run only 'jixiao …' or 'echo $?', not {step.command!r}")
        out = [line.rstrip() for line in text.splitlines()]
        while out and not out[-1]:
            out.pop()
        outputs.append(out)
    return outputs


def _segments(expected: list[str]) -> list[list[str] | None]:
    """Literal runs of lines, with None where a ``…`` line stands."""
    parts: list[list[str] | None] = []
    for line in expected:
        if line.strip() == ELLIPSIS:
            parts.append(None)
        elif parts and parts[-1] is not None:
            parts[-1].append(line)  # type: ignore[union-attr]
        else:
            parts.append([line])
    return parts


def matches(expected: list[str], actual: list[str]) -> bool:
    """True when ``actual`` is ``expected`` with each ``…`` standing for zero or more lines."""
    exp = [line.rstrip() for line in expected]
    while exp and not exp[-1]:
        exp.pop()
    parts = _segments(exp)
    pos = 0
    for k, part in enumerate(parts):
        if part is None:
            continue
        anchored_start = k == 0
        anchored_end = k == len(parts) - 1
        n = len(part)
        if anchored_start:
            if actual[:n] != part:
                return False
            pos = n
            if anchored_end and len(actual) != n:
                return False
            continue
        if anchored_end:
            return len(actual) - n >= pos and actual[len(actual) - n :] == part
        for p in range(pos, len(actual) - n + 1):
            if actual[p : p + n] == part:
                pos = p + n
                break
        else:
            return False
    return True


def regenerate(expected: list[str], actual: list[str]) -> list[str]:
    """The sample rewritten from ``actual``, keeping each ``…`` and the size of each literal run.

    A run at the start keeps the first lines, a run at the end the last lines, and a run in the
    middle is placed where its first line best matches the new output.
    """
    parts = _segments([line.rstrip() for line in expected])
    if all(p is not None for p in parts):
        return list(actual)
    out: list[str] = []
    pos = 0
    for k, part in enumerate(parts):
        if part is None:
            out.append(ELLIPSIS)
            continue
        n = len(part)
        if k == 0:
            out.extend(actual[:n])
            pos = n
        elif k == len(parts) - 1:
            out.extend(actual[max(pos, len(actual) - n) :])
        else:
            best = _anchor(part[0], actual, pos)
            out.extend(actual[best : best + n])
            pos = best + n
    return out


def _anchor(first: str, actual: list[str], pos: int) -> int:
    """Where a middle run starts in the new output: the same line, else a line with the same
    first word, else the most similar line."""
    candidates = range(pos, len(actual))
    for p in candidates:
        if actual[p] == first:
            return p
    word = first.split()[0] if first.split() else ""
    for p in candidates:
        if word and actual[p].split()[:1] == [word]:
            return p
    ratios = [(difflib.SequenceMatcher(None, first, actual[p]).ratio(), -p) for p in candidates]
    return -max(ratios)[1] if ratios else pos


@pytest.mark.parametrize("sample", all_samples(), ids=lambda s: s.id)
def test_cli_sample_is_real_output(sample: Sample, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    outputs = run_steps(sample.steps)
    for step, actual in zip(sample.steps, outputs, strict=True):
        if not matches(step.expected, actual):
            diff = "\n".join(
                difflib.unified_diff(step.expected, actual, "docs", "real", lineterm="")
            )
            pytest.fail(
                f"{sample.id}: `{step.command}` prints something else than the page shows "
                f"(run `python tests/test_docs_cli_samples.py --regen`):\n{diff}"
            )


def test_every_page_with_a_jixiao_transcript_uses_the_convention() -> None:
    """A ``$ jixiao`` line in any other kind of fenced block would go unchecked: refuse it."""
    stray = []
    for page in sorted(DOCS.glob("*.md")):
        inside: str | None = None
        for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            m = _FENCE.match(line)
            if m:
                inside = None if inside is not None else m.group("info").strip()
            elif inside is not None and inside != "console" and line.strip().startswith("$ jixiao"):
                stray.append(f"{page.name}:{n}")
    assert stray == []
    assert len(all_samples()) >= 5


def test_matching_and_regen_of_a_trimmed_sample() -> None:
    actual = ["a", "b", "c", "d", "e"]
    assert matches(["a", "b", "c", "d", "e"], actual)
    assert matches(["a", ELLIPSIS, "e"], actual)
    assert matches([ELLIPSIS, "c", ELLIPSIS], actual)
    assert matches([ELLIPSIS], actual)
    assert not matches(["a", "b"], actual)
    assert not matches(["a", ELLIPSIS, "d"], actual)
    assert not matches([ELLIPSIS, "x", ELLIPSIS], actual)
    assert not matches(["b", ELLIPSIS], actual)
    assert regenerate(["a", ELLIPSIS, "zz"], actual) == ["a", ELLIPSIS, "e"]
    assert regenerate([ELLIPSIS, "c!", ELLIPSIS], actual) == [ELLIPSIS, "c", ELLIPSIS]
    assert regenerate(["x", "y"], actual) == actual
    # a middle run moves to its own first line, else to a line with the same first word
    assert regenerate([ELLIPSIS, "c", "zz", ELLIPSIS], actual) == [ELLIPSIS, "c", "d", ELLIPSIS]
    moved = ["a", "小计 满意度指标", "总分 100", "x", "y"]
    assert regenerate([ELLIPSIS, "总分 95", "?", ELLIPSIS], moved) == [
        ELLIPSIS,
        "总分 100",
        "x",
        ELLIPSIS,
    ]


def regen_all() -> int:
    os.chdir(ROOT)
    changed = 0
    for page in sorted(DOCS.glob("*.md")):
        samples = find_samples(page)
        if not samples:
            continue
        lines = page.read_text(encoding="utf-8").splitlines()
        for sample in reversed(samples):
            body: list[str] = []
            for step, actual in zip(sample.steps, run_steps(sample.steps), strict=True):
                body.append(f"$ {step.command}")
                body.extend(regenerate(step.expected, actual))
            new = [f"{sample.indent}{line}" if line else "" for line in body]
            if lines[sample.start : sample.end] != new:
                changed += 1
                print(f"rewrote {sample.id}")
            lines[sample.start : sample.end] = new
        page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{changed} sample(s) rewritten")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] != ["--regen"]:
        sys.exit("usage: python tests/test_docs_cli_samples.py --regen")
    sys.exit(regen_all())
