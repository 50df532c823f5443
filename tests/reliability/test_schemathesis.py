"""``/match`` against its own OpenAPI schema: generated requests, valid and not, never get a 500.

Needs ``schemathesis`` (dev extra); skipped without it. Requests go to the app in-process (ASGI),
authenticated with an API key.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

schemathesis = pytest.importorskip("schemathesis")
from schemathesis import GenerationMode

EXAMPLES = 60


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_match_never_answers_500(app: FastAPI, api_key: str, mode: GenerationMode) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operation = schema["/match/{dataset}"]["POST"]
    headers = {"Authorization": f"ApiKey {api_key}"}
    # Half the cases ask the real dataset, so they get past the 404 and reach the matcher.
    datasets = st.sampled_from([None, "default", "uflpa"])
    statuses: list[int] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,  # the same cases every run: a pass or a failure is reproducible
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode), dataset=datasets)
    def check(case: Any, dataset: str | None) -> None:
        if dataset is not None:
            case.path_parameters = {**(case.path_parameters or {}), "dataset": dataset}
        response = case.call(headers=headers)
        statuses.append(response.status_code)
        assert response.status_code < 500, (case.as_curl_command(), response.text[:500])

    check()
    if mode is GenerationMode.POSITIVE:
        assert 200 in statuses, "no generated request reached the matcher"
