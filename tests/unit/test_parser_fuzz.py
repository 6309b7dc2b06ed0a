"""Every parser at an edge refuses bad input with its own error, never anything else.

Hypothesis feeds each parser arbitrary and near-valid input (mutated catalog examples, deep
nesting, huge numbers, invalid UTF-8, XML with DTDs and entities); the only exception allowed
is the parser's documented one, which the services turn into a 4xx or a dead letter. Any
other exception would be a 5xx at the HTTP edges or a stopped consumer (issue 17 item 4).
"""

from __future__ import annotations

import contextlib
import io
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import SecretStr, ValidationError

from services.intake.iwmo.errors import MessageRefused
from services.intake.iwmo.parse import parse_bericht
from services.intake.iwmo.xmlsafe import parse_xml
from services.intake.zgw.models import Notificatie
from services.signals.pipeline.sources import DeliveryFileError, read_csv, read_ddas_json
from shared.contract.events import EventValidationError, accept_at_edge
from shared.contract.events.binding import UndecodableRecord, from_kafka_record
from shared.contract.events.catalog import INTAKE_TYPES
from shared.contract.events.examples import example_event
from shared.core.domain_config import load_domain_config
from shared.core.pseudonym import Pseudonymiser
from shared.platform.settings import DEFAULT_DOMAIN_CONFIG

DOMAIN = load_domain_config(DEFAULT_DOMAIN_CONFIG)
PSEUDONYMS = Pseudonymiser(SecretStr("fuzz-test-key"), "v1")
PREFIX = "nl.helmond.sociaaldomein."
DEEP = b"[" * 100_000 + b"]" * 100_000

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.integers(min_value=10**30, max_value=10**40) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=20,
)  # fmt: skip


@st.composite
def near_valid_events(draw: st.DrawFn) -> dict[str, Any]:
    """A catalog example of an intake type with one to three fields replaced or removed."""
    kind = draw(st.sampled_from(sorted(INTAKE_TYPES))).removeprefix(PREFIX)
    event: dict[str, Any] = example_event(kind, form="intake")
    for _ in range(draw(st.integers(1, 3))):
        target = event if draw(st.booleans()) or not isinstance(event.get("data"), dict) else (
            event["data"])  # fmt: skip
        field = draw(st.sampled_from(sorted(target) or ["x"]))
        if draw(st.booleans()):
            target.pop(field, None)
        else:
            target[field] = draw(json_values)
    return event


@settings(max_examples=300)
@given(st.one_of(near_valid_events(), json_values, st.binary(max_size=200)))
def test_the_intake_edge_refuses_only_with_validation_errors(raw: Any) -> None:
    with contextlib.suppress(EventValidationError):
        accept_at_edge(raw, DOMAIN, PSEUDONYMS)


@pytest.mark.parametrize("raw", [DEEP, b'{"a":' * 50_000, b"\xff\xfe", b"1e999999", b"-"])
def test_deep_nesting_and_broken_bytes_are_validation_errors(raw: bytes) -> None:
    with pytest.raises(EventValidationError):
        accept_at_edge(raw, DOMAIN, PSEUDONYMS)


headers = st.lists(
    st.tuples(st.sampled_from(["ce_id", "ce_type", "ce_source", "ce_specversion", "ce_time",
                               "content-type", "ce_subject", "x"]), st.binary(max_size=40)),
    max_size=6,
)  # fmt: skip


@settings(max_examples=300)
@given(
    st.none() | st.binary(max_size=30),
    st.none() | st.binary(max_size=200) | near_valid_events().map(lambda e: json.dumps(e).encode()),
    headers,
)
def test_a_kafka_record_is_an_event_or_undecodable(
    key: bytes | None, value: bytes | None, found: list[tuple[str, bytes]]
) -> None:
    with contextlib.suppress(UndecodableRecord):
        from_kafka_record(key, value, found)


XML_PARTS = st.sampled_from([
    b"<?xml version='1.0'?>", b"<!DOCTYPE a [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>",
    b"<!ENTITY x 'xx'>", b"&e;", b"<Bericht>", b"</Bericht>", b"<Header>", b"</Header>",
    b"<a xmlns='http://www.istandaarden.nl/iwmo/3_2/wmo301/schema'>", b"</a>", b"\xff", b"<",
    b"<![CDATA[x]]>", b"<Client><Bsn>123456782</Bsn></Client>",
])  # fmt: skip


@settings(max_examples=300)
@given(st.lists(XML_PARTS, max_size=10).map(b"".join) | st.binary(max_size=200))
def test_an_iwmo_message_is_parsed_or_refused(body: bytes) -> None:
    with contextlib.suppress(MessageRefused):
        parse_bericht(parse_xml(body), "0794")


def test_xml_bombs_are_refused() -> None:
    laughs = (b"<?xml version='1.0'?><!DOCTYPE l [<!ENTITY a 'aaaaaaaaaa'>"
              b"<!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;'>]><l>&b;</l>")  # fmt: skip
    for body in (laughs, b"<a>" * 100_000):
        with pytest.raises(MessageRefused):
            parse_xml(body)


CSV = DOMAIN.signals.csv  # the configured delivery columns


@settings(max_examples=200)
@given(st.binary(max_size=300) | st.text(max_size=300).map(lambda t: t.encode("utf-8")))
def test_a_delivery_file_is_rows_or_a_delivery_error(body: bytes) -> None:
    for read in (lambda b: read_csv(b, CSV), read_ddas_json):
        with contextlib.suppress(DeliveryFileError):
            for _ in read(io.BytesIO(body)):
                pass


@settings(max_examples=200)
@given(json_values | st.fixed_dictionaries({"kanaal": json_values, "aanmaakdatum": json_values,
                                            "resourceUrl": json_values}))  # fmt: skip
def test_a_zgw_notification_is_valid_or_a_validation_error(body: Any) -> None:
    with contextlib.suppress(ValidationError):
        Notificatie.model_validate(body)
