"""The intake's problem details: the one shared helper (shared/problems.py), re-exported."""

from shared.problems import (
    PROBLEM_BASE,
    PROBLEM_JSON,
    ProblemError,
    install_problem_handlers,
    problem,
)

__all__ = ["PROBLEM_BASE", "PROBLEM_JSON", "ProblemError", "install_problem_handlers", "problem"]
