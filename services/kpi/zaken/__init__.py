"""The case zaken: the events agent, per-zaak state and processor, the alert clock and its
publisher, and the sinks that materialise figures, termijnen and wachtend to Redis.
"""
