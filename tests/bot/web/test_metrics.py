"""Prometheus metrics at /metrics: token-protected, fed by real turns, NLU and actions."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from test_hardening import EchoAgent
from web_helpers import API_TOKEN, assert_error, live_server, send

from bot.config import Settings
from bot.observability import metrics


def _samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _value(
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return sum(
        value
        for (sample, sample_labels), value in samples.items()
        if sample == name and set(labels.items()) <= sample_labels
    )


def _scrape(client: httpx.Client) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {API_TOKEN}"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return _samples(response.text)


def test_metrics_count_turns_nlu_actions_locks_and_statuses(client: httpx.Client) -> None:
    before = _scrape(client)
    assert send(client, "metrics-1", "hello there").status_code == 200
    assert send(client, "metrics-1", "what is smart specialisation?").status_code == 200
    client.get("/nowhere")
    after = _scrape(client)

    def grew(name: str, by: float = 1, **labels: str) -> bool:
        return _value(after, name, **labels) - _value(before, name, **labels) >= by

    assert grew("s3bot_turn_seconds_count", 2, channel="rest")
    assert grew("s3bot_nlu_seconds_count", 1)
    assert grew("s3bot_lock_wait_seconds_count", 2)
    assert grew("s3bot_action_seconds_count", 1)  # action_session_start, a custom action
    assert grew("s3bot_http_responses_total", 2, route="/webhooks/rest/webhook", status="200")
    assert grew("s3bot_http_responses_total", 1, route="unmatched", status="404")
    assert _value(after, "s3bot_inbox_backlog") == 0
    assert _value(after, "s3bot_active_conversations") >= 1
    assert _value(after, "process_cpu_seconds_total") > 0


def test_metrics_never_carry_senders_or_text(client: httpx.Client) -> None:
    send(client, "metrics-private-sender", "my secret plan")
    text = client.get("/metrics", params={"token": API_TOKEN}).text
    assert "metrics-private-sender" not in text and "secret plan" not in text


def test_metrics_need_the_api_token(client: httpx.Client) -> None:
    assert_error(client.get("/metrics"), 401, "unauthorized")
    assert_error(client.get("/metrics", params={"token": "wrong"}), 401, "unauthorized")


def test_metrics_are_off_without_an_api_token(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings(API_TOKEN=None)
    with live_server(lambda _: EchoAgent(), settings) as url, httpx.Client(base_url=url) as http:
        assert_error(http.get("/metrics"), 403, "forbidden")


def test_action_failures_are_counted_by_reason() -> None:
    def failures(reason: str) -> float:
        return metrics.ACTION_FAILURES.labels(action="action_probe", reason=reason)._value.get()

    start = (failures("timeout"), failures("error"))
    for message in ("timed out after 10 s", "ValueError: boom"):
        with pytest.raises(RuntimeError), metrics.action("action_probe"):
            raise RuntimeError(message)
    assert (failures("timeout"), failures("error")) == (start[0] + 1, start[1] + 1)
