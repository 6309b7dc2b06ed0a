"""One zaak's lifecycle per law, as business facts (type, datum, data) before delivery.

- Wmo: melding -> onderzoek-afgerond -> aanvraag-ontvangen -> besloten -> zorg.toegewezen ->
  zorg.gestart (-> zorg.beeindigd).
- Jeugdwet: aanvraag -> besloten (-> zorg as for Wmo); Participatiewet: aanvraag -> besloten.
- Wgs: hulpvraag (some crisis) -> eerste-contact (the eerste gesprek) -> besloten.
- STH: hulpvraag -> eerste-contact (mostly within 10 werkdagen) -> afgesloten (~20% verwezen).
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from typing import Any

from demo import profile
from demo.besluit import Planned, plan_besluit
from demo.timing import Timing
from shared.core.domain_config import Wet

_DAYS = timedelta(days=1)


class Lifecycles:
    def __init__(self, timing: Timing) -> None:
        self.t = timing

    def plan(
        self, rng: random.Random, wet: Wet, start: date, where: dict[str, Any]
    ) -> list[Planned]:
        data: dict[str, Any] = {"wet": wet.value, "soort": profile.SOORT[wet], **where}
        if wet is Wet.WGS and rng.random() < profile.WGS_CRISIS:
            data["crisis"] = True
        steps: list[Planned] = [("zaak.aangemeld", start, data)]
        if wet is Wet.WMO:
            steps += self._wmo(rng, start)
        elif wet is Wet.WGS:
            steps += self._wgs(rng, start, crisis=bool(data.get("crisis")))
        elif wet is Wet.STH:
            steps += self._sth(rng, start)
        else:
            plan = plan_besluit(rng, self.t, wet, start, start + 10 * _DAYS)
            steps += [*plan.steps, ("zaak.besloten", plan.besluit, {"uitkomst": plan.uitkomst})]
            if wet is Wet.JEUGDWET and plan.uitkomst == "toegekend":
                steps += self._care(rng, wet, plan.besluit)
        return steps

    def _wmo(self, rng: random.Random, melding: date) -> list[Planned]:
        plan = plan_besluit(rng, self.t, Wet.WMO, melding, melding + 14 * _DAYS)
        if plan.opgeschort is not None:  # the aanvraag lacked something: asked right after
            aanvraag = plan.opgeschort - rng.randint(1, 5) * _DAYS
        else:
            lag = rng.randint(1, 12) if rng.random() < 0.9 else rng.randint(15, 25)
            aanvraag = plan.besluit - lag * _DAYS
        aanvraag = self.t.on_or_before(max(aanvraag, melding + 3 * _DAYS))
        onderzoek = self.t.on_or_before(aanvraag - rng.randint(0, 3) * _DAYS)
        steps: list[Planned] = [("zaak.onderzoek-afgerond", max(onderzoek, melding), {})]
        if plan.uitkomst != "ingetrokken" or rng.random() < 0.5:
            steps.append(("zaak.aanvraag-ontvangen", aanvraag, {}))
        steps += [*plan.steps, ("zaak.besloten", plan.besluit, {"uitkomst": plan.uitkomst})]
        if plan.uitkomst == "toegekend":
            steps += self._care(rng, Wet.WMO, plan.besluit)
        return steps

    def _wgs(self, rng: random.Random, hulpvraag: date, *, crisis: bool) -> list[Planned]:
        if rng.random() < 0.05:  # withdrawn before the eerste gesprek
            ingetrokken = self.t.on_or_after(hulpvraag + rng.randint(7, 30) * _DAYS)
            return [("zaak.besloten", ingetrokken, {"uitkomst": "ingetrokken"})]
        gesprek = self._first_contact(rng, Wet.WGS, hulpvraag, crisis=crisis)
        plan = plan_besluit(rng, self.t, Wet.WGS, gesprek, gesprek + 7 * _DAYS)
        vorm = rng.choice(("intakegesprek", "intakegesprek", "huisbezoek"))
        return [
            ("zaak.eerste-contact", gesprek, {"vorm": vorm}),
            *plan.steps,
            ("zaak.besloten", plan.besluit, {"uitkomst": plan.uitkomst}),
        ]

    def _sth(self, rng: random.Random, hulpvraag: date) -> list[Planned]:
        if rng.random() < 0.02:  # never reached: closed without a first contact
            closed = self.t.on_or_after(hulpvraag + rng.randint(20, 40) * _DAYS)
            return [("zaak.afgesloten", closed, {"verwezen": False})]
        contact = self._first_contact(rng, Wet.STH, hulpvraag, crisis=False)
        vorm = rng.choices(("huisbezoek", "gesprek", "telefonisch"), weights=(60, 25, 15))[0]
        closed = self.t.on_or_after(contact + int(rng.triangular(14, 240, 60)) * _DAYS)
        verwezen = rng.random() < profile.STH_VERWEZEN
        return [
            ("zaak.eerste-contact", contact, {"vorm": vorm}),
            ("zaak.afgesloten", closed, {"verwezen": verwezen}),
        ]

    def _first_contact(self, rng: random.Random, wet: Wet, start: date, *, crisis: bool) -> date:
        clock = self.t.clock(wet, "zaak.eerste-contact")
        term = clock.crisis_term if crisis and clock.crisis_term is not None else clock.term
        due = self.t.on_or_after(self.t.term_end(start, term))
        if rng.random() < profile.FIRST_CONTACT_ON_TIME:
            return self.t.on_or_before(start + rng.randint(1, (due - start).days) * _DAYS)
        return self.t.on_or_after(due + rng.randint(1, 15) * _DAYS)

    def _care(self, rng: random.Random, wet: Wet, besluit: date) -> list[Planned]:
        categorie, code = rng.choice(profile.PRODUCTS[wet])
        nummer = f"TW-{rng.randrange(10**8):08d}"
        if rng.random() < profile.SPOED:  # urgent care that started before the besluit
            gestart = toegewezen = self.t.on_or_before(besluit - rng.randint(1, 14) * _DAYS)
        else:
            toegewezen = self.t.on_or_after(besluit + rng.randint(0, 10) * _DAYS)
            wait = min(rng.lognormvariate(math.log(profile.WAIT_MEDIAN[wet]), 0.8), 240)
            gestart = self.t.on_or_after(toegewezen + int(wait) * _DAYS)
        toewijzing = {
            "toewijzingnummer": nummer,
            "product": {"categorie": categorie, "code": code},
            "aanbieder": rng.choice(profile.AANBIEDERS),
        }
        steps: list[Planned] = [("zorg.toegewezen", toegewezen, toewijzing)]
        if rng.random() < profile.NEVER_STARTED:
            return steps
        steps.append(("zorg.gestart", gestart, {"toewijzingnummer": nummer}))
        if rng.random() < profile.BEEINDIGD:
            einde = self.t.on_or_after(gestart + rng.randint(30, 330) * _DAYS)
            reden = rng.choice(("02", "02", "02", "01", "05"))
            steps.append(("zorg.beeindigd", einde, {"reden": reden, "toewijzingnummer": nummer}))
        return steps
