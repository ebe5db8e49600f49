"""Regenerate the example workbooks (and the CSV) from the example JSON forms.

    python examples/make_seed_xlsx.py

* ``seed.json``          → ``seed.xlsx`` (standard 项目支出绩效自评表 layout, merged 一级/二级
  cells) and ``seed.csv`` (the CSV convention of docs/forms.md);
* ``sichuan_split.json`` → ``sichuan_split.xlsx`` (split-column layout: 指标性质 / 指标值 /
  度量单位, 权重, 未完成原因分析).

The output is deterministic: the same JSON gives the same bytes (timestamps are fixed).
Needs openpyxl (``pip install 'jixiao[xlsx]'``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from jixiao.forms import read_form, write_csv, write_xlsx

HERE = Path(__file__).resolve().parent


def main(out_dir: Path = HERE) -> None:
    seed = read_form(HERE / "seed.json")
    write_xlsx(seed, out_dir / "seed.xlsx", layout="standard")
    write_csv(seed, out_dir / "seed.csv")
    sichuan = read_form(HERE / "sichuan_split.json")
    write_xlsx(sichuan, out_dir / "sichuan_split.xlsx", layout="split")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
