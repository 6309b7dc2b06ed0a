"""The dead-letter tool on the real broker: counts per origin, consumer and reason; show
without payloads; resend to the origin topic as sent (services/kpi/operations/dead_letters.py)."""

from __future__ import annotations

import json

import pytest
from fixtures.topic_records import topic_records
from kafka import KafkaProducer

from services.kpi.operations.dead_letters import main
from shared.contract.dead_letter import dead_letter_headers
from shared.contract.topics import Topic, TopicSpec, topic_name
from shared.platform.settings import KafkaSettings

pytestmark = pytest.mark.integration


def test_counts_show_and_resend(
    kafka_settings: KafkaSettings,
    kafka_topics: list[TopicSpec],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("WIJKPULS_KAFKA_TOPIC_PREFIX", kafka_settings.topic_prefix)
    events, alerts = (
        topic_name(Topic.EVENTS, kafka_settings),
        topic_name(Topic.ALERTS, kafka_settings),
    )
    body = json.dumps({"type": "nl.helmond.sociaaldomein.zaak.aangemeld", "id": "e-1"}).encode()
    sent = [
        (events, b"Z-1", body, [("ce_specversion", b"1.0")], "wijkpuls-kpi", "data.wet: unknown"),
        (events, b"Z-2", b"\xff not json", [], "wijkpuls-kpi", "not a CloudEvent"),
        (alerts, b"Z-3", b"{}", [], "wijkpuls-webhooks-ab12", "webhook ab12: 4 attempts failed"),
    ]
    producer = KafkaProducer(bootstrap_servers=kafka_settings.bootstrap_servers, acks="all")
    for offset, (topic, key, value, headers, consumer, reason) in enumerate(sent):
        dlq_headers = dead_letter_headers(headers, reason, topic=topic, partition=0,
                                          offset=offset, consumer=consumer)  # fmt: skip
        producer.send(topic_name(Topic.DLQ, kafka_settings), key=key, value=value,
                      headers=dlq_headers)  # fmt: skip
    producer.flush()
    producer.close()

    assert main(["counts", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert sorted((r["origin_topic"], r["consumer"], r["records"]) for r in rows) == [
        (alerts, "wijkpuls-webhooks-ab12", 1), (events, "wijkpuls-kpi", 1),
        (events, "wijkpuls-kpi", 1),
    ]  # fmt: skip

    assert main(["show", "--json", "--consumer", "wijkpuls-kpi"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [(s["type"], s["id"], s["reason"]) for s in shown] == [
        ("nl.helmond.sociaaldomein.zaak.aangemeld", "e-1", "data.wet: unknown"),
        ("", "", "not a CloudEvent"),
    ]
    assert "not json" not in json.dumps(shown), "show never prints a payload"

    assert main(["resend", "--json", "--origin-topic", events, "--reason", "data.wet"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"resent": 1}]
    (back,) = topic_records(kafka_settings.bootstrap_servers, events)
    assert (back.key, back.value) == (b"Z-1", body)
    assert [(k, v) for k, v in back.headers] == [("ce_specversion", b"1.0")]
    with pytest.raises(SystemExit):  # argparse names the option and the bad part
        main(["counts", "--offsets", "x-1"])
    assert "not an offset or range: 'x-1'" in capsys.readouterr().err
