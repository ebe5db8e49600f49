"""The public API: every exported name resolves, and ``import jixiao`` stays light."""

from __future__ import annotations

import subprocess
import sys

import jixiao


def test_every_exported_name_resolves() -> None:
    for name in jixiao.__all__:
        assert getattr(jixiao, name) is not None, name


def test_unknown_attribute_is_an_attribute_error() -> None:
    try:
        jixiao.no_such_thing  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as err:
        assert "no_such_thing" in str(err)
    else:  # pragma: no cover
        raise AssertionError("expected AttributeError")


def test_import_is_light() -> None:
    code = (
        "import sys, jixiao\n"
        "heavy = [m for m in ('lark', 'openpyxl', 'hypothesis', 'click', 'rich', 'dask', 'pandas')"
        " if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
