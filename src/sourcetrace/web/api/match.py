"""``POST /match/{dataset}``: yente's matching API, answered by sourcetrace's matcher.

The matcher over the bundled lists is built once at start-up; each query's names (``name``,
``alias``, ...) are matched and the best score per listed entity is kept.

The answer is built as plain data and written with orjson: its shape is
:class:`~sourcetrace.web.api.models.EntityMatchResponse`, which documents it in the OpenAPI
schema, but validating the answer against the model on the way out cost more CPU than the match.
"""

from __future__ import annotations

from typing import Annotated, Any

import orjson
import pydantic_core
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from sourcetrace.matching.score import ALGORITHM
from sourcetrace.model import Decision, Hit, ListedEntity, NameKind
from sourcetrace.web.api.models import (
    EntityExample,
    EntityMatchQuery,
    EntityMatchResponse,
    FeatureDoc,
)
from sourcetrace.web.security import ApiViewer
from sourcetrace.web.state import AppState, app_state

router = APIRouter(tags=["Matching"])

NAME_PROPS = ("name", "alias", "previousName", "weakAlias")
ID_PROPS = ("registrationNumber", "taxNumber", "uniqueEntityId", "innCode", "idNumber")
ORG_SCHEMAS = {"Company", "Organization", "PublicBody"}
ANY_SCHEMAS = {"LegalEntity", "Thing"}
PERSON_SCHEMAS = {"Person"}
MAX_QUERIES = 100
"""Queries per request: yente's own default batch limit (its ``YENTE_MAX_BATCH``)."""
MAX_LOOKUPS_PER_QUERY = 100
"""Names times identifiers in one query (each pair is one matcher lookup, ~0.1 ms)."""
MAX_LOOKUPS = 1000
"""Lookups in one request, all queries together: about a tenth of a second of CPU."""
MAX_VALUE_CHARS = 500
"""Characters in one name or identifier (the longest listed name has under 200)."""
INLINE_LOOKUPS = 8
"""Requests needing at most this many lookups (names times identifiers, about 0.1 ms each) are
matched on the event loop; larger ones on a worker thread, so that they hold up no other request."""
ALGORITHMS = {ALGORITHM, "best", "default"}
FEATURE = ALGORITHM.replace("-", "_")
FEATURES: dict[str, FeatureDoc] = {
    FEATURE: FeatureDoc(
        description="sourcetrace's name score: trade name, industry and region words, across "
        "Chinese characters, pinyin and English (see the reasons in 'detail').",
        coefficient=1.0,
        url="",
    ),
    "identifier_match": FeatureDoc(
        description="A valid Unified Social Credit Code equal on both sides.",
        coefficient=1.0,
        url="",
    ),
}
MATCHER = {key: doc.model_dump() for key, doc in FEATURES.items()}


def _values(example: EntityExample, prop: str) -> list[str]:
    raw = example.properties.get(prop, [])
    values = raw if isinstance(raw, list) else [raw]
    return [str(v).strip() for v in values if isinstance(v, str | int | float) and str(v).strip()]


def _lookups(example: EntityExample) -> int:
    """How many matcher lookups the example asks for, at most (before empty values are dropped)."""

    def count(props: tuple[str, ...]) -> int:
        values = [example.properties[p] for p in props if p in example.properties]
        return sum(len(v) if isinstance(v, list) else 1 for v in values)

    return max(1, count(NAME_PROPS)) * max(1, count(ID_PROPS))


def _check_size(key: str, example: EntityExample) -> None:
    """Refuse (400) a query with too many name x identifier pairs or an over-long value."""
    lookups = _lookups(example)
    if lookups > MAX_LOOKUPS_PER_QUERY:
        raise HTTPException(
            status_code=400,
            detail=f"query {key!r}: its names times its identifiers make {lookups} pairs to "
            f"match; at most {MAX_LOOKUPS_PER_QUERY} per query",
        )
    for prop in (*NAME_PROPS, *ID_PROPS):
        for value in _values(example, prop):
            if len(value) > MAX_VALUE_CHARS:
                raise HTTPException(
                    status_code=400,
                    detail=f"query {key!r}: a {prop} of {len(value)} characters; "
                    f"at most {MAX_VALUE_CHARS}",
                )


def _compatible(query_schema: str, entity: ListedEntity) -> bool:
    if query_schema in ANY_SCHEMAS:
        return True
    if query_schema in PERSON_SCHEMAS:
        return entity.schema == "Person"
    return entity.schema != "Person"


def _properties(entity: ListedEntity) -> dict[str, list[str]]:
    props: dict[str, list[str]] = {}
    kinds = {
        NameKind.NAME: "name",
        NameKind.ALIAS: "alias",
        NameKind.PREVIOUS: "previousName",
        NameKind.WEAK: "weakAlias",
    }
    for name in entity.names:
        props.setdefault(kinds[name.kind], []).append(name.value)
    if entity.countries:
        props["country"] = list(entity.countries)
    if entity.identifiers:
        props["registrationNumber"] = list(entity.identifiers)
    if entity.topics:
        props["topics"] = list(entity.topics)
    urls = [x.source_url for x in entity.listings if x.source_url]
    if urls:
        props["sourceUrl"] = list(dict.fromkeys(urls))
    programs = [x.list_name + (f" {x.section}" if x.section else "") for x in entity.listings]
    if programs:
        props["program"] = list(dict.fromkeys(programs))
    return {k: list(dict.fromkeys(v)) for k, v in props.items()}


def match_one(st: AppState, example: EntityExample, dataset: str) -> list[Hit]:
    """Every listed entity the example's names or identifiers find, best first."""
    names = [v for p in NAME_PROPS for v in _values(example, p)]
    identifiers = [v for p in ID_PROPS for v in _values(example, p)] or [""]
    best: dict[str, Hit] = {}
    for name in names or [""]:
        for identifier in identifiers:
            if not name and not identifier:
                continue
            for hit in st.matcher.match(name, identifier):
                if dataset != "default" and hit.entity.dataset != dataset:
                    continue
                if not _compatible(example.schema_, hit.entity):
                    continue
                prev = best.get(hit.entity.id)
                if prev is None or (hit.decision.rank, hit.score) > (
                    prev.decision.rank,
                    prev.score,
                ):
                    best[hit.entity.id] = hit
    ranked = sorted(best.values(), key=lambda h: (-h.decision.rank, -h.score, h.entity.id))
    return ranked


def scored(hit: Hit, threshold: float | None) -> dict[str, Any]:
    """One result as :class:`~sourcetrace.web.api.models.ScoredEntityResponse` has it."""
    e = hit.entity
    by_id = any(r.startswith("USCC ") for r in hit.reasons)
    score = round(hit.score, 4)
    features = {FEATURE: score}
    explanations = {FEATURE: {"score": score, "detail": "; ".join(hit.reasons)}}
    if by_id:
        features["identifier_match"] = 1.0
        explanations["identifier_match"] = {"score": 1.0, "detail": hit.reasons[0]}
    match = hit.decision is Decision.MATCH if threshold is None else hit.score >= threshold
    return {
        "id": e.id,
        "caption": e.caption,
        "schema": e.schema,
        "properties": _properties(e),
        "datasets": [e.dataset] if e.dataset else [],
        "referents": [],
        "target": True,
        "first_seen": None,
        "last_seen": None,
        "last_change": None,
        "score": score,
        "features": features,
        "explanations": explanations,
        "match": match,
        "decision": hit.decision.value,
    }


def answer(
    st: AppState,
    body: EntityMatchQuery,
    dataset: str,
    *,
    limit: int,
    threshold: float | None,
    cutoff: float,
) -> bytes:
    """The JSON of the :class:`~sourcetrace.web.api.models.EntityMatchResponse` to ``body``."""
    responses: dict[str, Any] = {}
    for key, example in body.queries.items():
        hits = [h for h in match_one(st, example, dataset) if h.score >= cutoff]
        responses[key] = {
            "status": 200,
            "results": [scored(h, threshold) for h in hits[:limit]],
            "total": {"value": len(hits), "relation": "eq"},
            "query": example.model_dump(mode="json", by_alias=True),
        }
    data = {"responses": responses, "matcher": MATCHER, "limit": limit}
    try:
        return orjson.dumps(data)
    except orjson.JSONEncodeError:  # an echoed integer beyond 64 bits, say
        return pydantic_core.to_json(data, inf_nan_mode="null")


@router.post(
    "/match/{dataset}",
    response_model=EntityMatchResponse,
    response_model_by_alias=True,
    summary="Match entities (yente-compatible)",
)
async def match(
    request: Request,
    dataset: str,
    body: EntityMatchQuery,
    _user: ApiViewer,
    limit: Annotated[int, Query(ge=1, le=500, description="Results per query")] = 5,
    threshold: Annotated[
        float | None,
        Query(
            ge=0.0,
            le=1.0,
            description="Score at or above which `match` is true; default: sourcetrace's own decision",
        ),
    ] = None,
    cutoff: Annotated[
        float, Query(ge=0.0, le=1.0, description="Leave out results scoring below this")
    ] = 0.0,
    algorithm: Annotated[str, Query(description=f"Only {ALGORITHM} (or best/default)")] = "default",
) -> Response:
    """Match each query entity against the lists, as yente's ``/match/{dataset}`` does.

    ``dataset`` is ``default`` (every bundled list) or one list's name. Authenticate with
    ``Authorization: ApiKey <key>`` or a logged-in session.
    """
    st = app_state(request)  # not a StateDep: each dependency costs FastAPI time per request
    datasets = {"default", *(x.name for x in st.lists)}
    if dataset not in datasets:
        raise HTTPException(
            status_code=404, detail=f"unknown dataset {dataset!r}; use one of {sorted(datasets)}"
        )
    if algorithm not in ALGORITHMS:
        raise HTTPException(
            status_code=400, detail=f"unknown algorithm {algorithm!r}; this server has {ALGORITHM}"
        )
    if len(body.queries) > MAX_QUERIES:
        raise HTTPException(
            status_code=400,
            detail=f"{len(body.queries)} queries: at most {MAX_QUERIES} per request; "
            "send the rest in further requests",
        )
    known = ORG_SCHEMAS | ANY_SCHEMAS | PERSON_SCHEMAS
    total = 0
    for key, example in body.queries.items():
        if example.schema_ not in known:
            raise HTTPException(
                status_code=400,
                detail=f"query {key!r}: schema {example.schema_!r} cannot be matched; use one of {sorted(known)}",
            )
        _check_size(key, example)
        total += _lookups(example)
    if total > MAX_LOOKUPS:
        raise HTTPException(
            status_code=400,
            detail=f"the queries ask for {total} name and identifier pairs: at most "
            f"{MAX_LOOKUPS} per request; send fewer queries per request",
        )

    args = (st, body, dataset)
    options: dict[str, Any] = {"limit": limit, "threshold": threshold, "cutoff": cutoff}
    if sum(_lookups(e) for e in body.queries.values()) <= INLINE_LOOKUPS:
        content = answer(*args, **options)
    else:
        content = await run_in_threadpool(answer, *args, **options)
    return Response(content, media_type="application/json")
