"""The intake's publisher: the one shared acks=all publisher (shared/publisher.py), re-exported."""

from shared.publisher import Publisher

__all__ = ["Publisher"]
