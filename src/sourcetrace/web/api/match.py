"""``POST /match/{dataset}``: yente's matching API, answered by sourcetrace's matcher.

The matcher over the bundled lists is built once at start-up; each query's names (``name``,
``alias``, ...) are matched and the best score per listed entity is kept.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from fastapi.concurrency import run_in_threadpool

from sourcetrace.matching.score import ALGORITHM
from sourcetrace.model import Decision, Hit, ListedEntity, NameKind
from sourcetrace.web.api.models import (
    EntityExample,
    EntityMatches,
    EntityMatchQuery,
    EntityMatchResponse,
    FeatureDoc,
    FeatureResult,
    ScoredEntityResponse,
    TotalSpec,
)
from sourcetrace.web.security import ApiViewer
from sourcetrace.web.state import AppState, StateDep

router = APIRouter(tags=["Matching"])

NAME_PROPS = ("name", "alias", "previousName", "weakAlias")
ID_PROPS = ("registrationNumber", "taxNumber", "uniqueEntityId", "innCode", "idNumber")
ORG_SCHEMAS = {"Company", "Organization", "PublicBody"}
ANY_SCHEMAS = {"LegalEntity", "Thing"}
PERSON_SCHEMAS = {"Person"}
MAX_QUERIES = 1000
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


def _values(example: EntityExample, prop: str) -> list[str]:
    raw = example.properties.get(prop, [])
    values = raw if isinstance(raw, list) else [raw]
    return [str(v).strip() for v in values if isinstance(v, str | int | float) and str(v).strip()]


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


def scored(hit: Hit, threshold: float | None) -> ScoredEntityResponse:
    e = hit.entity
    by_id = any(r.startswith("USCC ") for r in hit.reasons)
    features = {FEATURE: round(hit.score, 4)}
    explanations = {
        FEATURE: FeatureResult(score=round(hit.score, 4), detail="; ".join(hit.reasons))
    }
    if by_id:
        features["identifier_match"] = 1.0
        explanations["identifier_match"] = FeatureResult(score=1.0, detail=hit.reasons[0])
    match = hit.decision is Decision.MATCH if threshold is None else hit.score >= threshold
    return ScoredEntityResponse(
        id=e.id,
        caption=e.caption,
        schema=e.schema,
        properties=_properties(e),
        datasets=[e.dataset] if e.dataset else [],
        score=round(hit.score, 4),
        features=features,
        explanations=explanations,
        match=match,
        decision=hit.decision.value,
    )


@router.post(
    "/match/{dataset}",
    response_model=EntityMatchResponse,
    response_model_by_alias=True,
    summary="Match entities (yente-compatible)",
)
async def match(
    dataset: str,
    body: EntityMatchQuery,
    _user: ApiViewer,
    st: StateDep,
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
) -> EntityMatchResponse:
    """Match each query entity against the lists, as yente's ``/match/{dataset}`` does.

    ``dataset`` is ``default`` (every bundled list) or one list's name. Authenticate with
    ``Authorization: ApiKey <key>`` or a logged-in session.
    """
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
        raise HTTPException(status_code=400, detail=f"at most {MAX_QUERIES} queries per request")
    known = ORG_SCHEMAS | ANY_SCHEMAS | PERSON_SCHEMAS
    for key, example in body.queries.items():
        if example.schema_ not in known:
            raise HTTPException(
                status_code=400,
                detail=f"query {key!r}: schema {example.schema_!r} cannot be matched; use one of {sorted(known)}",
            )

    def run() -> dict[str, EntityMatches]:
        responses: dict[str, EntityMatches] = {}
        for key, example in body.queries.items():
            hits = [h for h in match_one(st, example, dataset) if h.score >= cutoff]
            responses[key] = EntityMatches(
                status=200,
                results=[scored(h, threshold) for h in hits[:limit]],
                total=TotalSpec(value=len(hits), relation="eq"),
                query=example,
            )
        return responses

    responses = await run_in_threadpool(run)
    return EntityMatchResponse(responses=responses, matcher=FEATURES, limit=limit)
