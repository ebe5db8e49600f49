"""No module over ~500 lines without a reason stated at its top (issue 15: split by job).

A module longer than :data:`LIMIT` lines says why in the first lines of its docstring, with the
words ``Longer than 500 lines on purpose:`` and the reason (as ``policy/syntax.py`` does). Modules
still being split by another change are listed in :data:`PENDING` with that change's ID; the list
is checked too, so an entry goes as soon as its module is split or states its reason.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "jixiao"
LIMIT = 500
PHRASE = "Longer than 500 lines on purpose:"
#: How many lines of the docstring count as its top.
TOP = 12

#: Modules over the limit that another change is splitting (owner's ID in the comment).
PENDING: dict[str, str] = {}


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def _states_a_reason(path: Path) -> bool:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    top = "\n".join(doc.splitlines()[:TOP])
    if PHRASE not in top:
        return False
    reason = top.split(PHRASE, 1)[1].strip()
    return len(reason) >= 20  # a reason, not the bare phrase


def _long_modules() -> dict[str, int]:
    return {
        p.relative_to(SRC).as_posix(): n
        for p in sorted(SRC.rglob("*.py"))
        if (n := _lines(p)) > LIMIT
    }


def test_every_long_module_states_why_at_its_top() -> None:
    bad = [
        f"{rel}: {n} lines"
        for rel, n in _long_modules().items()
        if rel not in PENDING and not _states_a_reason(SRC / rel)
    ]
    assert not bad, (
        f"split these by job, or state at the top of the docstring {PHRASE!r} and why:\n"
        + "\n".join(bad)
    )


def test_the_pending_list_is_honest() -> None:
    """Each pending module exists and is still long without a reason: once it is split (or says
    why), its entry must go."""
    long = _long_modules()
    stale = [
        f"{rel} ({owner})"
        for rel, owner in PENDING.items()
        if rel not in long or _states_a_reason(SRC / rel)
    ]
    assert not stale, "remove from PENDING:\n" + "\n".join(stale)


def test_the_check_reads_a_reason_only_at_the_top(tmp_path: Path) -> None:
    stated = tmp_path / "stated.py"
    stated.write_text(
        f'"""A module.\n\n{PHRASE} one table of every unit, kept together to be read at once.\n"""\n',
        encoding="utf-8",
    )
    bare = tmp_path / "bare.py"
    bare.write_text(f'"""A module.\n\n{PHRASE}\n"""\n', encoding="utf-8")
    late = tmp_path / "late.py"
    late.write_text(
        '"""A module.\n' + "text\n" * TOP + f'{PHRASE} a reason given too far down.\n"""\n',
        encoding="utf-8",
    )
    assert _states_a_reason(stated)
    assert not _states_a_reason(bare)
    assert not _states_a_reason(late)
