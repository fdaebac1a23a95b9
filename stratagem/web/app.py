"""The local web app: server-rendered pages (Jinja2) and the JSON API (FastAPI, OpenAPI at /openapi.json).

Pages: scenarios, a scenario (stances with evidence, actor maps, runs with progress, versions
and undo), the stance form, documents (upload, evidence highlighted) and drafted stances.
The pages' buttons call the same JSON API that scripts can use. Every state-changing request
needs the CSRF token; see :mod:`stratagem.web.security` for the other protections.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from stratagem import __version__
from stratagem.engines.registry import ENGINES, RECOMMENDED
from stratagem.evidence.citations import resolve_citation
from stratagem.evidence.gazetteer import load_gazetteer
from stratagem.evidence.metadata import extraction_options
from stratagem.model.errors import StratagemError
from stratagem.model.schema import Evidence, Scenario
from stratagem.report import build, charts
from stratagem.report.evidence import resolve_evidence
from stratagem.report.html import BOOT_JS, install_filters, plotly_js, stylesheet
from stratagem.store import DEFAULT_WORKSPACE
from stratagem.store.workspace import Workspace
from stratagem.web import apidocs, editing, roundtrip, state, tasks
from stratagem.web.runs import MAX_DRAWS, JobManager, RunRequest, check_request, clean
from stratagem.web.security import CSRF_FIELD, SecurityMiddleware, csrf_token, require_csrf
from stratagem.web.workers import DEFAULT_MEMORY_BYTES, Busy, JobFailed, Lane, WorkerPool

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_BODY_BYTES = MAX_UPLOAD_BYTES + 64 * 1024
DOCUMENT_SUFFIXES = {".txt": "text/plain", ".text": "text/plain", ".md": "text/plain", ".html": "text/html",
                     ".htm": "text/html"}
SCENARIO_SUFFIXES = {".yaml", ".yml"}
DOC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,199}$")

IdParam = Annotated[str, PathParam(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]
DocIdParam = Annotated[str, PathParam(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]
JobIdParam = Annotated[str, PathParam(min_length=1, max_length=64, pattern=r"^[0-9]+-[0-9a-f]+$")]


class FiniteJSONResponse(JSONResponse):
    """JSON with finite numbers only: an infinite or undefined value (say a forecast that overflowed on
    capabilities near 1e308) is sent as null, never as the invalid JSON tokens Infinity or NaN."""

    def render(self, content: Any) -> bytes:
        return json.dumps(clean(content), ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


class ErrorOut(BaseModel):
    detail: str


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    accepted: bool


class VersionOut(BaseModel):
    version: int
    parent: int | None
    note: str
    created_at: str


class SavedOut(BaseModel):
    scenario: str
    version: int


class JobOut(BaseModel):
    id: str
    kind: str
    scenario: str
    state: str
    progress: float
    message: str
    error: str | None
    result: dict[str, Any] | None = None


class DocumentOut(BaseModel):
    id: str
    title: str
    date: str | None
    date_source: str = ""  # how the date was found; "text-latest" is a guess (see date_guessed)
    date_guessed: bool = False
    media_type: str
    url: str
    n_evidence: int
    characters: int


class SpanOut(BaseModel):
    id: str
    kind: str
    start: int  # offsets into the document's cleaned text (``text`` of the document)
    end: int
    speaker: str | None
    actor: str | None
    issue: str | None
    date: str | None
    text: str
    status: str = "ok"  # the citation check: "ok", or why the words do not match (stratagem.evidence.citations)


class DocumentDetailOut(DocumentOut):
    text: str
    evidence: list[SpanOut]


class UploadOut(BaseModel):
    kind: str
    id: str
    created: bool
    n_evidence: int = 0
    version: int | None = None
    kept: int | None = None  # a scenario upload stored beside this edited version (on_conflict=keep-both)
    updated: bool = False  # a document stored before, re-extracted because the scenario link changed


_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "not found"},
    403: {"model": ErrorOut, "description": "missing or wrong CSRF token"},
    422: {"description": "invalid input"},
}


@lru_cache(maxsize=1)
def _app_js() -> str:
    return (resources.files("stratagem.web") / "static" / "app.js").read_text(encoding="utf-8")


def highlight_segments(text: str, spans: list[tuple[int, int, str, str]]) -> list[tuple[str, str | None, str]]:
    """Split ``text`` into (piece, evidence id or None, title) so spans can be wrapped in <mark>.

    Spans are chosen in order of the list (callers put quotes before events and claims), skipping
    any that overlaps one already chosen; skipped records are still listed under the text.
    """
    chosen: list[tuple[int, int, str, str]] = []
    for start, end, eid, title in spans:
        if not 0 <= start < end <= len(text):
            continue
        if any(start < c_end and c_start < end for c_start, c_end, _, _ in chosen):
            continue
        chosen.append((start, end, eid, title))
    out: list[tuple[str, str | None, str]] = []
    cursor = 0
    for start, end, eid, title in sorted(chosen):
        if start > cursor:
            out.append((text[cursor:start], None, ""))
        out.append((text[start:end], eid, title))
        cursor = end
    if cursor < len(text):
        out.append((text[cursor:], None, ""))
    return out


_KIND_ORDER = {"quote": 0, "event": 1, "claim": 2}


@dataclasses.dataclass(frozen=True)
class Limits:
    """Seconds a task may run in its worker before it is stopped, by kind."""

    forecast: float = 300.0
    ensemble: float = 1800.0
    upload: float = 300.0


def create_app(workspace: str | Path = DEFAULT_WORKSPACE, *, documents: list[str] | None = None,
               allowed_hosts: list[str] | None = None, job_workers: int = 2, max_draws: int = MAX_DRAWS,
               time_limits: Limits = Limits(), worker_memory: int | None = DEFAULT_MEMORY_BYTES,
               access_token: str | None = None) -> FastAPI:
    """The app bound to one workspace file (created if missing). ``allowed_hosts=None`` skips the Host check
    (a malformed Host is refused all the same); with ``access_token`` every request must carry it.

    Engines, ensembles and upload parsing run in ``job_workers`` worker processes (each limited to
    ``worker_memory`` bytes and its kind's time limit), so the server answers while they work."""
    ws_path = Path(workspace)
    Workspace(ws_path).close()  # create it now, and fail early on a bad path
    doc_dirs = list(documents or [])
    pool = WorkerPool(job_workers, memory_limit=worker_memory)
    jobs = JobManager(pool)

    async def in_worker(fn: Any, *args: Any, lane: Lane = "short", time_limit: float) -> Any:
        """Run ``fn`` in the pool and wait without blocking the event loop; a dropped request cancels it."""
        task = pool.submit(fn, *args, lane=lane, time_limit=time_limit)
        try:
            return await asyncio.wrap_future(task.future)
        except asyncio.CancelledError:
            pool.cancel(task)
            raise

    env = Environment(loader=ChoiceLoader([PackageLoader("stratagem.web", "templates"),
                                           PackageLoader("stratagem.report", "templates")]),
                      autoescape=True, undefined=StrictUndefined)
    install_filters(env)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.shutdown()

    app = FastAPI(title="stratagem", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  default_response_class=FiniteJSONResponse,
                  description="Forecast multi-party negotiations: scenarios, stances, forecasts, ensembles, "
                              "shocks, documents and evidence. State-changing requests need the X-CSRF-Token "
                              "header equal to the stratagem_csrf cookie.")
    app.add_middleware(SecurityMiddleware, max_body=MAX_BODY_BYTES, allowed_hosts=allowed_hosts,
                       access_token=access_token)
    app.state.jobs = jobs
    app.state.pool = pool

    @contextmanager
    def open_ws() -> Iterator[Workspace]:
        ws = Workspace(ws_path)
        try:
            yield ws
        finally:
            ws.close()

    def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = env.get_template(name).render(request=request, csrf=csrf_token(request), csrf_field=CSRF_FIELD,
                                             version=__version__, **context)
        return HTMLResponse(html, status_code=status)

    def wants_html(request: Request) -> bool:
        return not request.url.path.startswith(("/api/", "/openapi", "/static/", "/docs"))

    # -- errors ------------------------------------------------------------------
    @app.exception_handler(state.NotFound)
    async def _not_found(request: Request, exc: state.NotFound) -> Response:
        if wants_html(request):
            return page(request, "error.html", 404, title="Not found", message=str(exc))
        return JSONResponse({"detail": str(exc)}, status_code=404)

    @app.exception_handler(state.FieldErrors)
    async def _field_errors(request: Request, exc: state.FieldErrors) -> Response:
        return JSONResponse({"detail": str(exc), "errors": exc.errors}, status_code=422)

    @app.exception_handler(Busy)
    async def _busy(request: Request, exc: Busy) -> Response:
        if wants_html(request):
            return page(request, "error.html", 503, title="Busy", message=str(exc))
        return JSONResponse({"detail": str(exc)}, status_code=503, headers={"retry-after": "5"})

    @app.exception_handler(JobFailed)
    async def _job_failed(request: Request, exc: JobFailed) -> Response:
        if wants_html(request):
            return page(request, "error.html", exc.status, title="Cannot do that", message=str(exc))
        return JSONResponse({"detail": str(exc)}, status_code=exc.status)

    @app.exception_handler(StratagemError)
    async def _user_error(request: Request, exc: StratagemError) -> Response:
        if wants_html(request):
            return page(request, "error.html", 400, title="Cannot do that", message=str(exc))
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if wants_html(request) and exc.status_code in (403, 404, 405, 413):
            return page(request, "error.html", exc.status_code, title=f"Error {exc.status_code}",
                        message=str(exc.detail))
        return JSONResponse({"detail": str(exc.detail)}, status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))} for e in exc.errors()]
        if wants_html(request):
            return page(request, "error.html", 422, title="Invalid request",
                        message="; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors))
        return JSONResponse({"detail": errors}, status_code=422)

    # -- static assets (a fixed list: no request path reaches the file system) ---------
    @app.get("/static/plotly.min.js", include_in_schema=False)
    def _plotly() -> Response:
        return Response(plotly_js(), media_type="text/javascript",
                        headers={"cache-control": "public, max-age=86400"})

    @app.get("/static/app.js", include_in_schema=False)
    def _appjs() -> Response:
        return Response(BOOT_JS + "\n" + _app_js(), media_type="text/javascript")

    @app.get("/static/style.css", include_in_schema=False)
    def _css() -> Response:
        return Response(stylesheet(), media_type="text/css")

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def api_docs(request: Request) -> HTMLResponse:
        """The API's documentation, made from /openapi.json on the server (no CDN, works offline)."""
        return page(request, "api_docs.html", **apidocs.docs_context(app.openapi()))

    # -- pages -------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(request: Request) -> HTMLResponse:
        with open_ws() as ws:
            scenarios = state.list_scenarios(ws)
            n_docs = len(ws.documents())
        return page(request, "index.html", scenarios=scenarios, n_docs=n_docs, workspace=str(ws_path))

    def scenario_context(ws: Workspace, sid: str) -> dict[str, Any]:
        sc, version = state.current(ws, sid)
        evidence = resolve_evidence(sc, workspace=ws, documents=doc_dirs)
        stored = {d.id for d in ws.documents()}
        figures = {f"map-{i.id}": charts.actor_map(sc, i) for i in sc.issues}
        return {"sc": sc, "scenario_version": version, "rows": build.stance_rows(sc, evidence),
                "figures": figures, "versions": list(reversed(ws.scenario_versions(sid))),
                "undo_to": state.undo_target(ws, sid), "stored_docs": stored, "engines": list(ENGINES),
                "recommended": RECOMMENDED,
                "default_ensemble": list(build.DEFAULT_ENSEMBLE_ENGINES), "n_drafts": len(ws.drafts(sid)),
                "builtin_differs": roundtrip.builtin_differs(sid, sc)}

    @app.get("/scenarios/{sid}", response_class=HTMLResponse, include_in_schema=False)
    def scenario_page(request: Request, sid: IdParam, saved: int | None = None) -> HTMLResponse:
        with open_ws() as ws:
            ctx = scenario_context(ws, sid)
        return page(request, "scenario.html", saved=saved, **ctx)

    def stance_of(sc: Scenario, actor: str, issue: str) -> Any:
        stance = next((s for s in sc.stances if s.actor == actor and s.issue == issue), None)
        if stance is None:
            raise state.NotFound(f"'{sc.id}' has no stance of '{actor}' on '{issue}'")
        return stance

    @app.get("/scenarios/{sid}/stances/{actor}/{issue}", response_class=HTMLResponse, include_in_schema=False)
    def stance_form(request: Request, sid: IdParam, actor: IdParam, issue: IdParam) -> HTMLResponse:
        with open_ws() as ws:
            sc, version = state.current(ws, sid)
        st = stance_of(sc, actor, issue)
        values = {"position": f"{st.position:g}", "salience": f"{st.salience:g}", "note": st.note,
                  "position_low": f"{st.position_range.low:g}" if st.position_range else "",
                  "position_high": f"{st.position_range.high:g}" if st.position_range else "",
                  "salience_low": f"{st.salience_range.low:g}" if st.salience_range else "",
                  "salience_high": f"{st.salience_range.high:g}" if st.salience_range else ""}
        return page(request, "stance.html", sc=sc, stance=st, actor=sc.actor(actor), issue=sc.issue(issue),
                    values=values, errors={}, scenario_version=version)

    @app.post("/scenarios/{sid}/stances/{actor}/{issue}", response_class=HTMLResponse, include_in_schema=False,
              dependencies=[Depends(require_csrf)])
    async def stance_submit(request: Request, sid: IdParam, actor: IdParam, issue: IdParam) -> Response:
        form = await request.form()
        values = {k: str(form.get(k, ""))[:4000] for k in
                  ("position", "salience", "position_low", "position_high", "salience_low", "salience_high", "note")}
        with open_ws() as ws:
            sc, version = state.current(ws, sid)
            st = stance_of(sc, actor, issue)
            try:
                update = state.parse_stance_form(values)
                new_version = state.edit_stance(ws, sid, actor, issue, update)
            except state.FieldErrors as exc:
                return page(request, "stance.html", 422, sc=sc, stance=st, actor=sc.actor(actor),
                            issue=sc.issue(issue), values=values, errors=exc.errors, scenario_version=version)
        return RedirectResponse(f"/scenarios/{sid}?saved={new_version}#stance-{actor}-{issue}", status_code=303)

    @app.post("/scenarios/{sid}/undo", include_in_schema=False, dependencies=[Depends(require_csrf)])
    def undo_submit(sid: IdParam) -> Response:
        with open_ws() as ws:
            version = state.undo(ws, sid)
        return RedirectResponse(f"/scenarios/{sid}?saved={version}", status_code=303)

    @app.post("/scenarios/{sid}/versions/{version}/restore", include_in_schema=False,
              dependencies=[Depends(require_csrf)])
    def restore_submit(sid: IdParam, version: Annotated[int, PathParam(ge=1, le=10**9)]) -> Response:
        with open_ws() as ws:
            new = state.restore(ws, sid, version)
        return RedirectResponse(f"/scenarios/{sid}?saved={new}", status_code=303)

    @app.get("/documents", response_class=HTMLResponse, include_in_schema=False)
    def documents_page(request: Request, uploaded: str | None = Query(default=None, max_length=200)) -> HTMLResponse:
        with open_ws() as ws:
            docs = ws.documents()
        return page(request, "documents.html", docs=docs, uploaded=uploaded,
                    max_upload=MAX_UPLOAD_BYTES, suffixes=sorted(DOCUMENT_SUFFIXES))

    @app.get("/documents/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(request: Request, doc_id: DocIdParam,
                      view: Annotated[str, Query(pattern="^(clean|source)$")] = "clean",
                      start: Annotated[int | None, Query(ge=0, le=10**9)] = None,
                      end: Annotated[int | None, Query(ge=0, le=10**9)] = None) -> HTMLResponse:
        with open_ws() as ws:
            doc = ws.document(doc_id)
            if doc is None:
                raise state.NotFound(f"no document '{doc_id}' in the workspace")
            records = ws.evidence(document=doc_id)
            words = {e.id: resolve_citation(e, [ws.document_text]).words or "" for e in records}
            source = ws.document_text(doc_id, "source") if view == "source" else None
            raw = (ws.raw_bytes(doc_id) or b"") if view == "source" and source is None else b""
        if view == "source":  # the text that offsets: source index (undecodable bytes shown replaced)
            text = source.text if source is not None else raw.decode(doc.encoding or "utf-8", errors="replace")
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            spans = []
        else:
            text = doc.cleaned
            ordered = sorted(records, key=lambda e: (_KIND_ORDER.get(e.kind, 3), e.end - e.start, e.start))
            spans = [(e.start, e.end, e.id, _span_title(e)) for e in ordered]
        focus = None
        if start is not None and end is not None and start < end <= len(text):
            spans = [(start, end, "focus", "cited span"), *spans]
            focus = "focus"
        return page(request, "document.html", doc=doc, records=records, view=view, focus=focus,
                    segments=highlight_segments(text, spans), words=words)

    @app.post("/documents", include_in_schema=False, dependencies=[Depends(require_csrf)])
    async def upload_page(file: Annotated[UploadFile, File()],
                          scenario: Annotated[str, Form(max_length=80)] = "",
                          on_conflict: Annotated[str, Form(pattern="^(ask|keep-both)$")] = "ask") -> Response:
        result = await _store_upload(file, scenario or None, on_conflict)
        if result.kind == "scenario":
            return RedirectResponse(f"/scenarios/{result.id}?saved={result.version}", status_code=303)
        return RedirectResponse(f"/documents/{result.id}", status_code=303)

    @app.get("/scenarios/{sid}/drafts", response_class=HTMLResponse, include_in_schema=False)
    def drafts_page(request: Request, sid: IdParam) -> HTMLResponse:
        with open_ws() as ws:
            sc, _ = state.current(ws, sid)
            drafts = ws.drafts(sid)
            left_out = ws.evidence_as_of(sc).message()
        return page(request, "drafts.html", sc=sc, drafts=drafts, names={a.id: a.name for a in sc.actors},
                    issues={i.id: i.name for i in sc.issues}, left_out=left_out)

    @app.post("/scenarios/{sid}/drafts", include_in_schema=False, dependencies=[Depends(require_csrf)])
    def drafts_make(sid: IdParam) -> Response:
        with open_ws() as ws:
            sc, _ = state.current(ws, sid)
            ws.draft_scenario(sc)
        return RedirectResponse(f"/scenarios/{sid}/drafts", status_code=303)

    @app.post("/scenarios/{sid}/drafts/{draft_id}", include_in_schema=False, dependencies=[Depends(require_csrf)])
    def drafts_decide(sid: IdParam, draft_id: Annotated[str, PathParam(max_length=300)],
                      decision: Annotated[str, Form(pattern="^(accept|reject)$")]) -> Response:
        with open_ws() as ws:
            _decide(ws, sid, draft_id, decision == "accept")
        return RedirectResponse(f"/scenarios/{sid}/drafts#draft-{draft_id}", status_code=303)

    def _decide(ws: Workspace, sid: str, draft_id: str, accepted: bool) -> Any:
        state.current(ws, sid)
        if not any(d.id == draft_id for d in ws.drafts(sid)):
            raise state.NotFound(f"'{sid}' has no draft '{draft_id}'")
        if accepted:  # the stance and its evidence go into a new version (stratagem.web.editing.accept_draft)
            return editing.accept_draft(ws, sid, draft_id)
        return ws.decide_draft(draft_id, accepted)

    # -- uploads -----------------------------------------------------------------------
    async def _store_upload(file: UploadFile, scenario_id: str | None = None, on_conflict: str = "ask") -> UploadOut:
        name = Path(file.filename or "").name  # the client's name is only a label; never a path here
        suffix = Path(name).suffix.lower()
        if suffix not in DOCUMENT_SUFFIXES and suffix not in SCENARIO_SUFFIXES:
            raise HTTPException(415, f"unsupported file type '{suffix or name}': upload "
                                     f"{', '.join(sorted(DOCUMENT_SUFFIXES))} documents or .yaml scenarios")
        raw = await file.read(MAX_UPLOAD_BYTES + 1)
        if len(raw) > MAX_UPLOAD_BYTES:
            raise HTTPException(413, f"file larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MiB")
        if suffix in SCENARIO_SUFFIXES:  # never buries an edit: see stratagem.web.roundtrip
            sc, text = await in_worker(tasks.parse_scenario, raw, name, time_limit=time_limits.upload)

            def import_it() -> roundtrip.ImportOutcome:
                with open_ws() as ws:
                    return roundtrip.import_scenario(ws, sc, text, name or "upload.yaml",
                                                     "keep-both" if on_conflict == "keep-both" else "ask")

            out = await run_in_threadpool(import_it)
            return UploadOut(kind="scenario", id=out.scenario, created=out.created, version=out.version, kept=out.kept)
        stem = re.sub(r"[^A-Za-z0-9_.\-]+", "-", Path(name).stem).strip("-.")[:60] or "upload"
        doc = await in_worker(tasks.ingest, raw, name, DOCUMENT_SUFFIXES[suffix],
                              f"{stem}-{hashlib.sha256(raw).hexdigest()[:12]}", time_limit=time_limits.upload)

        def prepare() -> tuple[Scenario | None, str, str, UploadOut | None]:
            with open_ws() as ws:
                linked = state.current(ws, scenario_id)[0] if scenario_id else None
                options = extraction_options(load_gazetteer(scenario=linked), linked, None)
                existing = ws.document_id_for_hash(doc.content_hash)
                if existing is not None:  # the same bytes again: re-extract only when the scenario link changed
                    stored = ws.document(existing)
                    if ws.document_meta(existing)[1] == options and stored is not None:
                        return linked, options, existing, UploadOut(kind="document", id=existing, created=False,
                                                                    n_evidence=stored.n_evidence)
                return linked, options, existing or doc.id, None

        linked, options, doc_id, unchanged = await run_in_threadpool(prepare)
        if unchanged is not None:
            return unchanged
        records = await in_worker(tasks.extract_evidence, doc, linked, doc_id, time_limit=time_limits.upload)

        def store() -> UploadOut:
            with open_ws() as ws:
                result = ws.add_document(dataclasses.replace(doc, id=doc_id), records, options=options)
            return UploadOut(kind="document", id=result.document_id, created=result.created,
                             n_evidence=result.n_evidence, updated=result.updated)

        return await run_in_threadpool(store)

    # -- JSON API ----------------------------------------------------------------------
    @app.get("/api/engines", tags=["engines"])
    def api_engines() -> list[dict[str, Any]]:
        return clean([{"name": s.name, "summary": s.summary, "iterative": s.iterative,
                       "parameters": [{"name": p.name, "default": p.default, "help": p.help} for p in s.parameters]}
                      for s in ENGINES.values()])

    @app.get("/api/scenarios", tags=["scenarios"])
    def api_scenarios() -> list[dict[str, Any]]:
        with open_ws() as ws:
            return [s.to_dict() for s in state.list_scenarios(ws)]

    @app.get("/api/scenarios/{sid}", tags=["scenarios"], responses=_ERRORS)
    def api_scenario(sid: IdParam, version: Annotated[int | None, Query(ge=1, le=10**9)] = None) -> dict[str, Any]:
        with open_ws() as ws:
            if version is None:
                sc, v = state.current(ws, sid)
            else:
                state.current(ws, sid)
                loaded = ws.load_scenario_version(sid, version)
                if loaded is None:
                    raise state.NotFound(f"'{sid}' has no version {version}")
                sc, v = loaded, version
        return clean({"version": v, "scenario": sc.model_dump(mode="json")})

    @app.get("/api/scenarios/{sid}/versions", tags=["scenarios"], responses=_ERRORS)
    def api_versions(sid: IdParam) -> list[VersionOut]:
        with open_ws() as ws:
            return [VersionOut(version=v.version, parent=v.parent, note=v.note, created_at=v.created_at)
                    for v in state.versions(ws, sid)]

    @app.put("/api/scenarios/{sid}/stances/{actor}/{issue}", tags=["scenarios"], responses=_ERRORS,
             dependencies=[Depends(require_csrf)])
    def api_edit_stance(sid: IdParam, actor: IdParam, issue: IdParam, update: state.StanceUpdate) -> SavedOut:
        with open_ws() as ws:
            return SavedOut(scenario=sid, version=state.edit_stance(ws, sid, actor, issue, update))

    @app.post("/api/scenarios/{sid}/undo", tags=["scenarios"], responses=_ERRORS,
              dependencies=[Depends(require_csrf)])
    def api_undo(sid: IdParam) -> SavedOut:
        with open_ws() as ws:
            return SavedOut(scenario=sid, version=state.undo(ws, sid))

    @app.post("/api/scenarios/{sid}/forecast", tags=["runs"], responses=_ERRORS,
              dependencies=[Depends(require_csrf)])
    async def api_forecast(sid: IdParam, req: RunRequest | None = None) -> dict[str, Any]:
        """Run every requested engine once and answer with the result (in a worker: the server stays free)."""
        req = req or RunRequest()

        def load() -> Scenario:
            with open_ws() as ws:
                sc, _ = state.current(ws, sid)
            check_request(sc, req)
            return sc

        sc = await run_in_threadpool(load)
        result: dict[str, Any] = await in_worker(tasks.forecast, sc, req.model_copy(update={"kind": "forecast"}),
                                                 time_limit=time_limits.forecast)
        return result

    @app.post("/api/scenarios/{sid}/jobs", tags=["runs"], status_code=202, responses=_ERRORS,
              dependencies=[Depends(require_csrf)])
    def api_submit_job(sid: IdParam, req: RunRequest) -> JobOut:
        """Start a forecast or an ensemble in the background; poll /api/jobs/{id} for progress,
        DELETE it to cancel. Forecasts go in a lane of their own, so they are not stuck behind ensembles."""
        with open_ws() as ws:
            sc, _ = state.current(ws, sid)
        check_request(sc, req)
        if req.draws > max_draws:
            raise StratagemError(f"draws: at most {max_draws} on this server")
        if req.kind == "forecast":
            job = jobs.submit("forecast", sc, tasks.forecast, sc, req, lane="short", time_limit=time_limits.forecast)
        else:
            job = jobs.submit("ensemble", sc, tasks.ensemble, sc, req, lane="long", time_limit=time_limits.ensemble)
        return JobOut(**job.to_dict(with_result=False))

    @app.get("/api/jobs/{job_id}", tags=["runs"], responses=_ERRORS)
    def api_job(job_id: JobIdParam) -> JobOut:
        job = jobs.get(job_id)
        if job is None:
            raise state.NotFound(f"no job '{job_id}'")
        return JobOut(**job.to_dict(with_result=job.state == "done"))

    @app.delete("/api/jobs/{job_id}", tags=["runs"], responses=_ERRORS, dependencies=[Depends(require_csrf)])
    def api_cancel_job(job_id: JobIdParam) -> JobOut:
        """Cancel a queued or running job (a running one's worker is stopped and replaced);
        a finished job is removed from the server's store."""
        job = jobs.cancel(job_id)
        if job is None:
            raise state.NotFound(f"no job '{job_id}'")
        return JobOut(**job.to_dict(with_result=False))

    @app.get("/api/documents", tags=["documents"])
    def api_documents() -> list[DocumentOut]:
        with open_ws() as ws:
            return [_doc_out(d) for d in ws.documents()]

    @app.get("/api/documents/{doc_id}", tags=["documents"], responses=_ERRORS)
    def api_document(doc_id: DocIdParam) -> DocumentDetailOut:
        with open_ws() as ws:
            doc = ws.document(doc_id)
            if doc is None:
                raise state.NotFound(f"no document '{doc_id}' in the workspace")
            records = ws.evidence(document=doc_id)
            cited = {e.id: resolve_citation(e, [ws.document_text]) for e in records}
        base = _doc_out(doc)
        return DocumentDetailOut(**base.model_dump(), text=doc.cleaned, evidence=[
            SpanOut(id=e.id, kind=e.kind, start=e.start, end=e.end, speaker=e.speaker, actor=e.actor, issue=e.issue,
                    date=e.date.isoformat() if e.date else None, text=cited[e.id].words or "",
                    status=cited[e.id].status) for e in records])

    @app.post("/api/documents", tags=["documents"], status_code=201, responses={
        **_ERRORS, 413: {"model": ErrorOut, "description": "file too large"},
        415: {"model": ErrorOut, "description": "unsupported file type"}}, dependencies=[Depends(require_csrf)])
    async def api_upload(file: Annotated[UploadFile, File(description="a .txt/.html document or a .yaml scenario")],
                         scenario: Annotated[str, Form(max_length=80, description="link evidence to this "
                                                       "scenario's issues and actors")] = "",
                         on_conflict: Annotated[str, Form(pattern="^(ask|keep-both)$", description=(
                             "a scenario upload over a version it was not derived from: 'ask' answers 409, "
                             "'keep-both' stores it as the next version (the edit stays in the history)"))] = "ask"
                         ) -> UploadOut:
        return await _store_upload(file, scenario or None, on_conflict)

    @app.get("/api/scenarios/{sid}/drafts", tags=["drafts"], responses=_ERRORS)
    def api_drafts(sid: IdParam) -> list[dict[str, Any]]:
        with open_ws() as ws:
            state.current(ws, sid)
            return clean([d.to_dict() for d in ws.drafts(sid)])

    @app.post("/api/scenarios/{sid}/drafts/{draft_id}/decision", tags=["drafts"], responses=_ERRORS,
              dependencies=[Depends(require_csrf)])
    def api_decide(sid: IdParam, draft_id: Annotated[str, PathParam(max_length=300)], body: DecisionIn
                   ) -> dict[str, Any]:
        with open_ws() as ws:
            return clean(_decide(ws, sid, draft_id, body.accepted).to_dict())

    roundtrip.install(app, open_ws=open_ws, page=page, wants_html=wants_html, max_bytes=MAX_UPLOAD_BYTES)
    editing.install(app, open_ws=open_ws, page=page)
    return app


def _doc_out(d: Any) -> DocumentOut:
    return DocumentOut(id=d.id, title=d.title, date=d.date.isoformat() if d.date else None, media_type=d.media_type,
                       url=d.url, n_evidence=d.n_evidence, characters=len(d.cleaned), date_source=d.date_source,
                       date_guessed=d.date_guessed)


def _span_title(e: Evidence) -> str:
    who = e.speaker or e.actor or ""
    return " · ".join(p for p in (e.kind, who, e.issue or "", e.date.isoformat() if e.date else "") if p)


