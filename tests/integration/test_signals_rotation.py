"""Key rotation of the vault on real SQLite and PostgreSQL (``vault_url``): every pseudonym
moves to the new key version, and a signal that arrives after the rotation still joins its
household's open zaak."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date

from pydantic import SecretStr
from sqlalchemy import select

from services.kpi.vroegsignalen.processor import table_key
from services.signals.pipeline import outreach, sources
from services.signals.pipeline.delivery import start_delivery
from services.signals.pipeline.loading import load_batch
from services.signals.pipeline.publisher import event_address
from services.signals.settings import Settings, SignalsSettings
from services.signals.vault.person_rights import inzage, person_keys
from services.signals.vault.rotation import rotate
from services.signals.vault.schema import cases, signals
from services.signals.vault.vault_context import build_core
from shared.contract.events.catalog import TYPE_PREFIX
from shared.core.kpi.vroegsignalering import VroegsignaalzaakHistory, vroegsignaalzaak_contribution
from shared.core.pseudonym import Pseudonymiser

BSN = "123456782"


def _rows(*signals_: tuple[str, str, str]) -> Iterator[sources.Row]:
    items = [
        {"ID": sid, "bedrag": 100, "signaaldatum": day, "signaalpartner": {"type": partner},
         "client": {"Burgerservicenummer": BSN, "Postcode": "5702 ab", "Huisnummer": "3"}}
        for sid, partner, day in signals_
    ]  # fmt: skip
    body = {"leveringen": [{"teller": 1, "gemeentecode": "0794", "vroegsignalen": items}]}
    return sources.read_ddas_json(io.BytesIO(json.dumps(body).encode()))


def test_rotation_moves_every_pseudonym_and_keeps_grouping(vault_url: str) -> None:
    settings = Settings(signals=SignalsSettings(database_url=vault_url))
    old = build_core(settings)
    today = date(2026, 6, 1)
    delivery = start_delivery(old, "test", sources.DeliveryFormat.JSON)
    load_batch(old, _rows(("R-1", "Huur", "2026-04-01")), delivery, today, (), {})

    new_key = Pseudonymiser(SecretStr("a-new-secret-for-version-two"), "v2")
    core = replace(old, pseudonymiser=new_key)
    mapping = rotate(core)
    expected = new_key.huishouden("5702AB", "3", None)
    assert list(mapping.values()) == [expected]
    with core.engine.connect() as conn:
        rows = conn.execute(select(signals)).mappings().all()
        zaken = conn.execute(select(cases)).mappings().all()
    assert {(r["huishouden"], r["key_version"]) for r in rows} == {(expected, "v2")}
    assert rows[0]["persoon"] == new_key.person_from_bsn(BSN)
    assert rows[0]["signaal_pseudonym"].startswith("vs-v2-")
    assert [(z["huishouden"], z["key_version"]) for z in zaken] == [(expected, "v2")]
    assert rotate(core) == {}  # idempotent: nothing left on the old version

    later = start_delivery(core, "test", sources.DeliveryFormat.JSON)
    out = load_batch(core, _rows(("W-1", "Water", "2026-05-01")), later, today, (), {})
    assert out.accepted == 1
    assert out.events[0].data.model_dump()["vroegsignaalzaak_id"] == zaken[0]["id"]
    found = inzage(core, person_keys(core, BSN))
    assert sorted(s["signaal_id"] for s in found["signalen"]) == ["R-1", "W-1"]
    core.engine.dispose()  # psycopg warns about connections left to the garbage collector


def test_an_open_zaak_counts_on_in_the_same_figures_after_rotation(vault_url: str) -> None:
    """Its new signal and contactpoging land in the KPI worker's existing entry of the zaak
    (same household key, same partition), so the zaak's figures simply continue."""
    settings = Settings(signals=SignalsSettings(database_url=vault_url))
    old = build_core(settings)
    today = date(2026, 6, 1)
    delivery = start_delivery(old, "test", sources.DeliveryFormat.JSON)
    before = load_batch(old, _rows(("R-1", "Huur", "2026-04-01")), delivery, today, (), {})
    core = replace(old, pseudonymiser=Pseudonymiser(SecretStr("a-new-secret-for-v2"), "v2"))
    rotate(core)

    later = start_delivery(core, "test", sources.DeliveryFormat.JSON)
    after = load_batch(core, _rows(("W-1", "Water", "2026-05-01")), later, today, (), {})
    zaak = before.events[0].data.model_dump()["vroegsignaalzaak_id"]
    _, poging = outreach.add_contactpoging(
        core, zaak, date(2026, 5, 4), "telefoon", None, True, "t"
    )
    published = [*before.events, *after.events, poging]

    entries: dict[str, VroegsignaalzaakHistory] = {}
    for event in published:
        data = event.data.model_dump(mode="python")
        entry = table_key(data["huishouden"], data["vroegsignaalzaak_id"])
        kind = event.type.removeprefix(TYPE_PREFIX)
        entries[entry] = entries.get(entry, VroegsignaalzaakHistory()).add(
            kind, event.source, event.id, event.time, data
        )
    assert list(entries) == [table_key(before.events[0].data.huishouden, zaak)]
    assert {event_address(e).huishouden for e in published} == {before.events[0].data.huishouden}
    fields = {f.split("@")[0] for (_, f) in vroegsignaalzaak_contribution(entries.popitem()[1])}
    assert {"zaken", "meervoudig", "contact", "bereikt"} <= fields
    core.engine.dispose()
