"""Reads of the crisis domain, one module per area (alerts, reports, …)."""
