"""The workbench's words, in Chinese and English (``label(key, lang)``): the headings every report
shares (:data:`jixiao.i18n.HEADINGS`: 一级指标, 复核得分 …), the severity words
(:data:`jixiao.i18n.WORDS`) and the workbench's own words below."""

from __future__ import annotations

from jixiao.catalog import SEVERITIES
from jixiao.i18n import HEADINGS, WORDS, tr

__all__ = ["LABELS", "WORKBENCH", "label"]

#: The words only the workbench uses.
WORKBENCH: dict[str, tuple[str, str]] = {
    "app": ("jixiao 绩效自评复核工作台", "jixiao review workbench"),
    "home": ("首页", "Home"),
    "dashboard": ("汇总", "Dashboard"),
    "policy_editor": ("策略编辑器", "Policy editor"),
    "upload_title": ("上传自评表", "Upload forms"),
    "upload_help": (
        "可选择一个或多个文件（.xlsx .xls .json .csv .docx .pdf），或整个文件夹的 .zip 包。",
        "Choose one or more files (.xlsx .xls .json .csv .docx .pdf), or a .zip of a folder.",
    ),
    "files": ("文件", "Files"),
    "auto_policy": ("自动：按单位所在地区与年度选择", "auto: by the form's region and year"),
    "policy_file": ("或上传策略文件（.policy）", "or upload a rule file (.policy)"),
    "score_button": ("评分并复核", "Score and review"),
    "recent": ("最近的批次", "Recent batches"),
    "batch": ("批次", "Batch"),
    "colon": ("：", ": "),
    "created": ("时间", "Created"),
    "forms": ("表单数", "Forms"),
    "none_yet": ("尚无记录。", "Nothing stored yet."),
    "gap": ("差额", "Gap"),
    "no_grade": ("无等级", "no grade"),
    "unverified": ("未能复核", "Unverified"),
    "status": ("状态", "Status"),
    "status_ok": ("已读取", "read"),
    "status_failed": ("读取失败", "failed"),
    "status_skipped": ("已跳过", "skipped"),
    "file_list": ("文件清单", "Files of the batch"),
    "form_list": ("表单", "Forms"),
    "open": ("查看", "Open"),
    "reason": ("偏差原因", "Reason"),
    "details": ("说明与发现", "Explanation and findings"),
    "form_findings": ("表单级发现", "Form-level findings"),
    "annual": ("年度预算数", "Annual budget"),
    "executed": ("执行数", "Executed"),
    "downloads": ("下载", "Downloads"),
    "dl_xlsx": ("带复核结果的工作簿", "Annotated workbook"),
    "dl_md": ("Markdown 报告", "Markdown report"),
    "dl_json": ("JSON 结果", "JSON result"),
    "history": ("评分历史", "Scoring history"),
    "scored_at": ("评分时间", "Scored at"),
    "rows_verified": ("行已复核", "rows verified"),
    "rows_unverified": ("行未能复核", "rows unverified"),
    "partial_total": (
        "没有可复核的指标，总分仅为部分合计，不评定等级",
        "no row could be verified: the total is partial and no grade is given",
    ),
    "filter": ("筛选", "Filter"),
    "all": ("全部", "all"),
    "apply": ("应用", "Apply"),
    "chart_totals": ("复核总分分布", "Distribution of computed totals"),
    "chart_grades": ("等级分布", "Grades"),
    "chart_codes": ("复核发现（按代码与级别）", "Findings by code and severity"),
    "chart_scatter": ("自评总分与复核总分", "Claimed against computed totals"),
    "table_behind": ("数据表", "The table behind it"),
    "range": ("分数段", "Range"),
    "count": ("数量", "Count"),
    "largest_gaps": ("自评与复核差距最大的表", "Forms with the largest gaps"),
    "by_department": ("按部门与年度", "By department and year"),
    "mean_total": ("平均复核总分", "Mean computed total"),
    "forms_with_errors": ("有错误的表", "Forms with errors"),
    "lint": ("检查", "Check"),
    "problems": ("问题", "Problems"),
    "examples": ("示例", "Examples"),
    "passed": ("通过", "passed"),
    "failed": ("未通过", "failed"),
    "diff_with": ("与其他策略比较（已存表单）", "Compare with another policy (stored forms)"),
    "compare": ("比较", "Compare"),
    "edited": ("编辑中的策略", "Edited policy"),
    "line": ("行", "Line"),
    "column": ("列", "Column"),
    "no_problems": ("没有问题。", "No problems."),
    "need_token": (
        "此工作台需要访问令牌：请使用启动时显示的链接打开。",
        "This workbench needs an access token: open it with the link shown at start.",
    ),
    "too_large": (
        "上传内容过大（上限 {mb} MB）。可用 jixiao serve --max-upload-mb 调高上限。",
        "The upload is too large (limit {mb} MB). Raise it with jixiao serve --max-upload-mb.",
    ),
    "forbidden": (
        "请求被拒绝：页面已过期或来源不符，请刷新页面后重试。",
        "Request refused: the page is stale or from another site; reload and try again.",
    ),
    "not_found": ("找不到此页面或记录。", "No such page or record."),
    "bad_method": ("不支持此请求方法。", "This request method is not supported."),
    "bad_request": ("请求无效。", "Bad request."),
    "server_error": (
        "内部错误，已记录在服务器日志中；请报告此问题。",
        "Internal error; it is logged on the server. Please report it.",
    ),
    "no_files": ("请选择至少一个文件。", "Choose at least one file."),
    "internal": ("内部错误，请报告此问题：", "internal error, please report it:"),
    "error": ("出错了", "Something went wrong"),
    "back": ("返回首页", "Back to the start page"),
    "language": ("English", "中文"),
}

#: Every word of the workbench, by key (``sev_error`` … are the severity words).
LABELS: dict[str, tuple[str, str]] = {
    **HEADINGS,
    **{f"sev_{s}": WORDS[s] for s in SEVERITIES},
    **WORKBENCH,
}


def label(key: str, lang: str = "zh") -> str:
    """The workbench's text for *key* in *lang* (``zh`` unless ``en``)."""
    return tr(LABELS[key], lang)
