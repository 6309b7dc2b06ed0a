"""Where a request comes from: a wijk by weight, and how the case system names it.

A wijk is drawn by its configured household count times a vulnerability factor. The event
then carries the wijk name, a postcode inside the wijk's configured range, or a ``client``
block (test BSN, postcode, huisnummer) that the intake edge pseudonymises. A few requests
have a postcode outside Helmond and end up under ``onbekend``.
"""

from __future__ import annotations

import random
import string
from itertools import accumulate
from typing import Any

from demo import profile
from shared.contract.events.bsn import passes_elfproef
from shared.core.domain_config import DomainConfig, WijkConfig, normalise_postcode

_LETTERS = string.ascii_uppercase
_TEST_BSN_BASE = 999_900_000  # RvIG test range 9999xxxxx: numbers no resident has


class Population:
    def __init__(self, domain: DomainConfig) -> None:
        self.wijken = [w for w in domain.wijken if w.postcodes]
        weights = [
            (w.huishoudens or 1000) * profile.VULNERABILITY.get(w.naam, 1.0) for w in self.wijken
        ]
        self._cumulative = list(accumulate(weights))

    def weights(self) -> dict[str, float]:
        """Share of requests per wijk name (before the onbekend share), for docs and tests."""
        total = self._cumulative[-1]
        previous = [0.0, *self._cumulative[:-1]]
        return {
            w.naam: (c - p) / total
            for w, c, p in zip(self.wijken, self._cumulative, previous, strict=True)
        }

    def postcode(self, rng: random.Random) -> str:
        """A PC6 in a wijk drawn by weight (always inside Helmond: for vroegsignalering)."""
        return _postcode_in(rng.choices(self.wijken, cum_weights=self._cumulative)[0], rng)

    def locate(self, rng: random.Random) -> dict[str, Any]:
        """The ``data`` fields that say where the request comes from."""
        if rng.random() < profile.ONBEKEND_RATE:
            pc = rng.choice(profile.OUTSIDE_PC4) + rng.choice(_LETTERS) + rng.choice(_LETTERS)
            return {"postcode": pc}
        wijk = rng.choices(self.wijken, cum_weights=self._cumulative)[0]
        draw = rng.random()
        if draw < profile.CLIENT_RATE:
            return {"client": client_block(rng, _postcode_in(wijk, rng))}
        if draw < profile.CLIENT_RATE + profile.WIJK_NAME_RATE:
            return {"wijk": wijk.naam}
        postcode = _postcode_in(wijk, rng)
        return {"postcode": postcode[:4] + " " + postcode[4:] if rng.random() < 0.3 else postcode}


def client_block(rng: random.Random, postcode: str) -> dict[str, Any]:
    client: dict[str, Any] = {"bsn": test_bsn(rng), "postcode": postcode}
    client["huisnummer"] = int(rng.triangular(1, 250, 12))
    if rng.random() < 0.15:
        client["toevoeging"] = rng.choice(("A", "B", "C", "1", "2", "bis", "A01"))
    return client


def test_bsn(rng: random.Random) -> str:
    """A number from the RvIG test range that passes the 11-proef."""
    while True:
        candidate = str(_TEST_BSN_BASE + rng.randrange(100_000))
        if passes_elfproef(candidate):
            return candidate


def _postcode_in(wijk: WijkConfig, rng: random.Random) -> str:
    """A PC6 inside one of the wijk's configured ranges."""
    r = rng.choice(wijk.postcodes)
    van, tot = normalise_postcode(r.van), normalise_postcode(r.tot)
    assert van is not None and tot is not None  # checked when the config was loaded
    lo, hi = _index(van.ljust(6, "A")), _index(tot.ljust(6, "Z"))
    return _from_index(rng.randint(lo, hi))


def _index(pc6: str) -> int:
    return int(pc6[:4]) * 676 + _LETTERS.index(pc6[4]) * 26 + _LETTERS.index(pc6[5])


def _from_index(index: int) -> str:
    digits, letters = divmod(index, 676)
    return f"{digits:04d}{_LETTERS[letters // 26]}{_LETTERS[letters % 26]}"
