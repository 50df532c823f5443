"""Login, CSRF, roles, and the rule that every route but login, static and the schema needs an account."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount, Route

from sourcetrace.web.app import PUBLIC_PATHS


def test_login_then_logout(client: TestClient, tools: Any) -> None:
    csrf_of, PASSWORD = tools.csrf_of, tools.password
    assert client.get("/jobs").headers["location"].startswith("/login")
    token = csrf_of(client.get("/login").text)
    bad = client.post(
        "/login", data={"username": "analyst", "password": "wrong", "csrf_token": token}
    )
    assert bad.status_code == 401 and "Wrong username or password" in bad.text
    ok = client.post(
        "/login",
        data={"username": "analyst", "password": PASSWORD, "csrf_token": token, "next": "/jobs"},
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/jobs"
    page = client.get("/jobs")
    assert page.status_code == 200 and "analyst (analyst)" in page.text
    out = client.post("/logout", data={"csrf_token": csrf_of(page.text)})
    assert out.status_code == 303
    assert client.get("/jobs").status_code == 303


def test_login_refuses_offsite_next(client: TestClient, tools: Any) -> None:
    csrf_of, PASSWORD = tools.csrf_of, tools.password
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={
            "username": "viewer",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/x",
        },
    )
    assert response.headers["location"] == "/"


def test_form_post_without_csrf_is_refused(
    client: TestClient, as_user: Callable[[str], str], tools: Any
) -> None:
    PASSWORD = tools.password
    client.get("/login")
    assert (
        client.post("/login", data={"username": "admin", "password": PASSWORD}).status_code == 403
    )
    as_user("admin")
    response = client.post(
        "/admin/users", data={"username": "mallory", "role": "admin", "password": "x" * 12}
    )
    assert response.status_code == 403
    forged = client.post(
        "/admin/users",
        data={"username": "mallory", "role": "admin", "password": "x" * 12, "csrf_token": "forged"},
    )
    assert forged.status_code == 403
    assert "mallory" not in client.get("/admin/users").text


def test_roles(client: TestClient, as_user: Callable[[str], str]) -> None:
    token = as_user("viewer")
    assert client.get("/jobs").status_code == 200
    assert client.get("/admin/users").status_code == 403
    refused = client.post(
        "/jobs/1/rows/1/decision", data={"decision": "confirmed", "csrf_token": token}
    )
    assert refused.status_code == 403
    token = as_user("analyst")
    assert client.get("/admin/audit").status_code == 403
    assert (
        client.post(
            "/admin/users",
            data={"username": "x", "role": "admin", "password": "y" * 10, "csrf_token": token},
        ).status_code
        == 403
    )


def test_admin_adds_user_and_api_key(client: TestClient, as_user: Callable[[str], str]) -> None:
    token = as_user("admin")
    added = client.post(
        "/admin/users",
        data={"username": "bob", "role": "viewer", "password": "b" * 14, "csrf_token": token},
    )
    assert added.status_code == 303
    page = client.post("/admin/keys", data={"username": "bob", "label": "erp", "csrf_token": token})
    assert "New API key" in page.text
    assert client.get("/admin/audit").text.count("hash chain intact") == 1


def _routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, set[str]]]:
    """Every (path, methods) of the app, through included routers."""
    for route in routes:
        if hasattr(route, "original_router"):  # FastAPI's included-router wrapper
            yield from _routes(route.original_router.routes, prefix + route.include_context.prefix)
        elif isinstance(route, APIRoute | Route):
            yield prefix + route.path, set(route.methods or ())
        elif isinstance(route, Mount):
            yield prefix + route.path, {"GET"}


def test_every_route_needs_an_account(app: FastAPI) -> None:
    found = list(_routes(app.routes))
    paths = {p for p, _ in found}
    assert {
        "/match/{dataset}",
        "/jobs/{job_id}/review",
        "/admin/users",
        "/jobs/{job_id}/report",
    } <= paths
    checked = 0
    with TestClient(app, follow_redirects=False) as anonymous:
        for path, methods in found:
            if path.startswith(PUBLIC_PATHS):
                continue
            url = (
                path.replace("{job_id}", "1").replace("{row}", "1").replace("{dataset}", "default")
            )
            url = url.replace("{username}", "admin").replace("{key_id}", "1")
            for method in methods - {"HEAD"}:
                if method == "POST" and path.startswith("/match"):
                    response = anonymous.post(url, json={"queries": {}})
                else:
                    response = anonymous.request(method, url)
                checked += 1
                assert response.status_code in (401, 403, 303), (method, url, response.status_code)
                if response.status_code == 303:
                    assert response.headers["location"].startswith("/login"), (method, url)
    assert checked >= 12


def test_pages_are_local_only(client: TestClient, as_user: Callable[[str], str]) -> None:
    as_user("admin")
    page = client.get("/jobs")
    assert (
        "http://" not in page.text.split("<main>")[0]
        and "https://" not in page.text.split("<main>")[0]
    )
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert client.get("/static/app.css").status_code == 200
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/docs").status_code == 404  # Swagger UI would load from a CDN
