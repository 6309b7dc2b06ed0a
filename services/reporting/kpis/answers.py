"""Finished KPI answers, kept per query and content version, so a repeated read costs a
lookup instead of filtering, presenting and serialising the table again.

The key holds everything the answer depends on: the KPI, the peildatum, the role class
(controlled or not; publiek's closed periodes), the content version of the cells (a change
of any cell gives a new version, so a stale answer is never served), the filters, the KPI's
own parameters and the format. What a role that sees small numbers read is kept beside the
body, so the access log still records every such read.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

AnswerKey = tuple[Any, ...]


@dataclass(frozen=True)
class Answer:
    body: bytes
    media_type: str
    small_numbers_read: int | None  # None: a controlled answer, nothing to log


class AnswerCache:
    """The ``size`` answers used last; the oldest goes first."""

    def __init__(self, size: int = 1024) -> None:
        self._size = size
        self._entries: OrderedDict[AnswerKey, Answer] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: AnswerKey) -> Answer | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: AnswerKey, answer: Answer) -> None:
        with self._lock:
            self._entries[key] = answer
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
