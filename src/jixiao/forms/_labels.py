"""The words of a form's layout: the column names of the 绩效指标 and 项目资金 tables (as the
provinces write them), the labels of a form's preamble, the rows that end a table, and reading a
grid row's header keys. :mod:`jixiao.forms._layout` finds tables with these;
:mod:`jixiao.forms._preamble` reads what stands above them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from jixiao.forms._grid import Grid
from jixiao.forms._text import norm_label

__all__ = [
    "BUDGET_COLUMNS",
    "BUDGET_KEYS",
    "BUDGET_TOTAL",
    "CANONICAL",
    "GLUED_TOTAL",
    "GOAL_KEYS",
    "INDICATOR_COLUMNS",
    "INDICATOR_KEYS",
    "INDICATOR_PATTERNS",
    "KNOWN_LABELS",
    "META_KEYS",
    "REQUIRED",
    "SECTIONS",
    "STOP_LABELS",
    "TEXT_FIELDS",
    "TOTAL_ROW",
    "YEAR_IN_TITLE",
    "anchored_cells",
    "is_budget_header",
    "label_aliases",
    "row_keys",
]


def label_aliases(table: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
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
INDICATOR_KEYS = label_aliases(INDICATOR_COLUMNS)
BUDGET_KEYS = label_aliases(BUDGET_COLUMNS)
# Headers no list names, by what they say: any 原因 column is the reason; a …指标值 / …目标值
# column the target; a …实际… / …完成值 column the actual.
INDICATOR_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?:偏差|未完成|未达成|差异).*原因"), "reason"),
    (re.compile(r"^(?!.*(?:实际|完成)).{0,6}(?:指标值|目标值)$"), "target"),
    (re.compile(r"^.{0,4}实际.{0,4}(?:值|数)$|^.{0,4}完成值$"), "actual"),
)
META_KEYS = label_aliases(
    {
        "project": ("项目名称", "project"),
        "department": ("主管部门", "主管单位", "department"),
        "implementer": ("实施单位", "implementer"),
        "year": ("年度", "预算年度", "评价年度", "year"),
        "total": ("总分", "total"),
    }
)
GOAL_KEYS = label_aliases(
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
SECTIONS = {
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
KNOWN_LABELS = set(META_KEYS) | set(GOAL_KEYS) | SECTIONS
TOTAL_ROW = {
    norm_label(s) for s in ("总分", "合计", "总计", "合计得分", "总得分", "自评总分", "total")
}
BUDGET_TOTAL = {
    norm_label(s)
    for s in ("年度资金总额", "资金总额", "总额", "合计", "总计", "项目资金总额", "total")
}
STOP_LABELS = tuple(
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
GLUED_TOTAL = re.compile(r"\s*(?:总分|合计|总计|总得分|自评总分)\s*[:：]\s*(\S+)\s*$")
YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年度")
REQUIRED = ("name", "target", "actual", "weight")
TEXT_FIELDS = ("name", "target", "actual", "nature", "value", "unit")
CANONICAL = {key: names[0] for key, names in INDICATOR_COLUMNS.items()}


def row_keys(grid: Grid, row: int, aliases: Mapping[str, str]) -> dict[int, str]:
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
        if key is None and aliases is INDICATOR_KEYS:
            key = next((k for pattern, k in INDICATOR_PATTERNS if pattern.search(label)), None)
        if key is not None and key not in seen:
            out[col] = key
            seen.add(key)
    return out


def is_budget_header(keys: Iterable[str]) -> bool:
    found = set(keys)
    return len(found & {"initial", "annual", "executed", "rate"}) >= 2


def anchored_cells(grid: Grid, row: int) -> list[tuple[int, str]]:
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
