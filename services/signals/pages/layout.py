"""The page shell of the signals service's pages (Dutch, NL Design System CSS): head, the
navigation of the signed-in role, the footer with who is signed in and "Afmelden".

Pages are rendered on the server as plain HTML: forms work without script, and every value
that comes from the vault or a person is escaped here (``e``), never trusted as markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

from fastapi.responses import HTMLResponse

from services.signals.api.auth import Caller
from services.signals.settings import SignalsRole
from shared.platform.web_signin import CSRF_FIELD

VENDOR = "/signalen/vendor"
# Everything from this origin only: no CDN, no inline script (the upload page's one script
# is a file of this site), forms post only here.
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; script-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    # same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" on a form
    # POST, and the CSRF check (api/auth.py from_this_site) needs this site's origin
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",  # pages with identity are not kept by the browser
}
NAVIGATION = {
    SignalsRole.VROEGSIGNALERING: [
        ("/vroegsignalering/werklijst", "Werklijst"),
        ("/vroegsignalering/levering", "Levering laden"),
        ("/vroegsignalering/export", "DDAS-export"),
    ],
    SignalsRole.PRIVACY_OFFICER: [
        ("/privacy/toegangslog", "Toegangslog"),
        ("/privacy/inzage", "Inzage en verwijderen"),
        ("/privacy/bewaartermijnen", "Bewaartermijnen"),
        ("/privacy/sleutels", "Sleutelrotatie"),
    ],
}


_POST_FORM = re.compile(r'<form\b[^>]*\bmethod="post"[^>]*>')


def with_token(html: str, caller: Caller | None) -> str:
    """Every POST form of a signed-in person's page gets the session's CSRF token as a hidden
    field, here in one place, so no form can be forgotten (checked by access.py)."""
    token = caller.person.csrf if caller is not None and caller.person is not None else None
    if not token:
        return html
    hidden = f'<input type="hidden" name="{CSRF_FIELD}" value="{e(token)}">'
    return _POST_FORM.sub(lambda form: form.group(0) + hidden, html)


def e(value: Any) -> str:
    """Escaped text of any value ('' for None)."""
    return "" if value is None else escape(str(value), quote=True)


def page(
    title: str,
    body: str,
    caller: Caller | None = None,
    *,
    current: str = "",
    status: int = 200,
) -> HTMLResponse:
    links = NAVIGATION.get(caller.role, []) if caller else []
    here = ' aria-current="page"'
    items = "".join(
        f'<li class="utrecht-nav-list__item"><a class="utrecht-nav-list__link" href="{href}"'
        f"{here if href == current else ''}>{e(text)}</a></li>"
        for href, text in links
    )
    nav = (
        f'<nav class="utrecht-nav-bar navigatie" aria-label="Pagina\'s van uw rol">'
        f'<ul class="utrecht-nav-list">{items}</ul></nav>'
        if items
        else ""
    )
    return HTMLResponse(
        f"""<!doctype html>
<html lang="nl" class="voorbeeld-theme">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)} - Wijkpuls vroegsignalering en privacy, gemeente Helmond</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{VENDOR}/voorbeeld-theme.css">
<link rel="stylesheet" href="{VENDOR}/utrecht-component-library.css">
<link rel="stylesheet" href="/signalen/huis.css">
<link rel="stylesheet" href="/signalen/signalen.css">
</head>
<body class="utrecht-document utrecht-page-layout">
<a class="utrecht-skip-link utrecht-skip-link--visible-on-focus" href="#inhoud">Naar de inhoud</a>
<header class="utrecht-page-header kop"><div class="utrecht-page-header__content kop__inhoud">
<p class="merk"><span class="merk__naam">Wijkpuls</span>
<span class="merk__sub">vroegsignalering en privacy, gemeente Helmond</span></p>
{nav}
</div></header>
<main id="inhoud" class="utrecht-page-content inhoud" tabindex="-1">
<h1 class="utrecht-heading-1">{e(title)}</h1>
{with_token(body, caller)}
</main>
{with_token(_footer(caller), caller)}
</body>
</html>""",
        status_code=status,
        headers=HEADERS,
    )


def _footer(caller: Caller | None) -> str:
    if caller is None or caller.person is None:
        who = '<a class="utrecht-link" href="/auth/aanmelden">Aanmelden als medewerker</a>'
    else:
        who = (
            f"Aangemeld als {e(caller.shown_name)} (rol {e(caller.role.value)}). "
            '<form class="afmelden" method="post" action="/auth/afmelden">'
            '<button class="utrecht-button utrecht-button--secondary-action" type="submit">'
            "Afmelden</button></form>"
        )
    return (
        '<footer class="utrecht-page-footer voet"><div class="utrecht-page-footer__content">'
        f'<p class="utrecht-paragraph">{who}</p>'
        '<p class="utrecht-paragraph uitleg">Elke inzage in gegevens van een huishouden wordt '
        "met uw naam vastgelegd in het toegangslog, dat de privacyfunctionaris leest. "
        'API-documentatie: <a class="utrecht-link" href="/docs">/docs</a>.</p>'
        "</div></footer>"
    )


def table(
    caption: str, headers: Sequence[str], rows: Iterable[Sequence[str]], *, raw: bool = False
) -> str:
    """A table; cells are escaped unless ``raw`` (then the caller escaped them)."""
    head = "".join(
        f'<th class="utrecht-table__header-cell" scope="col">{e(h)}</th>' for h in headers
    )
    body = "".join(
        '<tr class="utrecht-table__row">'
        + "".join(f'<td class="utrecht-table__cell">{c if raw else e(c)}</td>' for c in row)
        + "</tr>"
        for row in rows
    )
    return (
        # a wide table scrolls: keyboard users reach it (focusable region, WCAG 2.1.1)
        f'<div class="tabel" tabindex="0" role="region" aria-label="{e(caption)}">'
        '<table class="utrecht-table">'
        f'<caption class="utrecht-table__caption">{e(caption)}</caption>'
        f'<thead class="utrecht-table__header"><tr class="utrecht-table__row">{head}</tr></thead>'
        f'<tbody class="utrecht-table__body">{body}</tbody></table></div>'
    )


def alert(text: str, kind: str = "info", *, raw: bool = False) -> str:
    role = ' role="alert"' if kind in ("error", "warning") else ' role="status"'
    return (
        f'<div class="utrecht-alert utrecht-alert--{kind}"{role}>'
        f'<p class="utrecht-paragraph">{text if raw else e(text)}</p></div>'
    )


def field(
    name: str,
    label: str,
    control: str,
    error: str | None = None,
    hint: str | None = None,
) -> str:
    """A form field with its label, hint and (when invalid) the error beside it; ``control``
    is the input's HTML, which must carry ``id=name`` and the describedby of this field."""
    invalid = " utrecht-form-field--invalid" if error else ""
    parts = [f'<div class="utrecht-form-field{invalid}">']
    parts.append(f'<label class="utrecht-form-label" for="{name}">{e(label)}</label>')
    if hint:
        parts.append(f'<p class="utrecht-form-field-description" id="{name}-uitleg">{e(hint)}</p>')
    if error:
        parts.append(
            f'<p class="utrecht-form-field-error-message" id="{name}-fout">'
            f"<strong>Fout:</strong> {e(error)}</p>"
        )
    parts.append(control)
    parts.append("</div>")
    return "".join(parts)


def described(name: str, error: str | None, hint: bool = False) -> str:
    """The aria attributes of a control: its hint and error, and invalid when in error."""
    ids = ([f"{name}-uitleg"] if hint else []) + ([f"{name}-fout"] if error else [])
    attrs = f' aria-describedby="{" ".join(ids)}"' if ids else ""
    return attrs + (' aria-invalid="true"' if error else "")


def select(name: str, options: Sequence[tuple[str, str]], chosen: str | None, attrs: str) -> str:
    items = "".join(
        f'<option value="{e(v)}"{" selected" if v == chosen else ""}>{e(t)}</option>'
        for v, t in options
    )
    return (
        f'<select class="utrecht-select utrecht-select--html-select" id="{name}" name="{name}"'
        f"{attrs}>{items}</select>"
    )


def textbox(name: str, value: str | None, attrs: str, kind: str = "text") -> str:
    return (
        f'<input class="utrecht-textbox utrecht-textbox--html-input" id="{name}" name="{name}" '
        f'type="{kind}" value="{e(value)}"{attrs}>'
    )


def button(text: str, secondary: bool = False) -> str:
    kind = "secondary-action" if secondary else "primary-action"
    return f'<button class="utrecht-button utrecht-button--{kind}" type="submit">{e(text)}</button>'


def yes_no(value: Any) -> str:
    return "ja" if value else "nee"


def euro(amount: float) -> str:
    whole = f"{amount:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"€ {whole}"
