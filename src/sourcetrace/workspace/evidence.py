"""What a job's record is made of outside the workspace: a results CSV and an evidence pack (ZIP).

The pack holds the report, the results with decisions, the decisions and their audit entries (with
their hashes), the lists used, the audit log's head when the pack was made (``audit-head.txt``, also
in the README: keep it, and ``sourcetrace audit verify --expect`` shows later whether the log was
cut or rewritten since), and a ``SHA256SUMS`` file over everything in it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from sourcetrace.workspace.audit import AuditEntry, Head
from sourcetrace.workspace.jobs import Job
from sourcetrace.workspace.queue import ReviewItem

CSV_COLUMNS: tuple[str, ...] = (
    "row", "name", "address", "country", "identifier", "decision", "score", "entity_id",
    "entity_name", "matched_name", "lists", "reasons", "signals", "review", "review_by",
    "review_at", "review_comment", "signal_review", "signal_review_comment",
)  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    # A name like "=HYPERLINK(...)" must stay text when the CSV is opened in a spreadsheet.
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def result_rows(job: Job, items: Iterable[ReviewItem]) -> list[dict[str, Any]]:
    """One dict per input row, in input order, with the review decisions that stand on it.

    ``review`` and its ``review_*`` columns are about the row's hit ("" when it has none);
    ``signal_review`` says, per kind of signal, what was decided ("location lead: cleared") and
    ``signal_review_comment`` why. Then come the file's own columns, as they were.
    """
    by_row: dict[int, list[ReviewItem]] = {}
    for i in items:
        by_row.setdefault(int(i.row["row"]), []).append(i)
    out: list[dict[str, Any]] = []
    for r in job.results:
        hit = r.get("hit") or {}
        found = by_row.get(int(r["row"]), [])
        item = next((i for i in found if i.is_hit), None)
        standing = item.decision if item is not None else None
        signals = [i for i in found if not i.is_hit]
        row = {
            "row": r["row"],
            "name": r["name"],
            "address": r.get("address", ""),
            "country": r.get("country", ""),
            "identifier": r.get("identifier", ""),
            "decision": r["decision"],
            "score": r["score"],
            "entity_id": hit.get("entity_id", ""),
            "entity_name": hit.get("caption", ""),
            "matched_name": hit.get("matched_name", ""),
            "lists": "; ".join(
                dict.fromkeys(
                    " ".join(x for x in (lst["list_name"], lst.get("section", "")) if x)
                    for lst in hit.get("listings", [])
                )
            ),
            "reasons": r.get("reasons", ""),
            "signals": "; ".join(r.get("signals", [])),
            # A decision awaiting its second review (four eyes) is not yet in effect: say so.
            "review": (
                f"{standing.decision} (awaiting second review)"
                if standing and standing.awaiting_approval
                else standing.decision
                if standing
                else ("pending" if item is not None else "")
            ),
            "review_by": standing.username if standing else "",
            "review_at": standing.at if standing else "",
            "review_comment": standing.comment if standing else "",
            "signal_review": "; ".join(
                f"{i.label}: {i.decision.decision if i.decision else 'pending'}" for i in signals
            ),
            "signal_review_comment": "; ".join(
                f"{i.label}: {i.decision.comment}"
                for i in signals
                if i.decision is not None and i.decision.comment
            ),
        }
        row.update(_input_cells(job, r))
        out.append(row)
    return out


def input_columns(job: Job) -> list[str]:
    """The file's own other columns as the results name them: as in the file, or ``input_<name>``
    when the name is one of the results' columns (a file's own "decision" column stays apart)."""
    return [f"input_{c}" if c in CSV_COLUMNS else c for c in job.columns.get("extra", [])]


def _input_cells(job: Job, result: dict[str, Any]) -> dict[str, str]:
    values = result.get("input", {})
    names = job.columns.get("extra", [])
    return {shown: values.get(c, "") for shown, c in zip(input_columns(job), names, strict=True)}


def results_csv(job: Job, items: Iterable[ReviewItem]) -> str:
    """The job's results with their review decisions, as CSV text (UTF-8, formulas defused)."""
    buffer = io.StringIO()
    fields = [*CSV_COLUMNS, *input_columns(job)]
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    for row in result_rows(job, items):
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return buffer.getvalue()


def evidence_pack(
    job: Job,
    items: list[ReviewItem],
    trail: list[AuditEntry],
    report_html: str,
    generated_at: str,
    extra: dict[str, bytes] | None = None,
    uploaded: tuple[str, bytes] | None = None,
    head: Head | None = None,
) -> bytes:
    """The evidence pack of a job as ZIP bytes; ``extra`` adds files (e.g. ``report.pdf``),
    ``uploaded`` (name, bytes) the file screened, as ``uploaded/<name>``; ``head`` (the log's
    :func:`~sourcetrace.workspace.audit.head` as the pack is made) is written into
    ``audit-head.txt`` and the README."""
    decisions = [
        {
            "row": i.row["row"],
            "name": i.row["name"],
            "kind": i.kind,
            "entity_id": i.subject,
            "entity_caption": i.hit.get("caption", ""),
            "entity_hash": i.subject_hash,
            "listings": i.hit.get("listings", []),
            "reasons": i.hit.get("reasons", []),
            "signals": i.signals,
            "decision": asdict(i.decision) if i.decision else None,
            "outdated_decision": asdict(i.outdated) if i.outdated else None,
        }
        for i in items
    ]
    files: dict[str, bytes] = {
        "report.html": report_html.encode("utf-8"),
        "results.csv": ("\ufeff" + results_csv(job, items)).encode("utf-8"),
        "decisions.json": _json(decisions),
        "lists.json": _json(job.lists),
        "audit.jsonl": "".join(
            json.dumps(asdict(e), ensure_ascii=False, sort_keys=True) + "\n" for e in trail
        ).encode("utf-8"),
    }
    files.update(extra or {})
    if uploaded is not None:
        files[f"uploaded/{uploaded[0]}"] = uploaded[1]
    if head is not None:
        files["audit-head.txt"] = f"{head.line()}\n".encode()
    files["README.txt"] = _readme(job, items, generated_at, sorted(files), head).encode("utf-8")
    sums = "".join(
        f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items())
    )
    files["SHA256SUMS"] = sums.encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            info = zipfile.ZipInfo(
                f"sourcetrace-job-{job.id}/{name}", date_time=_zip_time(generated_at)
            )
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return buffer.getvalue()


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


def _zip_time(iso: str) -> tuple[int, int, int, int, int, int]:
    date, _, clock = iso.partition("T")
    y, m, d = (int(x) for x in date.split("-"))
    hh, mm, ss = (int(float(x)) for x in clock.rstrip("Z").split(":"))
    return (max(y, 1980), m, d, hh, mm, ss)


def _readme(
    job: Job, items: list[ReviewItem], generated_at: str, names: list[str], head: Head | None
) -> str:
    decided = sum(1 for i in items if not i.pending)
    lists = "\n".join(
        f"  - {x['name']} version {x['version']} ({x['entities']} entities, {x['content_hash']})"
        for x in job.lists
    )
    upload = next((n for n in names if n.startswith("uploaded/")), None)
    pad = " " * 18
    kept = (
        f"  {upload}\n{pad}the file screened, byte for byte (its sha256 is the File hash)\n"
        if upload
        else "  (the file screened was not kept: the job is older than the stored uploads)\n"
    )
    pdf = "  report.pdf      the same report as PDF\n" if "report.pdf" in names else ""
    return f"""sourcetrace evidence pack: job {job.id}

File screened:  {job.filename}
File hash:      {job.file_hash}
Screened:       {job.created_at} by {job.created_by}
Algorithm:      {job.algorithm}
Rows:           {len(job.results)} (match {job.counts.get("match", 0)}, review {job.counts.get("review", 0)}, clear {job.counts.get("clear", 0)})
Decided:        {decided} of {len(items)} hits and signals ("unsure" ones stay open)
Pack made:      {generated_at}
Audit log head: {f"{head.line()} ({head.count} entries)" if head else "not recorded"}

Lists used:
{lists}

Contents:
  report.html     the report: hits, decisions with who and when, lists, sources
{pdf}{kept}  results.csv     every input row with its screening result and review decision,
                  then the file's own other columns
  decisions.json  each hit and signal (location lead, identifier problem) with the listed
                  entity's data hash (or the signals' hash) and the decision that stands
  lists.json      the list versions used, with their content hashes
  audit.jsonl     the audit log entries of this job, with their chain hashes
{"  audit-head.txt  the whole audit log's head (ID:HASH) when this pack was made" + chr(10) if head else ""}  SHA256SUMS      sha256 of every file above: check with `sha256sum -c SHA256SUMS`

The audit entries carry prev_hash and hash: each hash is sha256(prev_hash + canonical JSON of
the entry's id, at, actor, action, subject and details). `sourcetrace audit verify` checks the
whole chain in the store they came from.
"""
