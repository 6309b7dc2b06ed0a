"""The hardened XML reader: no DTD, no entities, no external references, bounded nesting."""

from __future__ import annotations

import pytest
from fixtures.iwmo_berichten import Regel, bericht

from services.intake.iwmo.errors import MessageRefused
from services.intake.iwmo.xmlsafe import MAX_DEPTH, parse_xml

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<lolz>&lol4;</lolz>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE Bericht [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Bericht>&xxe;</Bericht>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE Bericht SYSTEM "http://attacker.invalid/evil.dtd">
<Bericht/>"""


def refused(body: bytes) -> MessageRefused:
    with pytest.raises(MessageRefused) as caught:
        parse_xml(body)
    assert caught.value.__cause__ is None  # no chained parser error quoting the input
    return caught.value


@pytest.mark.parametrize("body", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD])
def test_document_type_declarations_are_refused_before_any_expansion(body: bytes) -> None:
    problem = refused(body)
    assert (problem.status, problem.slug) == (400, "forbidden-xml")
    assert problem.problems == [
        {
            "element": "DOCTYPE",
            "reason": "a document type declaration (DTD) is not accepted",
            "type": "xml_forbidden",
        }
    ]


def test_an_undeclared_entity_is_malformed_not_resolved() -> None:
    problem = refused(b"<Bericht><Header>&xxe;</Header></Bericht>")
    assert problem.problems[0]["element"] == "Bericht/Header"
    assert "undefined entity" in problem.problems[0]["reason"]


def test_malformed_xml_names_the_open_element_and_the_position() -> None:
    body = bericht("WMO305", [Regel("1")]).replace(b"</wmo305:Begindatum>", b"</wmo305:Begin>", 1)
    (problem,) = refused(body).problems
    assert problem["element"] == ("Bericht/Client/StartProducten/StartProduct/Begindatum")
    assert problem["reason"].startswith("is not well-formed XML (mismatched tag) at line ")
    assert problem["type"] == "xml_malformed"


def test_an_empty_or_truncated_body_is_malformed() -> None:
    assert refused(b"").problems[0]["element"] == "(document)"
    assert refused(bericht("WMO305", [Regel("1")])[:400]).status == 400


def test_nesting_is_bounded() -> None:
    deep = b"<a>" * (MAX_DEPTH + 1) + b"</a>" * (MAX_DEPTH + 1)
    (problem,) = refused(deep).problems
    assert problem["type"] == "too_deep"
    assert parse_xml(b"<a>" * MAX_DEPTH + b"</a>" * MAX_DEPTH).tag == "a"


def test_a_realistic_message_parses() -> None:
    root = parse_xml(bericht("WMO305", [Regel("1")]))
    assert root.tag == "{http://www.istandaarden.nl/iwmo/3_2/wmo305/schema}Bericht"
