"""Request and response shapes of ``/match``, as yente defines them (EntityMatchQuery, ...)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

MATCHABLE_SCHEMAS = ("Company", "Organization", "PublicBody", "LegalEntity", "Thing", "Person")
"""FollowTheMoney schemas a query may have: organisations, or any legal entity."""


class EntityExample(BaseModel):
    """One entity to match: a FollowTheMoney schema and properties (values as lists)."""

    model_config = ConfigDict(populate_by_name=True)

    id: str | None = Field(None, examples=["my-supplier-1"])
    schema_: str = Field(
        ...,
        alias="schema",
        examples=["Company"],
        # Documented as the schemas that can be matched; others are answered 400 by name.
        json_schema_extra={"enum": list(MATCHABLE_SCHEMAS)},
    )
    # Values are flat, as in FollowTheMoney: a nested list is refused (422), not echoed back
    # (a few hundred levels of nesting once broke the JSON writer: a 500).
    properties: dict[str, str | list[str | int | float | None]] = Field(
        ..., examples=[{"name": ["新疆中泰化学股份有限公司"], "country": ["cn"]}]
    )


class EntityMatchQuery(BaseModel):
    """A batch of entities to match, keyed by the caller's own query names."""

    weights: dict[str, float] = Field({}, description="Accepted for compatibility; not used.")
    queries: dict[str, EntityExample]


class FeatureResult(BaseModel):
    """A feature's value for one result, with the plain-word reason behind it."""

    score: float
    detail: str | None = None


class TotalSpec(BaseModel):
    value: int = Field(..., examples=[1])
    relation: str = Field("eq", examples=["eq"])


class ScoredEntityResponse(BaseModel):
    """A listed entity found for a query, with its score, features and reasons."""

    model_config = ConfigDict(populate_by_name=True)

    id: str
    caption: str
    schema_: str = Field(..., alias="schema")
    properties: dict[str, list[str]]
    datasets: list[str] = []
    referents: list[str] = []
    target: bool = True
    first_seen: str | None = None
    last_seen: str | None = None
    last_change: str | None = None
    score: float
    features: dict[str, float]
    explanations: dict[str, FeatureResult]
    match: bool = Field(
        description="Whether the result is decided a match (see the threshold parameter)."
    )
    decision: str = Field(description="sourcetrace's own decision: match, review or clear.")


class EntityMatches(BaseModel):
    """The answer to one query."""

    status: int = 200
    results: list[ScoredEntityResponse]
    total: TotalSpec
    query: EntityExample


class FeatureDoc(BaseModel):
    description: str | None
    coefficient: float
    url: str


class EntityMatchResponse(BaseModel):
    """The answers to every query of the batch, keyed as asked."""

    responses: dict[str, EntityMatches]
    matcher: dict[str, FeatureDoc]
    limit: int
