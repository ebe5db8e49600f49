"""Finding the forms in a grid of cells (an Excel worksheet or a CSV file).

Nothing here relies on fixed addresses. The finder looks for header *text*:

* the 绩效指标 table: a header row (or two stacked header rows) with at least three known
  column names (一级指标 … 偏差原因分析及改进措施, or 指标性质 / 指标值 / 度量单位 in the
  split-column layout). Every such table starts a form; the rows above it, back to the previous
  form, are that form's preamble;
* in the preamble: the labels 项目名称 / 主管部门 / 实施单位 / 年度 (value to the right), the year
  in a title such as ``（2023年度）``, the 项目资金 table (a header row with 全年预算数 and
  全年执行数, then 年度资金总额 and its 其中 rows) and the 年度总体目标 (预期目标 / 实际完成情况,
  value to the right or below);
* below the table: the 总分 / 合计 row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

from jixiao.catalog import joined, part
from jixiao.errors import FormError
from jixiao.forms._grid import Grid
from jixiao.forms._text import norm_label, strip_level
from jixiao.forms.model import Budget, BudgetRow, Form, Indicator, ReadNote, to_decimal
from jixiao.i18n import Msg

__all__ = ["BUDGET_COLUMNS", "INDICATOR_COLUMNS", "find_forms"]


def _aliases(table: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, names in table.items():
        for name in names:
            out[norm_label(name)] = key
    return out


# The documented column names (docs/forms.md), gathered from the published forms of the corpus
# and the provinces' templates (scoring-rules.md): 中央/北京 (年度指标值 | 实际完成值 | 分值),
# 四川 (指标性质 | 指标值 | 度量单位 | 完成值 | 权重), 安徽/宁夏 (年初目标值（A） | 实际完成值（B）),
# 云南/湖北 (全年实际值 | 未完成原因及拟采取的改进措施), 山西 (年初指标值 | 年终完成值 | 自评分).
# Headers are compared after norm_label (no spaces, line breaks, bracketed letters or notes such
# as （50分）); a header naming none of these exactly is matched by the patterns below.
# The first name of each is the canonical one.
INDICATOR_COLUMNS: dict[str, tuple[str, ...]] = {
    "level1": ("一级指标", "一级", "一级指标名称", "level1"),
    "level2": ("二级指标", "二级", "二级指标名称", "level2"),
    "name": (
        "三级指标",
        "三级",
        "三级指标名称",
        "指标名称",
        "绩效指标名称",
        "三级指标内容",
        "指标内容",
        "name",
    ),
    "target": (
        "年度指标值",
        "年初指标值",
        "年初目标值",
        "年度目标值",
        "目标值",
        "预期指标值",
        "计划指标值",
        "年度绩效指标值",
        "全年指标值",
        "年初设定指标值",
        "年度计划值",
        "预期目标值",
        "绩效目标值",
        "target",
    ),
    "actual": (
        "实际完成值",
        "完成值",
        "全年实际完成值",
        "实际完成指标值",
        "全年完成值",
        "年终完成值",
        "实际值",
        "全年实际值",
        "年度实际值",
        "年度实际完成值",
        "实际达成值",
        "实际完成数",
        "actual",
    ),
    "weight": (
        "分值",
        "权重",
        "指标分值",
        "指标权重",
        "标准分值",
        "标准分",
        "权重分值",
        "分值权重",
        "weight",
    ),
    "score": ("得分", "自评得分", "自评分", "实际得分", "自评分值", "评价得分", "score"),
    "reason": (
        "偏差原因分析及改进措施",
        "偏差原因分析和改进措施",
        "偏差原因及改进措施",
        "偏差原因分析",
        "偏差原因",
        "未完成原因分析",
        "未完成原因分析及改进措施",
        "未完成原因和改进措施",
        "未完成原因及改进措施",
        "未完成原因及拟采取的改进措施",
        "原因分析及改进措施",
        "reason",
    ),
    "nature": ("指标性质", "指标方向", "计算符号", "nature"),
    "value": ("指标值", "value"),
    "unit": ("度量单位", "计量单位", "单位", "unit"),
}
BUDGET_COLUMNS: dict[str, tuple[str, ...]] = {
    "initial": ("年初预算数", "年初预算", "initial"),
    "annual": ("全年预算数", "调整后预算数", "调整后预算", "全年预算", "annual"),
    "executed": (
        "全年执行数",
        "预算执行数",
        "执行数",
        "实际执行数",
        "全年实际执行数",
        "executed",
    ),
    "weight": ("分值", "权重", "weight"),
    "rate": ("执行率", "预算执行率", "rate"),
    "score": ("得分", "score"),
    "reason": ("原因", "偏差原因", "原因分析", "未完成原因", "偏差原因分析及改进措施", "reason"),
}
_IND = _aliases(INDICATOR_COLUMNS)
_BUD = _aliases(BUDGET_COLUMNS)
# Headers no list names, by what they say: any 原因 column is the reason; a …指标值 / …目标值
# column the target; a …实际… / …完成值 column the actual.
_IND_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?:偏差|未完成|未达成|差异).*原因"), "reason"),
    (re.compile(r"^(?!.*(?:实际|完成)).{0,6}(?:指标值|目标值)$"), "target"),
    (re.compile(r"^.{0,4}实际.{0,4}(?:值|数)$|^.{0,4}完成值$"), "actual"),
)
_META = _aliases(
    {
        "project": ("项目名称", "project"),
        "department": ("主管部门", "主管单位", "department"),
        "implementer": ("实施单位", "implementer"),
        "year": ("年度", "预算年度", "评价年度", "year"),
        "total": ("总分", "total"),
    }
)
_GOALS = _aliases(
    {
        "expected": ("预期目标", "项目年度目标", "年度目标", "年度绩效目标", "goals.expected"),
        "actual": (
            "实际完成情况",
            "年度目标完成情况",
            "全年实际完成情况",
            "项目年度目标完成情况",
            "goals.actual",
        ),
    }
)
_SECTIONS = {
    norm_label(s)
    for s in (
        "年度总体目标",
        "总体目标",
        "项目基本情况",
        "绩效指标",
        "项目资金",
        "预算执行情况",
        "项目负责人",
        "联系电话",
        "财务负责人",
        "填报人",
        "评价结论",
        "存在问题",
        "改进措施",
    )
}
_KNOWN_LABELS = set(_META) | set(_GOALS) | _SECTIONS
_TOTAL_ROW = {
    norm_label(s) for s in ("总分", "合计", "总计", "合计得分", "总得分", "自评总分", "total")
}
_BUDGET_TOTAL = {
    norm_label(s)
    for s in ("年度资金总额", "资金总额", "总额", "合计", "总计", "项目资金总额", "total")
}
_STOP = tuple(
    norm_label(s)
    for s in (
        "评价结论",
        "存在问题",
        "改进措施",
        "项目负责人",
        "财务负责人",
        "填报人",
        "审核人",
        "其他需要说明",
        "其他说明",
        "项目名称",
        "注",
        "说明",
        "备注",
        "填表说明",
        "填报说明",
        "单位负责人",
        "联系人",
        "联系电话",
        "填报日期",
    )
)
_GLUED_TOTAL = re.compile(r"\s*(?:总分|合计|总计|总得分|自评总分)\s*[:：]\s*(\S+)\s*$")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年度")
_REQUIRED = ("name", "target", "actual", "weight")
_TEXT_FIELDS = ("name", "target", "actual", "nature", "value", "unit")
_CANON = {key: names[0] for key, names in INDICATOR_COLUMNS.items()}


@attrs.frozen
class _Header:
    rows: tuple[int, ...]
    cols: dict[str, int]
    spans: dict[str, tuple[int, int]]
    headers: dict[str, str]

    @property
    def first(self) -> int:
        return self.rows[0]

    @property
    def last(self) -> int:
        return self.rows[-1]

    @property
    def first_col(self) -> int:
        return min(self.cols.values())

    @property
    def split(self) -> bool:
        return "value" in self.cols and ("nature" in self.cols or "unit" in self.cols)


# --------------------------------------------------------------------------------------------
# header rows


def _row_keys(grid: Grid, row: int, aliases: Mapping[str, str]) -> dict[int, str]:
    """Column → key for the header-like cells of one row (merged continuations skipped)."""
    out: dict[int, str] = {}
    seen: set[str] = set()
    for col in grid.columns(row):
        cell = grid.cell(row, col)
        if cell is None or cell.formula is not None or not isinstance(cell.value, str):
            continue
        if cell.anchor[0] == row and cell.anchor[1] != col:
            continue  # the same header merged across columns
        label = norm_label(cell.value)
        key = aliases.get(label)
        if key is None and aliases is _IND:
            key = next((k for pattern, k in _IND_PATTERNS if pattern.search(label)), None)
        if key is not None and key not in seen:
            out[col] = key
            seen.add(key)
    return out


def _is_budget_header(keys: Iterable[str]) -> bool:
    found = set(keys)
    return len(found & {"initial", "annual", "executed", "rate"}) >= 2


def _indicator_candidate(grid: Grid, row: int) -> dict[int, str]:
    keys = _row_keys(grid, row, _IND)
    if len(set(keys.values())) < 3 or _is_budget_header(_row_keys(grid, row, _BUD).values()):
        return {}
    return keys


def _find_headers(grid: Grid) -> list[_Header]:
    candidates = {r: k for r in grid.row_numbers if (k := _indicator_candidate(grid, r))}
    headers: list[_Header] = []
    rows = sorted(candidates)
    i = 0
    while i < len(rows):
        block = [rows[i]]
        while i + 1 < len(rows) and rows[i + 1] == block[-1] + 1 and len(block) < 3:
            i += 1
            block.append(rows[i])
        i += 1
        cols: dict[str, int] = {}
        spans: dict[str, tuple[int, int]] = {}
        headers_text: dict[str, str] = {}
        taken: set[int] = set()
        for row in reversed(block):  # the lowest header row is the most specific
            for col, key in candidates[row].items():
                if key in cols or col in taken:
                    continue
                cell = grid.cell(row, col)
                assert cell is not None
                cols[key] = col
                spans[key] = (col, cell.last[1] if cell.anchor == (row, col) else col)
                headers_text[key] = str(cell.value).strip()
                taken.update(range(col, spans[key][1] + 1))
        headers.append(_Header(tuple(block), cols, spans, headers_text))
    return headers


def _check_header(grid: Grid, header: _Header) -> None:
    cols = header.cols
    missing = [
        key for key in _REQUIRED if key not in cols and not (key == "target" and "value" in cols)
    ]
    if not missing:
        return
    found = "、".join(header.headers[k] for k in sorted(cols, key=cols.__getitem__))
    want = "；".join(
        f"「{_CANON[k]}」（可写作 {' / '.join(INDICATOR_COLUMNS[k][1:4])}）" for k in missing
    )
    names = ", ".join(missing)
    raise FormError(
        Msg(
            f"绩效指标表头缺少{want}；此行找到的列：{found}；应有 一级指标 | 二级指标 | 三级指标 | "
            f"年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施",
            f"the indicator header row lacks the column(s) {names}; found: "
            f"{', '.join(header.headers[k] for k in sorted(cols, key=cols.__getitem__))}; "
            f"expected a row such as level1,level2,name,target,actual,weight,score,reason",
        ),
        source=grid.file,
        where=grid.loc(header.last, header.first_col),
    )


# --------------------------------------------------------------------------------------------
# labels


def _anchored(grid: Grid, row: int) -> list[tuple[int, str]]:
    """(column, text) of the non-empty cells whose value belongs to this row and column."""
    out = []
    for col in grid.columns(row):
        cell = grid.cell(row, col)
        if cell is None or cell.anchor != (row, col) or cell.formula is not None:
            continue
        text = grid.text(row, col)
        if text:
            out.append((col, text))
    return out


def _value_right(grid: Grid, row: int, col: int) -> tuple[str, int] | None:
    cell = grid.cell(row, col)
    start = (cell.last[1] if cell else col) + 1
    for c in grid.columns(row, start):
        other = grid.cell(row, c)
        if other is None or (cell is not None and other.anchor == cell.anchor):
            continue
        text = grid.text(row, c)
        if not text:
            continue
        if norm_label(text) in _KNOWN_LABELS:
            return None
        return text, c
    return None


def _value_below(grid: Grid, row: int, col: int, stop: int) -> str:
    cell = grid.cell(row, col)
    below = (cell.last[0] if cell else row) + 1
    for r in range(below, stop):
        other = grid.cell(r, col)
        if other is None or (cell is not None and other.anchor == cell.anchor):
            continue
        text = grid.text(r, col)
        if text:
            return "" if norm_label(text) in _KNOWN_LABELS else text
    return ""


def _glued(text: str) -> tuple[str, str] | None:
    """``项目名称：法治培训服务`` → (label, value)."""
    match = re.match(r"\s*([^:：]{2,12})[:：]\s*(\S.*)$", text, re.S)
    if match is None:
        return None
    return match.group(1), match.group(2).strip()


@attrs.define
class _Preamble:
    meta: dict[str, str] = attrs.field(factory=dict)
    where: dict[str, tuple[int, int]] = attrs.field(factory=dict)
    goals: dict[str, str] = attrs.field(factory=dict)
    total: tuple[int, int] | None = None
    year_text: str | None = None


def _preamble(grid: Grid, start: int, stop: int) -> _Preamble:
    out = _Preamble()
    for row in range(start, stop):
        for col, text in _anchored(grid, row):
            label = norm_label(text)
            glued = None
            if label not in _META and label not in _GOALS and (g := _glued(text)):
                glued = g
                label = norm_label(g[0])
            if label in _META:
                key = _META[label]
                if key in out.meta or (key == "total" and out.total is not None):
                    continue
                if glued is not None:
                    out.meta[key] = glued[1]
                    out.where[key] = (row, col)
                    continue
                right = _value_right(grid, row, col)
                if key == "total":
                    if right is not None:
                        out.total = (row, right[1])
                    continue
                out.meta[key] = right[0] if right else ""
                out.where[key] = (row, right[1]) if right else (row, col)
            elif label in _GOALS:
                key = _GOALS[label]
                if key in out.goals:
                    continue
                if glued is not None:
                    out.goals[key] = glued[1]
                    continue
                right = _value_right(grid, row, col)
                out.goals[key] = right[0] if right else _value_below(grid, row, col, stop)
            elif out.year_text is None and len(text) <= 60 and (m := _YEAR.search(text)):
                out.year_text = m.group(1)
    return out


# --------------------------------------------------------------------------------------------
# the 项目资金 table


def _budget(grid: Grid, start: int, stop: int) -> Budget | None:
    header_row = None
    keys: dict[int, str] = {}
    for row in range(start, stop):
        keys = _row_keys(grid, row, _BUD)
        if _is_budget_header(keys.values()):
            header_row = row
            break
    if header_row is None:
        return None
    cols = {key: col for col, key in keys.items()}
    heads = {key: grid.text(header_row, col) for key, col in cols.items()}
    first_data = min(cols.values())
    missing = [
        (key, canon)
        for key, canon in (("annual", "全年预算数（A）"), ("executed", "全年执行数（B）"))
        if key not in cols
    ]
    if missing:
        # The budget cannot be read, but the indicators can: the form is still read and scored,
        # with an error on the header (the budget row is then unverified, never kept silently).
        found = joined(heads[k] for k in sorted(cols, key=cols.__getitem__))
        wanted = joined(
            (
                part(
                    "budget_column",
                    name=canon,
                    spellings=joined(BUDGET_COLUMNS[key][1:3], "or"),
                    key=key,
                )
                for key, canon in missing
            ),
            "and",
        )
        where = grid.loc(header_row, first_data)
        grid.notes.append(
            (
                (header_row, first_data),
                ReadNote.of(
                    "UNREADABLE_CELL", where, variant="budget_header", wanted=wanted, found=found
                ),
            )
        )
        return None

    total: Budget | None = None
    rows: list[BudgetRow] = []
    for row in range(header_row + 1, stop):
        anchored = _anchored(grid, row)
        if not anchored and not any(grid.text(row, c) for c in cols.values()):
            continue
        label_col, label = _row_label(grid, row, first_data, header_row)
        is_total = total is None and norm_label(label) in _BUDGET_TOTAL
        if not is_total and (
            any(norm_label(t) in _KNOWN_LABELS for _, t in anchored)
            or len(set(_row_keys(grid, row, _IND).values())) >= 3
        ):
            break  # the next block of the form (年度总体目标, 绩效指标 …)
        values: dict[str, Decimal | None] = {}
        bad: list[tuple[str, str]] = []
        for key, col in cols.items():
            if key == "reason" or not grid.owns(row, col):
                continue
            values[key], raw = grid.reading(row, col, header=heads[key], key=f"budget.{key}")
            if raw is not None:
                bad.append((key, raw))
        if is_total:
            rate = values.get("rate")
            if rate is not None and not grid.explicit_percent(row, cols["rate"]):
                rate = _as_percent(rate, values.get("annual"), values.get("executed"))
            total = Budget(
                initial=values.get("initial"),
                annual=values.get("annual"),
                executed=values.get("executed"),
                weight=values.get("weight"),
                score=values.get("score"),
                rate=rate,
                reason=grid.text(row, cols["reason"]) if "reason" in cols else "",
                where=grid.row_loc(row, label_col),
                cells={key: grid.loc(row, col) for key, col in cols.items()},
                unreadable=tuple(bad),
            )
        else:
            rows.append(
                BudgetRow(
                    name=re.sub(r"^\s*其中\s*[:：]?\s*", "", label),
                    initial=values.get("initial"),
                    annual=values.get("annual"),
                    executed=values.get("executed"),
                    where=grid.row_loc(row, label_col),
                    unreadable=tuple(bad),
                    cells={key: grid.loc(row, col) for key, col in cols.items()},
                )
            )
    if total is None:
        total = Budget(
            where=grid.row_loc(header_row, first_data),
            cells={key: grid.loc(header_row, col) for key, col in cols.items()},
        )
    return attrs.evolve(total, rows=tuple(rows))


def _row_label(grid: Grid, row: int, first_data: int, header_row: int) -> tuple[int, str]:
    """The rightmost label left of the numbers that belongs to the budget table (a section
    label such as 项目资金（万元） merged down from the header row is not a row label)."""
    for col in range(first_data - 1, 0, -1):
        cell = grid.cell(row, col)
        if cell is None or cell.anchor[0] <= header_row:
            continue
        text = grid.text(row, col)
        if text:
            return cell.anchor[1], text
    return first_data, ""


def _as_percent(rate: Decimal, annual: Decimal | None, executed: Decimal | None) -> Decimal:
    """A bare rate is a percentage (97.06) or a fraction (0.9706): pick the reading that agrees
    with 全年执行数 / 全年预算数 when both are known."""
    if annual is None or executed is None or annual == 0:
        return rate
    expected = executed / annual * 100
    if abs(rate.scaleb(2) - expected) < abs(rate - expected):
        return rate.scaleb(2)
    return rate


# --------------------------------------------------------------------------------------------
# the 绩效指标 table


@attrs.define
class _Table:
    indicators: list[Indicator]
    end: int
    total: tuple[int, int] | None
    absorbed: set[int]
    total_text: tuple[str, tuple[int, int]] | None = None


def _is_stop_row(grid: Grid, row: int, value_cols: list[int]) -> bool:
    """A row that ends the indicator table: 评价结论 / 存在问题 / 项目负责人: … or the title of the
    next form."""
    anchored = _anchored(grid, row)
    if not anchored:
        return False
    first = norm_label(anchored[0][1])
    for label in _STOP:
        if first == label or first.startswith(label + ":"):
            return True
    has_values = any(grid.owns(row, c) and grid.text(row, c) for c in value_cols)
    return not has_values and ("自评表" in first or any(first.startswith(s) for s in _STOP))


def _table(grid: Grid, header: _Header, headers: list[_Header]) -> _Table:
    cols = header.cols
    starts = {h.first: h for h in headers}
    value_cols = [
        cols[k] for k in ("target", "nature", "value", "actual", "weight", "score") if k in cols
    ]
    first_value = min(
        (cols[k] for k in ("target", "nature", "value", "actual") if k in cols),
        default=grid.max_col + 1,
    )
    indicators: list[Indicator] = []
    orphans: list[str] = []  # rows with a weight or score but nothing to score
    absorbed: set[int] = set()
    level1 = level2 = ""
    total: tuple[int, int] | None = None
    total_text: tuple[str, tuple[int, int]] | None = None
    end = header.last
    row = header.last + 1
    while row <= grid.max_row:
        other = starts.get(row)
        if other is not None:
            if set(other.cols.items()) <= set(cols.items()):  # the header repeated on a new page
                absorbed.add(row)
                row = other.last + 1
                continue
            break
        anchored = _anchored(grid, row)
        if not anchored and not any(grid.text(row, c) for c in cols.values()):
            row += 1
            continue
        glued = [(c, m) for c, t in anchored if c < first_value and (m := _GLUED_TOTAL.match(t))]
        if glued:  # 总分：95.71 in one cell
            total_text = (glued[0][1].group(1), (row, glued[0][0]))
            end = row
            break
        if any(c < first_value and norm_label(t) in _TOTAL_ROW for c, t in anchored):
            col = cols.get("score")
            if col is None:
                numbers = [c for c, _ in anchored if grid.is_number(row, c)]
                col = numbers[-1] if numbers else None
            if col is not None:
                total = (row, col)
            end = row
            break
        if _is_stop_row(grid, row, value_cols) or _is_budget_header(
            _row_keys(grid, row, _BUD).values()
        ):
            break
        end = row

        def text(key: str, row: int = row) -> str:
            return grid.text(row, cols[key]) if key in cols else ""

        def own(key: str, row: int = row) -> bool:
            return key in cols and grid.owns(row, cols[key]) and bool(text(key))

        new1, new2 = strip_level(text("level1")), strip_level(text("level2"))
        if "小计" in new1 + new2 + text("name"):  # a subtotal row, not an indicator
            row += 1
            continue
        if new1 and new1 != level1:
            level1, level2 = new1, new2
        elif new1 or new2:
            level2 = new2 or level2
        if not any(own(k) for k in _TEXT_FIELDS):
            if any(own(k) for k in ("weight", "score")):
                # not an indicator (nothing to score), but not nothing either: an error on the
                # row, and the rest of the form is still read
                orphans.append(grid.row_loc(row, header.first_col))
                grid.notes.append(
                    (
                        (row, header.first_col),
                        ReadNote.of(
                            "UNREADABLE_CELL",
                            grid.row_loc(row, header.first_col),
                            variant="orphan_row",
                        ),
                    )
                )
            row += 1
            continue
        indicators.append(_indicator(grid, header, row, level1, level2))
        row += 1
    if not indicators and orphans:
        raise FormError(
            Msg(
                "此行有分值或得分，但没有三级指标、年度指标值或实际完成值，表中也没有其他指标行",
                "this row has a weight or score but no indicator name, target or actual, and "
                "the table has no other indicator row",
            ),
            source=grid.file,
            where=orphans[0],
        )
    if not indicators:
        raise FormError(
            Msg(
                "绩效指标表没有任何指标行",
                "the indicator table has no indicator rows below its header",
            ),
            source=grid.file,
            where=grid.loc(header.last, header.first_col),
        )
    return _Table(indicators, end, total, absorbed, total_text)


def _indicator(grid: Grid, header: _Header, row: int, level1: str, level2: str) -> Indicator:
    cols = header.cols

    def text(key: str) -> str:
        return grid.text(row, cols[key]) if key in cols else ""

    bad: list[tuple[str, str]] = []

    def number(key: str) -> Decimal | None:
        if key not in cols or not grid.owns(row, cols[key]):
            return None  # a weight merged over several rows belongs to the first of them
        value, raw = grid.reading(row, cols[key], header=header.headers[key], key=key)
        if raw is not None:
            bad.append((key, raw))
        return value

    target_key = "value" if header.split else ("target" if "target" in cols else "value")
    if header.split:
        target = " ".join(t for t in (text("nature"), text("value"), text("unit")) if t)
        target_col = cols["value"]
    else:
        key = "target" if "target" in cols else "value"
        first, last = header.spans[key]
        parts: list[str] = []
        seen: set[tuple[int, int]] = set()
        for col in range(first, last + 1):
            anchor = grid.anchor(row, col)
            if anchor not in seen:
                seen.add(anchor)
                piece = grid.text(row, col)
                if piece:
                    parts.append(piece)
        target = " ".join(parts)
        target_col = first
    cells: dict[str, str] = {
        key: grid.loc(*grid.anchor(row, cols[key]))
        for key in ("level1", "level2", "name", "actual", "weight", "score", "reason", "nature")
        if key in cols
    }
    cells["target"] = grid.loc(*grid.anchor(row, target_col))
    if "unit" in cols:
        cells["unit"] = grid.loc(*grid.anchor(row, cols["unit"]))
    for key in ("name", "actual", "reason"):
        if key in cols and grid.owns(row, cols[key]):
            formula = grid.formula_at(*grid.anchor(row, cols[key]))
            if formula is not None:
                bad.append((key, formula))
    first_t, last_t = header.spans.get(target_key, (cols[target_key], cols[target_key]))
    for col in range(first_t, last_t + 1):
        formula = grid.formula_at(*grid.anchor(row, col)) if grid.owns(row, col) else None
        if formula is not None:
            bad.append(("target", formula))
            break
    weight = number("weight")
    score = number("score")
    # The row is located at its own 三级指标 cell (a merged 一级/二级指标 cell belongs to many
    # rows); in CSV, where a row is a line, at the line.
    own = cols.get("name")
    if own is None or not grid.owns(row, own):
        own = next(
            (
                cols[k]
                for k in ("name", "target", "value", "actual")
                if k in cols and grid.owns(row, cols[k])
            ),
            header.first_col,
        )
    return Indicator(
        name=text("name"),
        target=target,
        actual=text("actual"),
        weight=weight,
        score=score,
        reason=text("reason"),
        level1=level1,
        level2=level2,
        where=grid.row_loc(row, own),
        cells=cells,
        unreadable=tuple(bad),
    )


# --------------------------------------------------------------------------------------------
# forms


def find_forms(grid: Grid) -> list[Form]:
    """Every form in the grid, top to bottom; an empty list when there is no indicator table.

    Raises FormError (file, cell, what was expected) for a table with missing columns, a cell
    that should be a number and is not, a formula without a saved result.
    """
    headers = _find_headers(grid)
    forms: list[Form] = []
    previous_end = 0
    absorbed: set[int] = set()
    for header in headers:
        if header.first in absorbed or header.first <= previous_end:
            continue
        _check_header(grid, header)
        table = _table(grid, header, headers)
        absorbed |= table.absorbed
        pre = _preamble(grid, previous_end + 1, header.first)
        budget = _budget(grid, previous_end + 1, header.first)
        total_cell = table.total or pre.total
        total = None
        total_where = "total"
        raw_total: str | None = None
        if total_cell is not None:
            total, raw_total = grid.reading(*total_cell, header="总分", key="total")
            total_where = grid.loc(*total_cell)
        elif table.total_text is not None:
            total_where = grid.loc(*table.total_text[1])
            total, raw_total = _total_of(table.total_text[0], total_where, grid.file)
        elif "total" in pre.meta:  # 总分：95.71 in one cell
            total_where = grid.loc(*pre.where["total"])
            total, raw_total = _total_of(pre.meta["total"], total_where, grid.file)
        unreadable = [("total", raw_total)] if raw_total is not None else []
        try:
            year = _year(grid, pre)
        except FormError:
            year = None
            unreadable.append(("year", pre.meta.get("year") or pre.year_text or ""))
        forms.append(
            Form(
                indicators=tuple(table.indicators),
                project=pre.meta.get("project", ""),
                year=year,
                department=pre.meta.get("department", ""),
                implementer=pre.meta.get("implementer", ""),
                budget=budget,
                goals=dict(pre.goals),
                total=total,
                source=grid.file,
                total_where=total_where,
                notes=tuple(n for (r, _c), n in grid.notes if previous_end < r <= table.end),
                unreadable=tuple(unreadable),
            )
        )
        previous_end = table.end
    return forms


def _total_of(text: str, where: str, source: str | None) -> tuple[Decimal | None, str | None]:
    try:
        return to_decimal(text, where=where, source=source), None
    except FormError:
        return None, text


def _year(grid: Grid, pre: _Preamble) -> int | None:
    text = pre.meta.get("year") or pre.year_text
    if not text:
        return None
    match = re.search(r"(?:19|20)\d{2}", text)
    if match is None:
        raise FormError(
            Msg(
                f"年度应为四位数年份，实际为「{text}」",
                f"year: expected a year such as 2023, got {text!r}",
            ),
            source=grid.file,
            where=grid.loc(*pre.where["year"]) if "year" in pre.where else "year",
        )
    return int(match.group(0))
