"""iWmo/iJw 305/307 -> zorg.* facts: the public examples, the XSDs, the documented elements."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fixtures.iwmo_berichten import AGB, PERSONAL, VOORBEELDEN, XSD_DIR, Regel, bericht

from services.intake.iwmo.errors import MessageRefused
from services.intake.iwmo.mapping import PendingFact, pending_facts
from services.intake.iwmo.messages import normalise_nummer
from services.intake.iwmo.parse import Bericht, bericht_type, parse_bericht
from services.intake.iwmo.xmlsafe import parse_xml
from services.intake.iwmo.xsd import XsdSet, XsdSetIncomplete
from shared.contract.events import parse_stored_event

HELMOND = "0794"


@pytest.fixture(scope="module")
def xsd() -> XsdSet:
    return XsdSet.load(XSD_DIR)


def read(body: bytes, gemeentecode: str = HELMOND, xsd: XsdSet | None = None) -> Bericht:
    root = parse_xml(body)
    kind = bericht_type(root)
    if xsd is not None:
        xsd.check(root, kind)
    return parse_bericht(root, gemeentecode)


def refusal(body: bytes, xsd: XsdSet | None = None) -> MessageRefused:
    with pytest.raises(MessageRefused) as caught:
        read(body, xsd=xsd)
    text = json.dumps(caught.value.problems)
    assert not any(value in text for value in PERSONAL), "a refusal repeats personal data"
    return caught.value


@pytest.mark.parametrize("name", ["WMO305", "WMO307", "JW305", "JW307"])
def test_the_published_examples_pass_the_xsd_and_map(xsd: XsdSet, name: str) -> None:
    parsed = read((VOORBEELDEN / f"{name}.xml").read_bytes(), gemeentecode="0363", xsd=xsd)
    assert parsed.type.name == name
    assert parsed.afzender == AGB
    assert [r.toewijzingnummer for r in parsed.regels] == ["300201", "300202"]
    assert [r.positie for r in parsed.regels] == [1, 2]


def test_a_305_becomes_zorg_gestart_with_the_begindatum_and_no_personal_data() -> None:
    parsed = read(
        bericht(
            "WMO305",
            [Regel("300201", begindatum="2026-04-03"), Regel("0300202", begindatum="2026-04-04")],
        )
    )
    facts = pending_facts(parsed)
    event = facts[1].to_event("Z-2026-000123")
    assert event.type == "nl.helmond.sociaaldomein.zorg.gestart"
    assert event.source == f"urn:nld:agb:{AGB}:systeem:iwmo"
    assert event.record_key() == "Z-2026-000123"
    assert event.to_dict()["data"] == {
        "zaak_id": "Z-2026-000123",
        "datum": "2026-04-04",
        "toewijzingnummer": "300202",  # xs:integer: the leading zero is not part of it
    }
    # Logged on the Dagtekening, 00:00 in Helmond (CEST in April).
    assert event.time == datetime(2026, 4, 4, 22, 0, tzinfo=UTC)
    assert parse_stored_event(event.to_json()) == event
    assert not any(value.encode() in event.to_json() for value in PERSONAL)


def test_a_307_becomes_zorg_beeindigd_with_einddatum_and_reden() -> None:
    parsed = read(bericht("WMO307", [Regel("300201", einddatum="2026-07-17", reden="31")]))
    (fact,) = pending_facts(parsed)
    data = fact.to_event("Z-1").to_dict()["data"]
    assert fact.type_name == "zorg.beeindigd"
    assert data == {
        "zaak_id": "Z-1",
        "datum": "2026-07-17",
        "reden": "31",
        "toewijzingnummer": "300201",
    }


def test_ijw_messages_map_the_same_way_from_the_ijw_source(xsd: XsdSet) -> None:
    jeugd = Regel("400100", categorie="55", code="55A11", begindatum="2026-05-01")
    (fact,) = pending_facts(read(bericht("JW305", [jeugd]), xsd=xsd))
    assert (fact.type_name, fact.source) == ("zorg.gestart", f"urn:nld:agb:{AGB}:systeem:ijw")
    (stop,) = pending_facts(read(bericht("JW307", [jeugd]), xsd=xsd))
    assert (stop.type_name, stop.reden) == ("zorg.beeindigd", "31")


def test_event_ids_are_stable_per_message_line_so_a_resend_is_a_duplicate() -> None:
    message = bericht("WMO305", [Regel("1"), Regel("2")], identificatie="A-17")
    first, again = pending_facts(read(message)), pending_facts(read(message))
    assert [f.to_event("Z").to_json() for f in first] == [f.to_event("Z").to_json() for f in again]
    assert len({f.event_id for f in first}) == 2
    other = pending_facts(read(bericht("WMO305", [Regel("1")], identificatie="A-18")))
    assert other[0].event_id != first[0].event_id


def test_a_parked_fact_round_trips_through_json_without_personal_data() -> None:
    (fact,) = pending_facts(read(bericht("WMO307", [Regel("300201")])))
    raw = fact.to_json()
    assert PendingFact.from_json(raw) == fact
    assert not any(value.encode() in raw for value in PERSONAL)
    with pytest.raises(ValueError, match="version"):
        PendingFact.from_json(json.dumps({"v": 99}).encode())


@pytest.mark.parametrize("validate", [False, True], ids=["elements", "xsd"])
def test_a_missing_begindatum_is_refused_naming_the_element(xsd: XsdSet, validate: bool) -> None:
    body = bericht("WMO305", [Regel("1"), Regel("2")]).replace(
        b"<wmo305:Begindatum>2026-04-03</wmo305:Begindatum>", b"", 1
    )
    problems = refusal(body, xsd if validate else None).problems
    assert problems[0]["element"] == "Bericht/Client/StartProducten/StartProduct[1]" + (
        "" if validate else "/Begindatum"
    )
    assert "Begindatum" in problems[0]["reason"] + problems[0]["element"]


def test_an_invalid_bsn_is_named_but_never_repeated(xsd: XsdSet) -> None:
    refused = refusal(bericht("WMO305", [Regel("1")], bsn="99990000X"), xsd)
    assert refused.status == 422
    assert refused.problems == [
        {
            "element": "Bericht/Client/Bsn",
            "reason": "does not have the form its XSD type requires",
            "type": "xsd_pattern",
        }
    ]
    assert "99990000X" not in json.dumps(refused.problems)


def test_xsd_reasons_never_quote_the_value(xsd: XsdSet) -> None:
    body = bericht("WMO305", [Regel("12a45", begindatum="2026-13-45")])
    problems = refusal(body, xsd).problems
    assert {p["element"].rsplit("/", 1)[1] for p in problems} == {"ToewijzingNummer", "Begindatum"}
    assert "12a45" not in json.dumps(problems) and "2026-13-45" not in json.dumps(problems)


def test_an_unexpected_element_is_named_with_what_was_expected(xsd: XsdSet) -> None:
    body = bericht("WMO305", [Regel("1")]).replace(
        b"<wmo305:StatusAanlevering>",
        b"<wmo305:Opmerking>x</wmo305:Opmerking><wmo305:StatusAanlevering>",
    )
    (problem,) = refusal(body, xsd).problems
    assert problem["element"] == "Bericht/Client/StartProducten/StartProduct"  # the only one
    assert (
        problem["reason"] == "has an unexpected child element Opmerking; expected StatusAanlevering"
    )


@pytest.mark.parametrize(
    ("body", "element", "code"),
    [
        (
            bericht("WMO305", [Regel("1")], ontvanger="0363"),
            "Bericht/Header/Ontvanger",
            "ontvanger",
        ),
        (
            bericht("WMO305", [Regel(None)]),
            "Bericht/Client/StartProducten/StartProduct[1]/ToewijzingNummer",
            "missing",
        ),
        (
            bericht("WMO305", [Regel("1", status="3")]),
            "Bericht/Client/StartProducten/StartProduct[1]/StatusAanlevering",
            "status_unsupported",
        ),
        (
            bericht("WMO305", [Regel("1", status="2")]),
            "Bericht/Client/StartProducten/StartProduct[1]/StatusAanlevering",
            "status",
        ),
        (
            bericht("WMO307", [Regel("1", einddatum="1989-12-31")]),
            "Bericht/Client/StopProducten/StopProduct[1]/Einddatum",
            "date_range",
        ),
        (
            bericht("WMO305", [Regel("1")]).replace(b">418<", b">420<"),
            "Bericht/Header/BerichtCode",
            "berichtcode",
        ),
        (bericht("WMO305", [Regel("1")], afzender="1234"), "Bericht/Header/Afzender", "format"),
        (
            bericht("WMO305", [Regel("1234567890")]),
            "Bericht/Client/StartProducten/StartProduct[1]/ToewijzingNummer",
            "nummer",
        ),
    ],
)
def test_documented_elements_are_checked_without_the_xsd(
    body: bytes, element: str, code: str
) -> None:
    problems = refusal(body).problems
    assert {"element": element, "type": code} in [
        {"element": p["element"], "type": p["type"]} for p in problems
    ]


def test_a_message_of_another_kind_is_refused_naming_the_root() -> None:
    refused = refusal(
        b'<wmo301:Bericht xmlns:wmo301="http://www.istandaarden.nl/iwmo/3_2/wmo301/schema"/>'
    )
    assert (refused.status, refused.slug) == (422, "unsupported-message")
    assert refused.problems[0]["element"] == "Bericht"


def test_every_problem_is_reported_at_once() -> None:
    body = bericht("WMO307", [Regel(None), Regel("2", reden="x")], ontvanger="0363")
    types = [p["type"] for p in refusal(body).problems]
    assert sorted(types) == ["format", "missing", "ontvanger"]


def test_toewijzingnummers_have_one_spelling() -> None:
    assert normalise_nummer("0300201") == normalise_nummer("+300201") == "300201"
    assert normalise_nummer(" 300201 ") == "300201"
    assert normalise_nummer("TW-17") == "TW-17"


def test_an_incomplete_xsd_folder_stops_the_start(tmp_path: Path) -> None:
    (tmp_path / "iwmo").mkdir()
    (tmp_path / "iwmo" / "WMO305.xsd").write_text((XSD_DIR / "iwmo" / "WMO305.xsd").read_text())
    with pytest.raises(XsdSetIncomplete, match="basisschema"):
        XsdSet.load(tmp_path)


def test_the_dagtekening_gives_the_logged_time_in_winter_too() -> None:
    (fact,) = pending_facts(read(bericht("WMO305", [Regel("1")], dagtekening="2026-01-15")))
    assert fact.time.astimezone(UTC) == datetime(2026, 1, 14, 23, 0, tzinfo=UTC)
    assert fact.datum == date(2026, 4, 3)
