"""The reset tool names exactly what the faust app creates, and no more of the Redis view."""

from __future__ import annotations

from fnmatch import fnmatchcase

from services.kpi.operations import reset
from services.kpi.settings import KpiSettings
from shared.contract.alert_keys import AlertKeys
from shared.contract.figure_keys import FigureKeys
from shared.contract.view_keys import ViewKeys
from shared.contract.wachtend_keys import WachtendKeys
from shared.platform.settings import KafkaSettings


def test_the_group_and_state_topics_are_the_faust_apps():
    from services.kpi.settings import Settings
    from services.kpi.wiring import build_worker

    worker = build_worker(Settings())  # every table of the worker; nothing connects
    app = worker.app
    group = reset.group_id(KafkaSettings(), KpiSettings())
    assert group == app.conf.id
    assert sorted(app.tables) == sorted(reset.TABLES)
    assert reset.state_topics(group) == [
        *(app.tables[name].changelog_topic.get_topic_name() for name in reset.TABLES),
        worker.topics.ticks.get_topic_name(),
        app._leader_assignor._leader_topic_name,
    ]


def _matches(key: str, parts: list[reset.ViewPart]) -> list[str]:
    # Redis MATCH globs and fnmatch agree on *, ? and [] once the prefix is escaped.
    return [
        p.name
        for p in parts
        if key in p.exact or any(fnmatchcase(key, g.replace("\\", "")) for g in p.globs)
    ]


def test_every_view_key_is_deleted_and_the_delivery_marks_are_kept():
    prefix = "test-1234-"
    figures, alerts = FigureKeys(prefix), AlertKeys(prefix)
    view, kept = reset.view_parts(prefix), reset.kept_parts(prefix)
    for key in (
        figures.cell("doorlooptijd|wmo|gemeente|2026"),
        figures.cells_index,
        figures.content_sum("doorlooptijd"),
        figures.contribution("WMO-2026-000001"),
        alerts.zaak("WMO-2026-000001"),
        alerts.open_until,
        alerts.alerts,
        alerts.alerts_by_datum,
        WachtendKeys(prefix).zaak("WMO-2026-000001"),
        WachtendKeys(prefix).until,
        ViewKeys(prefix).marker("events", 3),
        ViewKeys(prefix).rebuilding("vroegsignalen", 0),
    ):
        assert len(_matches(key, view)) == 1, key
        assert not _matches(key, kept), key
    for key in (alerts.delivered("0123456789ab", "a-1"), alerts.today_override):
        assert not _matches(key, view), key
        assert len(_matches(key, kept)) == 1, key
    # Another prefix's keys, and the unprefixed ones, are never touched.
    assert not _matches(FigureKeys("other-").cell("x"), view)
    assert not _matches(FigureKeys("").contribution("Z"), view)


def test_the_view_markers_go_first_so_the_reporting_says_rebuilding_before_any_figure_goes():
    # Markers gone = "figures rebuilding" (503) until the replayed workers mark their
    # partitions again, which they do only once caught up (services/kpi/view/healer.py).
    first, *rest = reset.view_parts("test-1234-")
    assert first.name == "view markers"
    assert first.globs == ("test-1234-wp:view:*",)
    assert not any(fnmatchcase("test-1234-wp:view:events:0", g) for p in rest for g in p.globs)


def test_glob_characters_in_the_prefix_are_escaped():
    [markers, cells, *_] = reset.view_parts("a*[b]?-")
    assert markers.globs == (r"a\*\[b\]\?-wp:view:*",)
    assert cells.globs == (r"a\*\[b\]\?-wp:cell:*",)


def test_the_redis_password_is_not_printed():
    assert (
        reset._safe_url("redis://:s3cret@redis.local:6380/0") == "redis://:***@redis.local:6380/0"
    )
    assert reset._safe_url("redis://localhost:6379/0") == "redis://localhost:6379/0"
