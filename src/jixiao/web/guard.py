"""The workbench's guard: a size limit on request bodies, the access token, security headers."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jixiao.web.labels import label

__all__ = ["CSP", "TOKEN_COOKIE", "Guard"]

TOKEN_COOKIE = "jixiao_token"


class Guard:
    """ASGI middleware: size limit on request bodies, access token, security headers."""

    def __init__(self, app: ASGIApp, workbench: Any) -> None:
        self.app = app
        self.workbench = workbench
        self.state = getattr(app, "state", None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wb = self.workbench
        request = Request(scope)
        if wb.token is not None and not wb.token_ok(request):
            await wb.page_response(
                request, "error.html", 401, message=label("need_token", wb.lang(request))
            )(scope, receive, send)
            return
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > wb.limits.max_request_bytes:
            await wb.too_large(request)(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > wb.limits.max_request_bytes:
                    raise HTTPException(413)
            return message

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", CSP),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                ]
                query_token = request.query_params.get("token")
                if wb.token is not None and query_token and wb.token_ok(request):
                    headers.append(
                        (
                            b"set-cookie",
                            f"{TOKEN_COOKIE}={wb.token}; HttpOnly; SameSite=Strict; Path=/".encode(),
                        )
                    )
                message["headers"] = headers
            await send(message)

        await self.app(scope, limited, with_headers)


CSP = (
    b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    b"object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
