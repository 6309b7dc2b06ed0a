"""The synchronizer token against CSRF (docs/signin.md#csrf) without I/O: a page session's
state-changing request is accepted with its own token (header or hidden form field, compared
with hmac.compare_digest) and refused, naming why, without one, with another's, or from a
session that has none; the signals pages put the token into every POST form, only there."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from starlette.requests import Request

from services.signals.api.auth import Caller
from services.signals.pages.layout import with_token
from services.signals.settings import SignalsRole
from services.signals.signin import PersonRole
from shared.platform.web_signin import Person, csrf_refusal

TOKEN = "Qm9vbS10aGlzLWlzLWEtdGVzdC10b2tlbi0wMTIzNDU2Nzg5"
VERA = Person(PersonRole.VROEGSIGNALERING, "demo-vroegsignalering-0004", "Vera", (), TOKEN)


def _request(headers: dict[str, str], body: bytes = b"") -> Request:
    sent = False

    async def receive() -> dict[str, object]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/vroegsignalering/zaken/VS-1/contactpoging",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }
    return Request(scope, receive)


def _form(**fields: str) -> Request:
    kind = {"Content-Type": "application/x-www-form-urlencoded"}
    return _request(kind, urlencode(fields).encode())


async def test_the_sessions_own_token_is_accepted_in_the_header_or_the_form() -> None:
    assert await csrf_refusal(_request({"X-CSRF-Token": TOKEN}), VERA) is None
    assert await csrf_refusal(_form(datum="2026-03-02", csrf=TOKEN), VERA) is None
    # the form is read once and kept: the page handler reads the same fields afterwards
    request = _form(datum="2026-03-02", csrf=TOKEN)
    assert await csrf_refusal(request, VERA) is None
    assert (await request.form())["datum"] == "2026-03-02"


@pytest.mark.parametrize(
    ("request_of", "reason"),
    [
        (lambda: _form(datum="2026-03-02"), "geen beveiligingstoken"),
        (lambda: _request({}), "geen beveiligingstoken"),
        (lambda: _form(csrf=""), "geen beveiligingstoken"),
        (lambda: _form(csrf=TOKEN[:-1] + "x"), "hoort niet bij uw sessie"),
        (lambda: _request({"X-CSRF-Token": "een-ander-token"}), "hoort niet bij uw sessie"),
        # the header, when sent, is what counts: a right field does not mend a wrong header
        (
            lambda: _request(
                {"X-CSRF-Token": "fout", "Content-Type": "application/x-www-form-urlencoded"},
                f"csrf={TOKEN}".encode(),
            ),
            "hoort niet bij uw sessie",
        ),
    ],
)
async def test_a_missing_or_foreign_token_is_refused_naming_why(
    request_of: object, reason: str
) -> None:
    assert callable(request_of)
    refused = await csrf_refusal(request_of(), VERA)
    assert refused is not None and reason in refused


async def test_a_route_that_streams_its_body_takes_the_header_only() -> None:
    refused = await csrf_refusal(_form(csrf=TOKEN), VERA, read_form=False)
    assert refused is not None and "geen beveiligingstoken" in refused
    assert await csrf_refusal(_request({"X-CSRF-Token": TOKEN}), VERA, read_form=False) is None


async def test_a_session_without_a_token_or_no_session_is_refused() -> None:
    old = Person(PersonRole.VROEGSIGNALERING, "s", "n")  # a session made before tokens
    for person in (old, None):
        refused = await csrf_refusal(_request({"X-CSRF-Token": TOKEN}), person)
        assert refused is not None and "opnieuw aan" in refused


def test_every_post_form_of_a_signed_in_page_gets_the_token_and_nothing_else_does() -> None:
    html = (
        '<form class="formulier" method="get" action="/vroegsignalering/werklijst"></form>'
        '<form class="formulier" method="post" novalidate action="/x"><button>a</button></form>'
        '<form id="levering-form" method="post" enctype="multipart/form-data"></form>'
    )
    hidden = f'<input type="hidden" name="csrf" value="{TOKEN}">'
    vera = Caller("demo-vroegsignalering-0004", SignalsRole.VROEGSIGNALERING, person=VERA)
    shown = with_token(html, vera)
    assert shown.count(hidden) == 2
    assert 'action="/x">' + hidden in shown and 'form-data">' + hidden in shown
    assert 'werklijst">' + hidden not in shown
    # an API client or nobody: no session, no token in the page
    key = Caller("team", SignalsRole.VROEGSIGNALERING)
    assert with_token(html, key) == html and with_token(html, None) == html
    # the token is escaped like every value in a page
    odd = Person(PersonRole.VROEGSIGNALERING, "s", "n", (), '"><script>')
    assert "<script>" not in with_token(html, Caller("s", SignalsRole.VROEGSIGNALERING, person=odd))
