from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from services.intake.settings import Settings as IntakeServiceSettings
from services.kpi.settings import Settings as KpiServiceSettings
from services.reporting.settings import Settings as ReportingServiceSettings
from services.signals.settings import Settings as SignalsServiceSettings
from services.webhooks.settings import Settings as WebhooksServiceSettings
from shared.platform.settings import (
    AppSettings,
    Environment,
    KafkaSettings,
    PseudonymSettings,
    ServiceSettings,
)
from tools import settings_doc

DOC = Path(__file__).resolve().parents[2] / "docs" / "settings.md"
PRODUCTION = AppSettings(environment=Environment.PRODUCTION)


@pytest.mark.parametrize("settings", [IntakeServiceSettings, SignalsServiceSettings])
def test_production_refuses_the_development_key(settings: type[ServiceSettings]):
    with pytest.raises(ValidationError, match="WIJKPULS_PSEUDONYM_KEY"):
        settings(app=PRODUCTION)
    ok = settings(app=PRODUCTION, pseudonym=PseudonymSettings(key=SecretStr("a-real-secret")))
    assert ok.pseudonym.key.get_secret_value() == "a-real-secret"


@pytest.mark.parametrize(
    "settings", [ReportingServiceSettings, KpiServiceSettings, WebhooksServiceSettings]
)
def test_services_that_do_not_pseudonymise_do_not_need_the_key(settings: type[ServiceSettings]):
    assert settings(app=PRODUCTION).app.environment is Environment.PRODUCTION


def test_every_service_settings_adds_only_its_own_sections():
    shared = set(ServiceSettings.model_fields)
    assert shared == {"app", "kafka", "redis", "pseudonym"}
    own = {
        service: set(cls.model_fields) - shared for service, cls in settings_doc.SERVICES.items()
    }
    assert own == {
        "intake": {"intake", "iwmo", "zgw"},
        "reporting": {"reporting", "oidc"},
        "kpi": {"kpi"},
        "webhooks": {"webhook"},
        "signals": {"signals", "signals_oidc"},
    }


def test_settings_are_read_from_prefixed_environment(monkeypatch):
    monkeypatch.setenv("WIJKPULS_KAFKA_BOOTSTRAP_SERVERS", "broker:29092")
    monkeypatch.setenv("WIJKPULS_KAFKA_EVENTS_PARTITIONS", "12")
    kafka = KafkaSettings()
    assert (kafka.bootstrap_servers, kafka.events_partitions) == ("broker:29092", 12)


def test_events_topic_needs_at_least_six_partitions():
    with pytest.raises(ValidationError, match="events_partitions"):
        KafkaSettings(events_partitions=3)


def test_every_setting_is_described_and_documented():
    classes = settings_doc.settings_classes()
    assert len(classes) == len(set(classes)), "a settings class is listed twice"
    for cls in classes:
        for name, field in cls.model_fields.items():
            assert field.description, f"{cls.__name__}.{name} has no description"
    assert DOC.read_text() == settings_doc.render(), (
        "run: python -m tools.settings_doc > docs/settings.md"
    )
