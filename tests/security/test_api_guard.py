"""The API's doors (issue 17, 16.3): token before body, capped bodies, feed links from the configured
base URL (never the Host header), validated ranges instead of plain-text 500s, 405 with Allow."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from desk_helpers import SEEDS, app_client, ingest_seeds
from fastapi.testclient import TestClient

TOKEN = "t0ken-for-guard-tests"
CONFIG = f"""
api_token = "{TOKEN}"
api_max_body_bytes = 65536

[[feeds]]
name = "everything"
"""


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds not present")
    tmp = tmp_path_factory.mktemp("guard")
    assert ingest_seeds(tmp / "desk.db").ok
    return tmp


@pytest.fixture(scope="module")
def client(desk: Path) -> Iterator[TestClient]:
    with app_client(desk, CONFIG) as c:
        yield c


def _error(response: object, status: int) -> dict[str, str]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    return dict(body["error"])


def test_token_is_checked_before_the_body_is_parsed(client: TestClient) -> None:
    # an invalid body used to be parsed and validated first: 422 before any word about the token
    _error(client.post("/api/sources", content=b"{not json" * 1000), 401)
    big = b'{"url": "https://news.example/feed", "title": "' + b"x" * 3_000_000 + b'"}'
    response = client.post("/api/sources", content=big, headers={"content-type": "application/json"})
    assert _error(response, 401)["code"] == "unauthorized"
    assert response.headers["www-authenticate"] == "Bearer"


def test_request_bodies_are_capped(client: TestClient) -> None:
    auth = {"authorization": f"Bearer {TOKEN}", "content-type": "application/json"}
    big = b'{"url": "https://news.example/feed", "title": "' + b"x" * 200_000 + b'"}'
    assert _error(client.post("/api/sources", content=big, headers=auth), 413)["code"] == "too_large"

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"url": "https://news.example/feed", "title": "'
        for _ in range(40):
            yield b"y" * 4096
        yield b'"}'

    assert _error(client.post("/api/sources", content=chunks(), headers=auth), 413)["code"] == "too_large"


def test_feed_links_never_come_from_the_host_header(desk: Path, client: TestClient) -> None:
    atom = client.get("/feeds/everything.atom", headers={"host": "evil.example"}).text
    assert "evil.example" not in atom
    listing = client.get("/api/feeds", headers={"host": "evil.example"}).json()
    assert "evil.example" not in str(listing)
    config = CONFIG.replace("[[feeds]]", 'base_url = "https://news.desk.example/"\n\n[[feeds]]')
    with app_client(desk, config) as c:
        atom = c.get("/feeds/everything.atom", headers={"host": "evil.example"}).text
    assert "https://news.desk.example/feeds/everything" in atom and "evil.example" not in atom


@pytest.mark.parametrize(
    "params",
    [
        {"offset": str(2**63)},
        {"offset": str(2**64)},
        {"since": "0001-01-01T00:00:00+14:00"},
        {"since": "9999-12-31T23:59:59-12:00"},
        {"until": "0001-01-01T00:00:00+14:00"},
    ],
)
def test_out_of_range_listing_parameters_are_422_in_the_error_shape(
    client: TestClient, params: dict[str, str]
) -> None:
    assert _error(client.get("/api/articles", params=params), 422)["code"] == "invalid_request"


def test_undeclared_methods_get_405_with_allow(client: TestClient) -> None:
    for method, path in (("PUT", "/api/articles"), ("DELETE", "/api/stories"), ("PATCH", "/api/search")):
        response = client.request(method, path)
        assert _error(response, 405)["code"] == "method_not_allowed"
        assert "GET" in response.headers["allow"]


def test_openapi_declares_the_error_statuses(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"404", "422"} <= set(paths["/api/articles"]["get"]["responses"])
    assert {"401", "403", "413", "422"} <= set(paths["/api/ingest"]["post"]["responses"])
