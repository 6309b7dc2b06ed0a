"""Wachtend: zaken granted whose care has not started on the peildatum, list and counts."""
