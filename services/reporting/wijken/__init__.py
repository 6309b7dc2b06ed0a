"""The configured wijken, for clients such as the dashboard."""
