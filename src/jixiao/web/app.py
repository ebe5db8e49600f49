"""The workbench: a local web application over the scorer and the results store.

Longer than 500 lines on purpose: it is the route table, and each route is a few lines that read the request,
call :mod:`jixiao.web.pages` and render a template; the pages and the guard live apart.

工作台：本机网页应用。上传自评表（一个或多个文件，或整个文件夹的 zip 包），选择评分策略，逐表查看
自评与复核得分、每条复核发现所在的行与单元格；一批表的汇总图；策略编辑器。所有结果写入结果库。

Server-rendered pages (Starlette + Jinja2, autoescape on), a little JavaScript for the policy
editor and nothing fetched from the internet. State-changing requests carry a CSRF token
(double-submit cookie); with ``token`` set every request must present it once (it is then kept in
a cookie). Errors are shown as pages, never as tracebacks.

The routes live here with the few helpers only they use (a policy from a form field, the policy
editor's lint and diff); what a page shows is computed in :mod:`jixiao.web.pages`, the guard in
front of every request is :mod:`jixiao.web.guard`, words are :mod:`jixiao.web.labels`.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import secrets
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import attrs
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from jixiao.errors import FormError, JixiaoError, PolicyError
from jixiao.evaluate import score_form
from jixiao.evaluate.examples import run_examples
from jixiao.forms import read_forms
from jixiao.forms.model import Form
from jixiao.forms.read import ANNOTATABLE, SUFFIXES
from jixiao.i18n import Msg, place_text
from jixiao.policy import load_policy, shipped_policies
from jixiao.policy.choose import AUTO
from jixiao.policy.loader import policy_from_chain
from jixiao.report.markdown import markdown_report
from jixiao.report.xlsx_out import write_annotated_workbook, write_results_workbook
from jixiao.resources import rules_dir
from jixiao.store import ResultStore
from jixiao.web import pages
from jixiao.web.guard import TOKEN_COOKIE, Guard
from jixiao.web.labels import LABELS, label
from jixiao.web.uploads import UploadError, UploadLimits, safe_name, save_upload

__all__ = ["create_app"]

log = logging.getLogger("jixiao.web")
_HERE = Path(__file__).resolve().parent
_CSRF_COOKIE = "jixiao_csrf"


def create_app(
    db_path: str | Path,
    *,
    token: str | None = None,
    default_policy: str = "central",
    limits: UploadLimits | None = None,
) -> Starlette:
    """The workbench application over the results store at *db_path* (created if missing)."""
    workbench = _Workbench(Path(db_path), token, default_policy, limits or UploadLimits())
    routes = [
        Route("/", workbench.index),
        Route("/upload", workbench.upload, methods=["POST"]),
        Route("/batches/{batch_id:str}", workbench.batch),
        Route("/dashboard", workbench.dashboard),
        Route("/forms/{form_id:int}", workbench.form),
        Route("/forms/{form_id:int}/download/{kind:str}", workbench.download),
        Route("/policy", workbench.policy_page),
        Route("/api/lint", workbench.api_lint, methods=["POST"]),
        Route("/api/diff", workbench.api_diff, methods=["POST"]),
        Mount("/static", StaticFiles(directory=_HERE / "static"), name="static"),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={
            HTTPException: workbench.http_error,
            Exception: workbench.server_error,
        },
    )
    app.state.workbench = workbench
    return Guard(app, workbench)  # type: ignore[return-value]


class _Workbench:
    def __init__(
        self, db_path: Path, token: str | None, default_policy: str, limits: UploadLimits
    ) -> None:
        self.db_path = db_path
        self.token = token
        self.default_policy = default_policy
        self.limits = limits
        self.uploads = Path(tempfile.mkdtemp(prefix="jixiao-uploads-"))
        self.env = Environment(
            loader=FileSystemLoader(str(_HERE / "templates")),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals["labels"] = LABELS
        with ResultStore(db_path):  # create and migrate once, before serving
            pass

    # ------------------------------------------------------------------ plumbing

    def store(self) -> ResultStore:
        return ResultStore(self.db_path)

    def token_ok(self, request: Request) -> bool:
        assert self.token is not None
        given = request.query_params.get("token") or request.cookies.get(TOKEN_COOKIE) or ""
        return hmac.compare_digest(given.encode(), self.token.encode())

    @staticmethod
    def lang(request: Request) -> str:
        lang = request.query_params.get("lang") or request.cookies.get("jixiao_lang") or "zh"
        return "en" if lang == "en" else "zh"

    def csrf_token(self, request: Request) -> str:
        return request.cookies.get(_CSRF_COOKIE) or secrets.token_urlsafe(24)

    def check_csrf(self, request: Request, given: str | None) -> None:
        cookie = request.cookies.get(_CSRF_COOKIE)
        if not cookie or not given or not hmac.compare_digest(cookie.encode(), given.encode()):
            raise HTTPException(403, "csrf")
        origin = request.headers.get("origin")
        if origin and origin != "null":
            host = request.headers.get("host", "")
            if origin.split("://", 1)[-1] != host:
                raise HTTPException(403, "origin")

    def page_response(
        self, request: Request, template: str, status: int = 200, **context: Any
    ) -> HTMLResponse:
        lang = self.lang(request)
        csrf = self.csrf_token(request)

        def t(key: str) -> str:
            return label(key, lang)

        def place(where: str) -> str:
            return place_text(where, lang)

        html = self.env.get_template(template).render(
            request=request, lang=lang, t=t, place=place, csrf=csrf, **context
        )
        response = HTMLResponse(html, status_code=status)
        if request.cookies.get(_CSRF_COOKIE) != csrf:
            response.set_cookie(_CSRF_COOKIE, csrf, httponly=True, samesite="strict")
        if request.query_params.get("lang") in ("zh", "en"):
            response.set_cookie("jixiao_lang", lang, samesite="strict")
        return response

    def too_large(self, request: Request) -> HTMLResponse:
        return self.page_response(
            request,
            "error.html",
            413,
            message=label("too_large", self.lang(request)).format(
                mb=self.limits.max_request_bytes // (1024 * 1024)
            ),
        )

    async def http_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        lang = self.lang(request)
        key = {
            403: "forbidden",
            404: "not_found",
            405: "bad_method",
            413: "too_large",
            400: "bad_request",
        }.get(exc.status_code, "bad_request")
        if exc.status_code == 413:
            return self.too_large(request)
        message = label(key, lang)
        if exc.status_code == 400 and exc.detail and exc.detail != "Bad Request":
            message = str(exc.detail)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message}, status_code=exc.status_code)
        return self.page_response(request, "error.html", exc.status_code, message=message)

    async def server_error(self, request: Request, exc: Exception) -> Response:
        log.exception("workbench error on %s", request.url.path)
        return self.page_response(
            request, "error.html", 500, message=label("server_error", self.lang(request))
        )

    # ------------------------------------------------------------------ pages

    async def index(self, request: Request) -> Response:
        with self.store() as store:
            batches = store.batches()[:20]
        return self.page_response(
            request,
            "index.html",
            batches=batches,
            policies=_shipped(),
            default_policy=self.default_policy,
            limits=self.limits,
        )

    async def upload(self, request: Request) -> Response:
        try:
            async with request.form(
                max_files=self.limits.max_files, max_fields=50, max_part_size=1024 * 1024
            ) as form:
                self.check_csrf(request, _field(form, "csrf"))
                files = [
                    f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename
                ]
                if not files:
                    raise HTTPException(400, label("no_files", self.lang(request)))
                policy_upload = form.get("policy_file")
                policy_text: str | None = None
                if isinstance(policy_upload, UploadFile) and policy_upload.filename:
                    policy_text = (await policy_upload.read()).decode("utf-8", "replace")
                policy_spec = _field(form, "policy") or self.default_policy
                payload = [(f.filename or "upload", await f.read()) for f in files]
        except UploadError as exc:
            raise HTTPException(400, exc.render(self.lang(request))) from None
        lang = self.lang(request)
        try:
            batch_id = await asyncio.to_thread(
                self._score_upload, payload, policy_spec, policy_text, lang
            )
        except PolicyError as exc:  # an uploaded policy that does not load, in the page's language
            return self.page_response(request, "error.html", 400, message=exc.render(lang))
        except UploadError as exc:
            return self.page_response(request, "error.html", 400, message=exc.render(lang))
        return RedirectResponse(f"/batches/{batch_id}", status_code=303)

    def _score_upload(
        self,
        payload: list[tuple[str, bytes]],
        policy_spec: str,
        policy_text: str | None,
        lang: str,
    ) -> str:

        policy = _policy(policy_spec, policy_text, self.uploads)
        # every saved file goes when the upload is scored (its bytes are kept in the store)
        with tempfile.TemporaryDirectory(dir=self.uploads) as tmp, self.store() as store:
            folder = Path(tmp)
            names = ", ".join(safe_name(n) for n, _ in payload[:3])
            batch_id = store.new_batch(names + (" …" if len(payload) > 3 else ""))
            for name, data in payload:
                for shown, path, skipped in save_upload(folder, name, data, self.limits):
                    if path is None:
                        store.record_file(batch_id, shown, "skipped", skipped)
                        continue
                    content = path.read_bytes()
                    try:
                        forms = read_forms(path)
                        results = [score_form(f, policy) for f in forms]
                    except JixiaoError as exc:
                        store.record_file(
                            batch_id,
                            shown,
                            "failed",
                            Msg(
                                exc.render("zh").replace(str(path), shown),
                                exc.render("en").replace(str(path), shown),
                            ),
                        )
                        continue
                    except Exception as exc:  # a bug: report it for this file, go on with the rest
                        log.exception("scoring %s", shown)
                        store.record_file(
                            batch_id,
                            shown,
                            "failed",
                            Msg(
                                f"{label('internal', 'zh')} {type(exc).__name__}",
                                f"{label('internal', 'en')} {type(exc).__name__}",
                            ),
                        )
                        continue
                    store.add_many(
                        [
                            (r, shown, content, f"#{i + 1}" if len(results) > 1 else None)
                            for i, r in enumerate(results)
                        ],
                        batch_id=batch_id,
                    )
                    store.record_file(batch_id, shown, "ok", None, forms=len(results))
        return batch_id

    async def batch(self, request: Request) -> Response:
        batch_id = request.path_params["batch_id"]
        with self.store() as store:
            info = store.batch(batch_id)
            if info is None:
                raise HTTPException(404)
            forms = store.forms(batch_id=batch_id)
            files = store.batch_files(batch_id, self.lang(request))
        return self.page_response(
            request, "batch.html", batch=info, forms=pages.decorate(forms), files=files
        )

    async def dashboard(self, request: Request) -> Response:
        lang = self.lang(request)
        batch_id = request.query_params.get("batch") or None
        filters = {
            k: request.query_params.get(k, "")
            for k in ("department", "year", "policy", "severity", "code")
        }
        with self.store() as store:
            everything = store.forms(batch_id=batch_id, latest=batch_id is None)
            forms = store.forms(batch_id=batch_id, latest=batch_id is None, filters=filters)
            findings = store.findings(form_ids=[f["id"] for f in forms]) if forms else []
            info = store.batch(batch_id) if batch_id else None
        return self.page_response(
            request,
            "dashboard.html",
            batch=info,
            filters=filters,
            options=pages.options(everything),
            summary=pages.summary(forms, findings, lang),
            forms=pages.decorate(forms),
        )

    async def form(self, request: Request) -> Response:
        form_id = request.path_params["form_id"]
        with self.store() as store:
            row = store.form(form_id)
            if row is None:
                raise HTTPException(404)
            history = store.history(form_id)
            source = store.source(row["source_sha256"]) if row["source_sha256"] else None
            chain = store.policy_chain(row["policy_digest"])
        lang = self.lang(request)
        if lang != "zh":
            # the store keeps the Chinese result; the messages and explanations of another
            # language come from scoring the stored form again under its stored policy
            result = await asyncio.to_thread(self._rescore, row, source, chain)
            row = {**row, "result": result.to_dict(lang)}
        return self.page_response(
            request, "form.html", row=row, layout=pages.layout(row), history=history
        )

    async def download(self, request: Request) -> Response:
        form_id = request.path_params["form_id"]
        kind = request.path_params["kind"]
        lang = self.lang(request)
        with self.store() as store:
            row = store.form(form_id)
            if row is None:
                raise HTTPException(404)
            source = store.source(row["source_sha256"]) if row["source_sha256"] else None
            chain = store.policy_chain(row["policy_digest"])
        stem = Path(safe_name(row["source_name"])).stem or "form"
        if kind == "json":
            body = json.dumps(row["result"], ensure_ascii=False, indent=2).encode()
            return _attachment(body, f"{stem}-复核.json", "application/json")
        result = await asyncio.to_thread(self._rescore, row, source, chain)
        if kind == "md":
            text = markdown_report([result], lang)
            return _attachment(text.encode(), f"{stem}-复核.md", "text/markdown; charset=utf-8")
        if kind == "xlsx":
            data = await asyncio.to_thread(_workbook, result, source, lang)
            return _attachment(
                data,
                f"{stem}-复核.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        raise HTTPException(404)

    def _rescore(self, row: Mapping[str, Any], source: tuple[str, bytes] | None, chain: Any) -> Any:
        """The stored form scored again under its stored policy (for downloads that need the
        result objects, and a page in another language). The scores equal the stored ones: same
        form, same policy text; read again from its stored file, the form keeps its cells'
        places (a workbook's cells, a CSV file's rows and columns)."""

        policy = (
            _policy_from_chain(chain) if chain else _policy(row["policy_name"], None, self.uploads)
        )
        form = Form.from_dict(row["form"], source=row["source_name"])
        if source is not None and Path(source[0]).suffix.lower() in SUFFIXES:
            with tempfile.TemporaryDirectory(dir=self.uploads) as tmp:
                path = Path(tmp) / safe_name(source[0])
                path.write_bytes(source[1])
                forms = read_forms(path)
            index = int(row["location"][1:]) - 1 if row["location"] else 0
            form = attrs.evolve(forms[index], source=row["source_name"])
        return score_form(form, policy)

    async def policy_page(self, request: Request) -> Response:
        name = request.query_params.get("name") or self.default_policy
        if name not in _shipped():
            raise HTTPException(404)

        text = (rules_dir() / f"{name}.policy").read_text(encoding="utf-8")
        return self.page_response(request, "policy.html", name=name, text=text, policies=_shipped())

    async def api_lint(self, request: Request) -> Response:
        self.check_csrf(request, request.headers.get("x-csrf-token"))
        body = await _json(request)
        text = body.get("text")
        if not isinstance(text, str):
            raise HTTPException(400, "text")
        return JSONResponse(await asyncio.to_thread(_lint, text, self.uploads, self.lang(request)))

    async def api_diff(self, request: Request) -> Response:
        self.check_csrf(request, request.headers.get("x-csrf-token"))
        body = await _json(request)
        text, other = body.get("text"), body.get("other")
        if not isinstance(text, str) or not isinstance(other, str) or other not in _shipped():
            raise HTTPException(400, "text/other")
        with self.store() as store:
            rows = [store.form(f["id"]) for f in store.forms(latest=True)]
        return JSONResponse(
            await asyncio.to_thread(_diff, text, other, [r for r in rows if r], self.uploads)
        )


# ---------------------------------------------------------------------- helpers


def _field(form: Any, name: str) -> str | None:
    value = form.get(name)
    return value if isinstance(value, str) else None


async def _json(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError):
        raise HTTPException(400, "json") from None
    if not isinstance(body, dict):
        raise HTTPException(400, "json")
    return body


def _attachment(body: bytes, filename: str, media: str) -> Response:

    return Response(
        body,
        media_type=media,
        headers={"content-disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )


def _shipped() -> tuple[str, ...]:

    return tuple(shipped_policies())


def _policy_of_text(text: str, folder: Path, name: str) -> Any:
    """A policy loaded from text typed or uploaded in the browser (a file under *folder* while it
    loads, removed after: the policy keeps its text). Raises PolicyError."""
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        path = Path(tmp) / name
        path.write_text(text, encoding="utf-8")
        return load_policy(path)


def _policy(spec: str, text: str | None, folder: Path) -> Any:

    if text is not None:
        return _policy_of_text(text, folder, "uploaded.policy")
    if spec == AUTO:
        return AUTO  # chosen per form by its region and year (score_form says which)
    if spec not in _shipped():
        raise UploadError(Msg(f"未知的评分策略 {spec!r}", f"unknown policy {spec!r}"))
    return load_policy(spec)


def _policy_from_chain(chain: Any) -> Any:

    return policy_from_chain(tuple((str(a), str(b)) for a, b in chain))


def _workbook(result: Any, source: tuple[str, bytes] | None, lang: str) -> bytes:

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.xlsx"
        if source is not None and Path(source[0]).suffix.lower() in ANNOTATABLE:
            src = Path(tmp) / safe_name(source[0])
            src.write_bytes(source[1])
            write_annotated_workbook([result], src, out, lang)
        else:
            write_results_workbook([result], out, lang)
        return out.read_bytes()


# a policy problem in the editor, in the page's language
_PROBLEM_LINE = Msg("{line} {l}，{column} {c}：{message}", "{line} {l}, {column} {c}: {message}")
_PROBLEM_HINT = Msg("（提示：{hint}）", " (hint: {hint})")
_FAILED_SEP, _FAILURES_SEP = Msg("：", ": "), Msg("；", "; ")


def _lint(text: str, folder: Path, lang: str) -> dict[str, Any]:
    """Every problem of an edited policy (line, column, message, hint) and its examples run."""

    try:
        policy = _policy_of_text(text, folder, "edited.policy")
    except PolicyError as exc:
        return {
            "ok": False,
            "problems": [
                {
                    "line": p.location.line,
                    "column": p.location.column,
                    "message": p.message_text(lang),
                    "hint": p.hint_text(lang),
                    "text": _PROBLEM_LINE.text(
                        lang,
                        line=label("line", lang),
                        l=p.location.line,
                        column=label("column", lang),
                        c=p.location.column,
                        message=p.message_text(lang),
                    )
                    + (_PROBLEM_HINT.text(lang, hint=p.hint_text(lang)) if p.hint else ""),
                    "in_file": Path(p.location.source or "").name == "edited.policy",
                }
                for p in exc.problems
            ],
            "examples": [],
        }
    examples = run_examples(policy)
    sep, join = _FAILED_SEP.text(lang), _FAILURES_SEP.text(lang)
    return {
        "ok": all(e.passed for e in examples),
        "policy": f"{policy.name} {policy.version}",
        "problems": [],
        "examples": [
            {
                "name": e.name,
                "line": e.location.line,
                "passed": e.passed,
                "text": e.name + ("" if e.passed else sep + join.join(e.failure_texts(lang))),
            }
            for e in examples
        ],
    }


def _diff(text: str, other: str, rows: list[dict[str, Any]], folder: Path) -> dict[str, Any]:
    """Totals and grades of the stored forms under the edited policy and under *other*."""

    try:
        mine = _policy_of_text(text, folder, "edited.policy")
    except PolicyError:
        return {"ok": False, "rows": []}
    base = load_policy(other)
    out = []
    for row in rows:
        try:
            form = Form.from_dict(row["form"], source=row["source_name"])
        except FormError:
            continue
        a, b = score_form(form, mine), score_form(form, base)
        out.append(
            {
                "form_id": row["id"],
                "name": row["project"] or row["source_name"],
                "edited": str(a.total),
                "edited_grade": a.grade,
                "other": str(b.total),
                "other_grade": b.grade,
                "changed": a.total != b.total or a.grade != b.grade,
            }
        )
    return {"ok": True, "rows": out, "changed": sum(1 for r in out if r["changed"])}
