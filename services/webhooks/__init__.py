"""Webhook dispatcher: pushes the alerts of the alerts topic to the configured webhooks."""
