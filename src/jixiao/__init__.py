"""jixiao (绩效): parse, score and audit 项目支出绩效自评表."""

from __future__ import annotations

__version__ = "0.1.0"
