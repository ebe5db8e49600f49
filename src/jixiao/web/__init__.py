"""The workbench (``jixiao serve``): a local web page over the scorer and the results store.

Needs the ``web`` extra (Starlette, Jinja2, uvicorn, python-multipart). See docs/workbench.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jixiao.errors import MissingExtraError

if TYPE_CHECKING:
    from jixiao.web.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        try:
            from jixiao.web.app import create_app
        except ImportError as exc:  # the extra is not installed
            raise MissingExtraError(
                "工作台需要 web 组件：pip install 'jixiao[web]' "
                "(the workbench needs the web extra: pip install 'jixiao[web]')"
            ) from exc
        return create_app
    raise AttributeError(name)
