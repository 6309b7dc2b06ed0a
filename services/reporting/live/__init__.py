"""Live updates of the monitor over Server-Sent Events: ``GET /api/v1/live`` (routes.py)."""
