"""Why a message was refused: the element, the reason and a stable code, never the value.

An iWmo/iJw message carries a BSN, a name and a birth date; a refusal names where the message
went wrong (``Client/StartProducten/StartProduct[2]/Begindatum``) but never repeats what was
there, so an answer or a log line cannot leak it.
"""

from __future__ import annotations

from typing import TypedDict


class ElementProblem(TypedDict):
    element: str
    reason: str
    type: str


def element_problem(element: str, reason: str, code: str) -> ElementProblem:
    return {"element": element, "reason": reason, "type": code}


class MessageRefused(Exception):
    """The message cannot be taken; ``status`` and ``slug`` become the RFC 9457 answer."""

    def __init__(self, status: int, slug: str, title: str, problems: list[ElementProblem]) -> None:
        super().__init__(title)
        self.status = status
        self.slug = slug
        self.title = title
        self.problems = problems
