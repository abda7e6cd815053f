"""Pages of this app (private to it: only its urls.py imports them)."""
