"""The contract between the services: event models and catalog, topic names, Redis key layouts
and record formats (docs/architecture.md). Imports the core, never the platform.
"""
