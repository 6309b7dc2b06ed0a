from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from shared.platform import settings_doc
from shared.platform.settings import (
    AppSettings,
    Environment,
    KafkaSettings,
    PseudonymSettings,
    Settings,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "settings.md"


def test_production_refuses_the_development_key():
    with pytest.raises(ValidationError, match="WIJKPULS_PSEUDONYM_KEY"):
        Settings(app=AppSettings(environment=Environment.PRODUCTION))
    ok = Settings(
        app=AppSettings(environment=Environment.PRODUCTION),
        pseudonym=PseudonymSettings(key=SecretStr("a-real-secret")),
    )
    assert ok.pseudonym.key.get_secret_value() == "a-real-secret"


def test_settings_are_read_from_prefixed_environment(monkeypatch):
    monkeypatch.setenv("WIJKPULS_KAFKA_BOOTSTRAP_SERVERS", "broker:29092")
    monkeypatch.setenv("WIJKPULS_KAFKA_EVENTS_PARTITIONS", "12")
    kafka = KafkaSettings()
    assert (kafka.bootstrap_servers, kafka.events_partitions) == ("broker:29092", 12)


def test_events_topic_needs_at_least_six_partitions():
    with pytest.raises(ValidationError, match="events_partitions"):
        KafkaSettings(events_partitions=3)


def test_every_setting_is_described_and_documented():
    for cls in settings_doc.settings_classes():
        for name, field in cls.model_fields.items():
            assert field.description, f"{cls.__name__}.{name} has no description"
    assert DOC.read_text() == settings_doc.render(), (
        "run: python -m shared.platform.settings_doc > docs/settings.md"
    )
