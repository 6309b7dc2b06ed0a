"""Deadline alerts (docs/domain.md#alerts): which exist for a zaak by a date, and their stable ids.

Pure: no Kafka, Redis or HTTP. The KPI worker decides with it when to publish an alert, the
tests check the rules without a broker. See docs/alerts.md.
"""

from shared.core.alerts.decide import (
    DueAlert,
    Evaluation,
    due_alerts,
    evaluate,
    fires_on,
    is_historisch,
)
from shared.core.alerts.kinds import ALERT_NAMESPACE, AlertKind, alert_id
from shared.core.alerts.state import AlertState, view_digest

__all__ = [
    "ALERT_NAMESPACE",
    "AlertKind",
    "AlertState",
    "DueAlert",
    "Evaluation",
    "alert_id",
    "due_alerts",
    "evaluate",
    "fires_on",
    "is_historisch",
    "view_digest",
]
