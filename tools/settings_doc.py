"""Writes docs/settings.md from every service's settings classes.

``python -m tools.settings_doc > docs/settings.md``; tests/unit/test_settings.py compares the
two. The shared sections come first, then each service's own, in the order of SERVICES.
"""

from __future__ import annotations

from pydantic_settings import BaseSettings

from services.intake.settings import Settings as IntakeServiceSettings
from services.kpi.settings import Settings as KpiServiceSettings
from services.reporting.settings import Settings as ReportingServiceSettings
from services.signals.settings import Settings as SignalsServiceSettings
from services.webhooks.settings import Settings as WebhooksServiceSettings
from shared.platform import settings_doc
from shared.platform.settings import ServiceSettings

COMMAND = "python -m tools.settings_doc"

# service (the folder under services/) -> its Settings
SERVICES: dict[str, type[ServiceSettings]] = {
    "intake": IntakeServiceSettings,
    "reporting": ReportingServiceSettings,
    "kpi": KpiServiceSettings,
    "webhooks": WebhooksServiceSettings,
    "signals": SignalsServiceSettings,
}


def groups() -> list[settings_doc.Group]:
    """("shared", the sections of ServiceSettings), then (service, its own sections)."""
    shared = settings_doc.sections(ServiceSettings)
    found: list[settings_doc.Group] = [("Shared by every service", shared)]
    for service, aggregate in SERVICES.items():
        own = settings_doc.sections(aggregate, skip=list(ServiceSettings.model_fields))
        found.append((f"services/{service}", own))
    return found


def settings_classes() -> list[type[BaseSettings]]:
    """Every settings class, once: the shared ones and each service's own."""
    return [cls for _, classes in groups() for cls in classes]


def render() -> str:
    return settings_doc.render(groups(), COMMAND)


if __name__ == "__main__":
    print(render(), end="")
