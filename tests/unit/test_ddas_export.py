"""The pure DDAS export builder: schema-valid documents, DDAS texts, peildatum cut, ids."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.signals.rules.ddas_export import (
    DeliveryHeader,
    ExportCase,
    ExportPoging,
    ExportSignal,
    cases_of_month,
    delivery_counts,
    month_bounds,
    uitwisselmodel,
)
from services.signals.rules.ddas_schema import schema_problems

HEADER = DeliveryHeader("WIJKPULS", "0794", {"naam": "Gemeente Helmond"})
NOW = datetime(2026, 4, 5, 10, 30, tzinfo=UTC)
CLIENT = {"Burgerservicenummer": "111222333", "Achternaam": "Jansen", "Postcode": "5701AB",
          "Huisnummer": "12", "Geboortedatum": "1970-01-02"}  # fmt: skip


def signal(sid: str, partner: str, day: date, bedrag: float = 120.5) -> ExportSignal:
    return ExportSignal(partner, sid, day, date(2026, 1, 1), bedrag, False, False, CLIENT)


def case(signals: list[ExportSignal], **kw: object) -> ExportCase:
    base: dict[str, object] = {
        "id": "vsz-1", "matchingsdatum": date(2026, 3, 3), "start": date(2026, 3, 2),
        "einde": date(2026, 6, 1), "resultaat": None, "resultaat_datum": None,
    }  # fmt: skip
    return ExportCase(signals=tuple(signals), **{**base, **kw})  # type: ignore[arg-type]


def test_a_full_case_validates_with_ddas_texts() -> None:
    full = case(
        [signal("A1", "energie", date(2026, 3, 2)), signal("A1", "huur", date(2026, 3, 9))],
        pogingen=(ExportPoging(date(2026, 3, 10), "sms-whatsapp", "avond", True),),
        resultaat="vervolghulp-en-of-verwijzing-financieel",
        resultaat_datum=date(2026, 3, 20),
    )
    document = uitwisselmodel(cases_of_month([full], "2026-03", date(2026, 3, 31)), "2026-03",
                              HEADER, NOW)  # fmt: skip
    assert schema_problems(document) == []
    levering = document["leveringen"][0]
    ids = [s["ID"] for s in levering["vroegsignalen"]]
    assert ids == ["energie/A1", "huur/A1"]  # one ID from two partner types is qualified
    assert levering["vroegsignalen"][0]["bedrag"] == 121  # whole euros, half up
    zaak = levering["vroegsignaalzaken"][0]
    assert zaak["contactpogingen"][0] == {
        "soort": "SMS/Whatsapp", "bereikt": True, "datum": "2026-03-10", "dagdeel": "Avond"
    }  # fmt: skip
    assert zaak["datum_opgepakt"] == "2026-03-10"
    assert zaak["resultaat"] == "Vervolghulp en/of verwijzing financieel"
    assert delivery_counts(document) == {
        "zaken": 1, "n_contact": 1, "n_bereikt": 1, "n_geaccepteerd": 1, "vroegsignalen": 2
    }  # fmt: skip
    assert document["aanleverdatumEnTijd"] == "2026-04-05T10:30:00Z"


def test_the_peildatum_cuts_later_facts_and_moves_the_zaak_to_its_first_known_signal() -> None:
    late = case(
        [signal("B1", "water", date(2026, 2, 27)), signal("B2", "zorg", date(2026, 3, 5))],
        pogingen=(ExportPoging(date(2026, 3, 6), "brief", None, False),),
        resultaat="niet-opgepakt-onterecht-signaal",
        resultaat_datum=date(2026, 3, 7),
    )
    assert cases_of_month([late], "2026-03", date(2026, 3, 31)) == []  # opened in February
    [february] = cases_of_month([late], "2026-02", date(2026, 3, 5))
    assert [s.signaal_id for s in february.signals] == ["B1", "B2"]
    assert february.pogingen == () and february.resultaat is None
    document = uitwisselmodel([february], "2026-02", HEADER, NOW)
    assert {s["status"] for s in document["leveringen"][0]["vroegsignalen"]} == {
        "Nog niet opgepakt"
    }
    [closed] = cases_of_month([late], "2026-02", date(2026, 3, 31))
    document = uitwisselmodel([closed], "2026-02", HEADER, NOW)
    assert schema_problems(document) == []
    assert document["leveringen"][0]["vroegsignalen"][0]["status"] == (
        "Niet opgepakt: onterecht signaal"
    )


def test_without_client_the_document_still_validates_and_holds_no_identity() -> None:
    bare = case([ExportSignal("huur", "C1", date(2026, 3, 2), None, 0, True, True, {})])
    document = uitwisselmodel([bare], "2026-03", HEADER, NOW)
    assert schema_problems(document) == []
    assert document["leveringen"][0]["vroegsignalen"][0]["client"] == {}


def test_problems_name_path_and_rule_never_the_value() -> None:
    document = uitwisselmodel([case([signal("D1", "huur", date(2026, 3, 2))])], "2026-03",
                              HEADER, NOW)  # fmt: skip
    document["leveringen"][0]["vroegsignalen"][0]["client"]["Achternaam"] = 12345
    document["leveringen"][0]["vroegsignalen"][0]["signaaldatum"] = "2026-13-45"
    problems = schema_problems(document)
    assert problems == [
        "/leveringen/0/vroegsignalen/0/client/Achternaam: type",
        "/leveringen/0/vroegsignalen/0/signaaldatum: format",
    ]
    assert not any("12345" in p or "2026-13" in p for p in problems)


def test_month_bounds() -> None:
    assert month_bounds("2026-02") == (date(2026, 2, 1), date(2026, 2, 28))
    assert month_bounds("2026-12") == (date(2026, 12, 1), date(2026, 12, 31))
