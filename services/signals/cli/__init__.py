"""Command-line entry points: load a delivery, write the month's DDAS export."""
