"""The KPI workers' settings: consumer group, local state, web server and alert clock."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings

from shared.platform.settings import ServiceSettings, _config


class KpiSettings(BaseSettings):
    """The faust KPI workers: consumer group, local state and their small web server."""

    model_config = _config("WIJKPULS_KPI_")

    app_id: str = Field("wijkpuls-kpi", description="faust app id = consumer group (prefixed)")
    store: str = Field("rocksdb://", description="table store: rocksdb:// or memory://")
    data_dir: Path = Field(
        Path("var/kpi"), description="local table state; one folder per worker process"
    )
    web_port: int = Field(
        6066,
        ge=1,
        le=65535,
        description="the worker's web port: GET /health, /ready and /metrics "
        "(docs/operations.md), besides faust's own pages",
    )
    event_loop: Literal["uvloop", "aio"] = Field(
        "uvloop",
        description="the worker's asyncio event loop: uvloop (libuv; the worker spends a "
        "large share of its CPU in the loop's scheduling, docs/performance.md) or aio "
        "(CPython's own loop)",
    )
    stall_after_s: float = Field(
        60.0,
        gt=0,
        le=86400,
        description="a partition the worker holds counts as stalled (the metric "
        "wijkpuls_kpi_stream_stalled) when it has records to process and its position has "
        "not moved for this many seconds; one whose committed offset has not moved either "
        "is fetched again from that offset (wijkpuls_kpi_partitions_refetched_total)",
    )
    alert_tick_s: float = Field(
        30.0,
        gt=0,
        le=3600,
        description="seconds between ticks of the alert clock, which moves a caught-up "
        "partition to today and gives the alerts that became due with time",
    )
    view_check_s: float = Field(
        1.0,
        gt=0,
        le=300,
        description="seconds between checks of the view markers in Redis: a worker that "
        "finds the marker of one of its partitions missing (Redis flushed, restarted empty, "
        "or replaced) rebuilds that partition's figures from its tables by itself "
        "(docs/reliability.md)",
    )
    alert_source: str = Field(
        "urn:nld:oin:00000001002220647000:systeem:wijkpuls",
        pattern=r"^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:\S+$",
        description="CloudEvents source of the alert events the workers publish",
    )
    alert_window_days: int = Field(
        7,
        ge=0,
        description="an alert that became due (its datum: the warning day, the first day "
        "over the term, the day the clock ended) more than this many days before the "
        "worker's today is historisch: listed, never pushed to webhooks (a late delivery, a "
        "long backlog or a replay after a rule change must not flood the receivers)",
    )


class Settings(ServiceSettings):
    """The KPI workers' settings: the shared sections plus their own."""

    kpi: KpiSettings = Field(default_factory=KpiSettings)


@lru_cache
def get_settings() -> Settings:
    return Settings()
