"""The Redis views of a batch of records: each zaak's last history, written in one pipeline.

The processor hands every zaak it touched to a ``StagedView`` per view (figures, termijnen,
wachtend). Nothing is written then: ``ViewBatch.flush`` computes each view's script call once
per zaak, from the zaak's last history in the batch, and sends all of them in one pipelined
round trip. Every script replaces the zaak's stored document atomically and writing the same
document twice is a no-op, so only the final state of a zaak matters, and a batch that is
written again after a crash or a redelivery changes nothing.

A zaak's calls go as one EVALSHA of a script that runs the views' own scripts one after the
other, unchanged, each with its own keys and arguments (``combined_source``): one command to
pack and one reply to parse per zaak instead of three.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from redis.asyncio import Redis
from redis.commands.core import AsyncScript

from services.kpi.stream.redis_retry import retrying

log = logging.getLogger("wijkpuls.kpi.views")


@dataclass(frozen=True, slots=True)
class ScriptCall:
    """One EVALSHA of a sink's replace script: the zaak's keys and its new document."""

    script: AsyncScript
    keys: Sequence[str]
    args: Sequence[str | int]

    async def run(self) -> Any:
        return await self.script(keys=list(self.keys), args=list(self.args))

    def queue(self, pipe: Any) -> None:
        pipe.scripts.add(self.script)  # loaded by the pipeline if Redis lost it
        pipe.evalsha(self.script.sha, len(self.keys), *self.keys, *self.args)


def combined_source(sources: Sequence[str]) -> str:
    """One Lua script that runs ``sources`` in order. Its ARGV starts with each script's key
    and argument count; then come the scripts' keys (KEYS) and arguments (ARGV), in order."""
    functions = [
        f"local function view{i}(KEYS, ARGV)\n{source.strip()}\nend"
        for i, source in enumerate(sources, 1)
    ]
    names = ", ".join(f"view{i}" for i in range(1, len(sources) + 1))
    return "\n".join(
        [
            *functions,
            f"local views = {{{names}}}",
            "local ki, ai = 0, #views * 2",
            "for i, view in ipairs(views) do",
            "  local nk, na = tonumber(ARGV[2 * i - 1]), tonumber(ARGV[2 * i])",
            "  local k, a = {}, {}",
            "  for j = 1, nk do k[j] = KEYS[ki + j] end",
            "  for j = 1, na do a[j] = ARGV[ai + j] end",
            "  ki, ai = ki + nk, ai + na",
            "  view(k, a)",
            "end",
            "return 1",
        ]
    )


class ViewSink(Protocol):
    def call(self, zaak_id: str, history: Any) -> ScriptCall:
        """``history``: the zaak's ``ZaakHistory``, or what its view is written from (the
        figures view: ``FiguresOfZaak``, history and change times)."""
        ...


class StagedView:
    """A sink whose ``replace`` only remembers the zaak's latest history until the flush."""

    def __init__(self, sink: ViewSink) -> None:
        self.sink = sink
        self.pending: dict[str, Any] = {}

    async def replace(self, zaak_id: str, history: Any) -> bool:
        self.pending[zaak_id] = history
        return True


class ViewBatch:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._views: list[StagedView] = []
        self._combined: dict[tuple[str, ...], AsyncScript] = {}

    def staged(self, sink: ViewSink) -> StagedView:
        view = StagedView(sink)
        self._views.append(view)
        return view

    def pending(self) -> int:
        return sum(len(v.pending) for v in self._views)

    def clear(self) -> None:
        for view in self._views:
            view.pending.clear()

    async def flush(self) -> dict[str, Exception]:
        """Write every staged zaak; retried while Redis is away. Returns the zaken that failed."""
        failed: dict[str, Exception] = {}
        per_zaak: dict[str, list[ScriptCall]] = {}
        for view in self._views:
            for zaak_id, history in view.pending.items():
                try:
                    call = view.sink.call(zaak_id, history)
                except Exception as exc:  # a bug on one zaak must not stop the others
                    failed[zaak_id] = exc
                else:
                    per_zaak.setdefault(zaak_id, []).append(call)
        self.clear()
        calls = [(zaak_id, self._combine(c)) for zaak_id, c in per_zaak.items()]
        if calls:
            results = await retrying(lambda: self._execute(calls))
            for (zaak_id, _), result in zip(calls, results, strict=True):
                if isinstance(result, Exception):
                    failed.setdefault(zaak_id, result)
        return failed

    def _combine(self, calls: list[ScriptCall]) -> ScriptCall:
        if len(calls) == 1:
            return calls[0]
        shas = tuple(c.script.sha for c in calls)
        script = self._combined.get(shas)
        if script is None:
            sources = [_text(c.script.script) for c in calls]
            script = self._combined[shas] = self._redis.register_script(combined_source(sources))
        counts: list[str | int] = []
        for call in calls:
            counts += [len(call.keys), len(call.args)]
        keys = [k for c in calls for k in c.keys]
        return ScriptCall(script, keys, [*counts, *(a for c in calls for a in c.args)])

    async def _execute(self, calls: list[tuple[str, ScriptCall]]) -> list[Any]:
        pipe = self._redis.pipeline(transaction=False)
        for _, call in calls:
            call.queue(pipe)
        return list(await pipe.execute(raise_on_error=False))


def _text(source: str | bytes | memoryview) -> str:
    return source if isinstance(source, str) else bytes(source).decode()
