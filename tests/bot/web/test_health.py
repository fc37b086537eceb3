"""The health endpoint over real HTTP."""

from __future__ import annotations

import httpx


def test_read_health_ok(client: httpx.Client) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert isinstance(body["version"], str)
