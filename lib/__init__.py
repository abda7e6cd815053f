"""Shared code, one module per topic (never a catch-all utils module)."""
