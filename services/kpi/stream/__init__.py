"""How the KPI worker consumes reliably: batches of a manual-ack stream, every record applied
even when faust skips some (gaps), staging before any ack, Redis writes retried.
"""
