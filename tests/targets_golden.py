"""Reading, computing and writing tests/golden/targets.golden (see the file's header)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from jixiao.errors import TargetSyntaxError
from jixiao.targets import Target, parse_actual_uncached, parse_target_uncached

GOLDEN = Path(__file__).resolve().parent / "golden" / "targets.golden"
#: Messy actual and target cells as real forms write them (issue 9), read against their targets.
MESSY = GOLDEN.parent / "messy.golden"
GOLDENS = (GOLDEN, MESSY)
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

#: The target and actual cells of the seed form (../shared/seed), multi-line cells joined.
SEED_CELLS: tuple[tuple[str, str], ...] = (
    ("≥45人", "45人"),
    ("≥6次", "6次"),
    ("≥85人", "85人"),
    ("≥70人", "70人"),
    (
        "定性培训内容紧密结合全市应急管理、安全生产、防灾减灾等重点工作",
        "培训内容紧密结合全市应急管理、安全生产、防灾减灾等重点工作",
    ),
    ("≥90%", "100%"),
    ("≥80%", "100%"),
    ("≥80%", "80%"),
    ("定性均在2023年12月底之前完成", "均在2023年12月底之前完成"),
    ("≤64.253万元", "64.253万元"),
    (
        "定性通过培训，进一步提高执法人员专业化素质和行政执法能力。",
        "通过培训，进一步提高执法人员专业化素质和行政执法能力。",
    ),
    (
        "定性提高领导干部依法决策、依法行政、依法办事能力和水平",
        "提高领导干部依法决策、依法行政、依法办事能力和水平",
    ),
    (
        "定性通过培训，使学员能够掌握行政执法的基本内容、基本理论、基本技能，达到考试合格标准。",
        "合格",
    ),
    (
        "定性全市应急管理系统法制人员业务能力和水平",
        "有效提高全市应急管理系统法制人员业务能力和水平",
    ),
    ("≥80%", "80%"),
)


@dataclass
class Record:
    mode: str  # "target", "actual" or "actual@<target cell>"
    cell: str
    expected: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.mode, self.cell)


def _needs_quotes(cell: str) -> bool:
    return (
        cell != cell.strip()
        or "\t" in cell
        or "\n" in cell
        or cell.startswith('"')
        or cell == ""
        or any(not ch.isprintable() for ch in cell)
    )


def write_cell(cell: str) -> str:
    return json.dumps(cell, ensure_ascii=False) if _needs_quotes(cell) else cell


def read_cell(field: str) -> str:
    if field.startswith('"'):
        value = json.loads(field)
        assert isinstance(value, str)
        return value
    return field


def target_of(mode: str) -> Target | None:
    """The target an ``actual@…`` record is read against (None when it cannot be read)."""
    assert mode.startswith("actual@"), mode
    try:
        return parse_target_uncached(mode[len("actual@") :])
    except TargetSyntaxError:
        return None


def compute(mode: str, cell: str) -> str:
    """The expected column for a cell: its AST as compact JSON, or ``!error {...}``."""
    try:
        if mode == "target":
            node = parse_target_uncached(cell)
        elif mode == "actual":
            node = parse_actual_uncached(cell)
        else:
            node = parse_actual_uncached(cell, target_of(mode))
    except TargetSyntaxError as err:
        info = {"offset": err.offset, "length": err.length, "expected": list(err.expected)}
        if err.hint:
            info["hint"] = err.hint
        if err.hint_en:
            info["hint_en"] = err.hint_en
        return "!error " + json.dumps(info, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(node.to_dict(), ensure_ascii=False, separators=(",", ":"))


def parse_line(line: str) -> Record | None:
    if not line.strip() or line.startswith("#"):
        return None
    mode, cell, expected = line.rstrip("\n").split("\t")
    return Record(mode, read_cell(cell), expected)


def read(path: Path = GOLDEN) -> list[tuple[int, str, Record | None]]:
    """Every line: (line number, raw text, the record or None for comments and blanks)."""
    out = []
    with path.open(encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            out.append((number, line.rstrip("\n"), parse_line(line)))
    return out


def format_record(record: Record) -> str:
    return f"{record.mode}\t{write_cell(record.cell)}\t{record.expected}"


def corpus_cells() -> list[Record]:
    """Every target and actual of the shared corpus (target_cols joined too), or [] without it."""
    path = CORPUS / "indicators.jsonl"
    if not path.is_file():
        return []
    records: list[Record] = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            target = row.get("target")
            if target is not None:
                records.append(Record("target", target, ""))
            cols = row.get("target_cols")
            if cols:
                records.append(Record("target", " ".join(c for c in cols if c), ""))
            actual = row.get("actual")
            if actual is not None:
                mode = f"actual@{target}" if target is not None else "actual"
                records.append(Record(mode, actual, ""))
    return records


def seed_cells() -> list[Record]:
    records = []
    for target, actual in SEED_CELLS:
        records.append(Record("target", target, ""))
        records.append(Record(f"actual@{target}", actual, ""))
    return records
