"""REST endpoints of this app under /api/v1/ (listed in api/urls.py)."""
