"""The built wheel carries grammar/ and rules/ and works from a fresh virtual environment."""

from __future__ import annotations

import json
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """
import json, sys
import jixiao
assert "site-packages" in jixiao.__file__, jixiao.__file__
target = jixiao.parse_target("不少于45人")
policy = jixiao.load_policy("hubei")
result = jixiao.score_form(json.loads(sys.argv[1]), "central")
print(json.dumps({
    "target": target.to_dict(),
    "hubei_budget": str(policy.weights["预算执行率"]),
    "total": str(result.total),
    "grade": result.grade,
}, ensure_ascii=False))
"""


@pytest.mark.slow
def test_wheel_installs_and_scores_from_a_fresh_venv(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("jixiao-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "jixiao/_resources/grammar/target.lark" in names
    assert "jixiao/_resources/grammar/policy.lark" in names
    assert "jixiao/_resources/rules/central.policy" in names
    assert "jixiao/py.typed" in names

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)],
        check=True,
        capture_output=True,
    )
    seed = json.loads((ROOT / "examples" / "seed.json").read_text(encoding="utf-8"))
    out = subprocess.run(
        [str(python), "-c", SCRIPT, json.dumps(seed, ensure_ascii=False)],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,  # not the checkout: the installed package must find its own files
    )
    got = json.loads(out.stdout)
    # the console script works from the wheel alone: click and rich are core dependencies
    cli = subprocess.run(
        [str(env_dir / "bin" / "jixiao"), "score", str(ROOT / "examples" / "seed.json")],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        cwd=tmp_path,
    )
    assert cli.returncode == 0, cli.stderr
    assert "95.71" in cli.stdout and "优" in cli.stdout
    assert got["target"] == {
        "kind": "comparison",
        "op": ">=",
        "value": "45",
        "unit": "人",
        "inclusive": True,
    }
    assert got["hubei_budget"] == "20"
    assert (got["total"], got["grade"]) == ("95.71", "优")
