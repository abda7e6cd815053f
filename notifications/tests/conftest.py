"""Fixtures of the notification tests: a local HTTP gateway that records what it receives."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class Gateway:
    """What a centre's adapter would see: each request's headers and JSON body."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        self.answer = b'{"ok": true}'
        self.url = ""


@pytest.fixture
def gateway():
    state = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            state.requests.append(
                {
                    "path": self.path,
                    "headers": dict(self.headers),
                    "body": json.loads(self.rfile.read(length).decode("utf-8")),
                }
            )
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(state.answer)))
            self.end_headers()
            self.wfile.write(state.answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/send"
    yield state
    server.shutdown()
    server.server_close()
