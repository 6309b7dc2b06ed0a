"""A seeded, realistic demo stream of Helmond's sociaal domein as intake CloudEvents.

Pure (no Kafka, Redis or HTTP): ``DemoStream(DemoOptions(...))`` yields the events a case
system would post to the intake, day by day, in bounded memory. See docs/demo.md.
"""

from demo.delivery import Quirks
from demo.stats import DemoStats
from demo.stream import DemoOptions, DemoStream

__all__ = ["DemoOptions", "DemoStats", "DemoStream", "Quirks"]
