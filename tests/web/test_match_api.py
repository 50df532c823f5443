"""``POST /match/{dataset}`` answers in yente's shapes, with an API key or a session."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from sourcetrace.web.state import AppState
from sourcetrace.workspace.accounts import create_api_key, list_api_keys, revoke_api_key

QUERY = {
    "queries": {
        "q1": {
            "schema": "Company",
            "properties": {"name": ["新疆中泰化学股份有限公司"], "country": ["cn"]},
        },
        "q2": {"schema": "Company", "properties": {"name": "Acme Buttons GmbH"}},
    }
}


def _key(st: AppState, username: str = "viewer") -> str:
    return create_api_key(st.engine, username, "test", actor="admin")


def test_match_with_api_key_answers_yente_shapes(client: TestClient, st: AppState) -> None:
    response = client.post(
        "/match/default", json=QUERY, headers={"Authorization": f"ApiKey {_key(st)}"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["limit"] == 5
    assert set(body["responses"]) == {"q1", "q2"}
    q1 = body["responses"]["q1"]
    assert q1["status"] == 200
    assert q1["query"]["schema"] == "Company" and q1["query"]["properties"]["name"] == [
        "新疆中泰化学股份有限公司"
    ]
    assert q1["total"]["value"] >= 1 and q1["total"]["relation"] == "eq"
    top = q1["results"][0]
    assert top["caption"] == "Xinjiang Zhongtai Chemical Co. Ltd."
    assert top["match"] is True and top["schema"] == "Company"
    assert 0.9 <= top["score"] <= 1.0
    assert "Xinjiang Zhongtai Chemical Co. Ltd." in top["properties"]["name"]
    assert top["datasets"] == ["uflpa"]
    assert set(top) >= {
        "id",
        "caption",
        "schema",
        "properties",
        "datasets",
        "score",
        "match",
        "features",
        "explanations",
    }
    feature = next(iter(top["features"]))
    assert top["explanations"][feature]["detail"]  # the reasons, in plain words
    assert body["responses"]["q2"]["results"] == []
    assert body["matcher"]


def test_match_dataset_limit_and_errors(client: TestClient, st: AppState) -> None:
    headers = {"Authorization": f"ApiKey {_key(st)}"}
    one = client.post("/match/uflpa", params={"limit": 1}, json=QUERY, headers=headers).json()
    assert one["limit"] == 1 and len(one["responses"]["q1"]["results"]) == 1
    other = client.post("/match/cbp_wro", json=QUERY, headers=headers).json()
    assert all("uflpa" not in r["datasets"] for r in other["responses"]["q1"]["results"])
    assert client.post("/match/nope", json=QUERY, headers=headers).status_code == 404
    bad_schema = {"queries": {"q": {"schema": "Vessel", "properties": {"name": ["X"]}}}}
    assert client.post("/match/default", json=bad_schema, headers=headers).status_code == 400
    assert client.post("/match/default", json={"nothing": 1}, headers=headers).status_code == 422


def test_match_refuses_missing_wrong_or_revoked_keys(client: TestClient, st: AppState) -> None:
    assert client.post("/match/default", json=QUERY).status_code == 401
    assert (
        client.post(
            "/match/default", json=QUERY, headers={"Authorization": "ApiKey st_wrong"}
        ).status_code
        == 401
    )
    key = _key(st)
    revoke_api_key(st.engine, list_api_keys(st.engine)[-1].id, actor="admin")
    assert (
        client.post(
            "/match/default", json=QUERY, headers={"Authorization": f"ApiKey {key}"}
        ).status_code
        == 401
    )


def test_match_with_session(client: TestClient, as_user: Callable[[str], str]) -> None:
    as_user("viewer")
    response = client.post("/match/default", json=QUERY)
    assert response.status_code == 200
    assert response.json()["responses"]["q1"]["results"][0]["match"] is True


def test_match_is_in_the_openapi_schema(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert "/match/{dataset}" in schema["paths"]
    operation = schema["paths"]["/match/{dataset}"]["post"]
    assert "EntityMatchQuery" in str(operation["requestBody"])
    assert "/jobs" not in schema["paths"]  # pages are not API


def test_wrong_key_is_refused_even_with_a_session(
    client: TestClient, as_user: Callable[[str], str]
) -> None:
    as_user("viewer")
    refused = client.post(
        "/match/default", json=QUERY, headers={"Authorization": "ApiKey st_wrong"}
    )
    assert refused.status_code == 401


def test_openapi_documents_the_api_key(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["ApiKey"]["name"] == "Authorization"
    assert {"ApiKey": []} in schema["paths"]["/match/{dataset}"]["post"]["security"]


def _names(n: int, prefix: str = "Hoshine Silicon") -> list[str]:
    return [f"{prefix} {i}" for i in range(n)]


def test_match_bounds_every_request(app: Any, st: AppState) -> None:
    """Issue 21: big bodies, many queries, names x identifiers and deep nesting answer 4xx."""
    headers = {"Authorization": f"ApiKey {_key(st)}"}
    with TestClient(app, raise_server_exceptions=False) as client:

        def post(body: Any) -> Any:
            return client.post("/match/default", json=body, headers=headers)

        def query(**props: Any) -> dict[str, Any]:
            return {"schema": "Company", "properties": props}

        # A 30 MB body was accepted and echoed back.
        huge = {"queries": {"q": query(name=["Hoshine"], note=["x" * (30 * 1024 * 1024)])}}
        refused = post(huge)
        assert refused.status_code == 413 and "larger than the limit" in refused.json()["detail"]
        too_many = post({"queries": {f"q{i}": query(name=["Hoshine"]) for i in range(101)}})
        assert too_many.status_code == 400 and "at most 100" in too_many.json()["detail"]
        # 5 queries of 100 names x 100 identifiers took 3.3 s of CPU.
        wide = query(name=_names(100), registrationNumber=_names(100, "91650000"))
        started = time.monotonic()
        answer = post({"queries": {f"q{i}": wide for i in range(5)}})
        assert answer.status_code == 400 and "10000 pairs" in answer.json()["detail"]
        assert time.monotonic() - started < 2.0
        ten_by_ten = query(name=_names(10), registrationNumber=_names(10, "91650000"))
        many = post({"queries": {f"q{i}": ten_by_ten for i in range(11)}})
        assert many.status_code == 400 and "1100 name and identifier pairs" in many.text
        long_name = post({"queries": {"q": query(name=["x" * 501])}})
        assert long_name.status_code == 400 and "501 characters" in long_name.text
        # JSON nested a few hundred levels gave a 500.
        for depth in (3, 300, 600, 5000, 100_000):
            nested = "[" * depth + '"Hoshine"' + "]" * depth
            body = '{"queries":{"q":{"schema":"Company","properties":{"name":' + nested + "}}}}"
            deep = client.post(
                "/match/default",
                content=body,
                headers={**headers, "Content-Type": "application/json"},
            )
            assert deep.status_code in (400, 422), (depth, deep.status_code, deep.text[:200])
        assert "nested too deeply" in deep.json()["detail"]
        # Within the limits a request is still answered.
        fine = post({"queries": {f"q{i}": ten_by_ten for i in range(10)}})
        assert fine.status_code == 200, fine.text
