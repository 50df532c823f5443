"""Downloads of a job: results as CSV, the report as PDF, and the evidence pack as ZIP."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from sourcetrace.errors import OutputError
from sourcetrace.web.pdf import PrinterBusy, html_to_pdf, printer_missing
from sourcetrace.web.routes.jobs import load_job
from sourcetrace.web.routes.reports import report_context
from sourcetrace.web.security import Viewer
from sourcetrace.web.state import HERE, AppState, ItemId, StateDep
from sourcetrace.workspace import audit
from sourcetrace.workspace.evidence import evidence_pack, results_csv
from sourcetrace.workspace.jobs import uploaded_file
from sourcetrace.workspace.queue import review_items

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


def standalone_report(request: Request, st: AppState, context: dict[str, Any]) -> str:
    """The report as a file of its own: styles inlined, no script, nothing to fetch.

    The print styles (page numbers, running header, contents with page numbers) come after the
    screen ones, so the PDF and a browser's print of the evidence pack's report both use them."""
    css = "\n".join(
        (HERE / "static" / name).read_text("utf-8") for name in ("app.css", "print.css")
    )
    page = {**context, "request": request, "standalone": True, "css": css, "user": None}
    return st.templates.get_template("report.html").render({**page, "lists_used": st.lists})


@router.get("/jobs/{job_id}/results.csv")
def results_download(job_id: ItemId, _user: Viewer, st: StateDep) -> Response:
    job = load_job(st, job_id)
    text = results_csv(job, review_items(st.engine, job))
    # A byte-order mark so that spreadsheet programs read the Chinese names as UTF-8.
    return Response(
        "\ufeff" + text,
        media_type="text/csv; charset=utf-8",
        headers=_attachment(f"sourcetrace-job-{job.id}.csv"),
    )


@router.get("/jobs/{job_id}/report.pdf")
def report_pdf(request: Request, job_id: ItemId, _user: Viewer, st: StateDep) -> Response:
    missing = printer_missing()
    if missing:
        raise HTTPException(
            status_code=501, detail=f"{missing}; print the report page from your browser instead"
        )
    job = load_job(st, job_id)
    try:
        pdf = html_to_pdf(standalone_report(request, st, report_context(st, job)))
    except PrinterBusy as exc:
        raise HTTPException(
            status_code=503, detail=exc.line(), headers={"Retry-After": "30"}
        ) from None
    except OutputError as exc:
        raise HTTPException(status_code=500, detail=exc.line()) from None
    return Response(
        pdf, media_type="application/pdf", headers=_attachment(f"sourcetrace-job-{job.id}.pdf")
    )


@router.get("/jobs/{job_id}/evidence.zip")
def evidence_download(request: Request, job_id: ItemId, _user: Viewer, st: StateDep) -> Response:
    job = load_job(st, job_id)
    context = report_context(st, job)
    html = standalone_report(request, st, context)
    extra: dict[str, bytes] = {}
    if printer_missing() is None:
        try:
            extra["report.pdf"] = html_to_pdf(html)
        except OutputError:
            log.warning("evidence pack of job %s made without its PDF", job.id, exc_info=True)
    data = evidence_pack(
        job, context["items"], context["trail"], html, context["generated_at"], extra,
        uploaded_file(st.engine, job.id), head=audit.head(st.engine),
    )  # fmt: skip
    return Response(
        data, media_type="application/zip", headers=_attachment(f"sourcetrace-job-{job.id}.zip")
    )
