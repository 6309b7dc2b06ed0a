"""Deliveries in: rows streamed, validated, stored in the vault and published to Kafka;
contactpogingen and resultaten recorded and published.
"""
