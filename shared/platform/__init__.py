"""The platform: Kafka binding and admin, HTTP problem details, serving, logs, health, base
settings and "today" (docs/architecture.md). Imports the core and the contract.
"""
