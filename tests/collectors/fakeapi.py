"""A local server that plays one platform's API: each test subclasses `FakeAPI.handle` with the
platform's real request parameters, response JSON/HTML and headers (no mocks of our code: the
collectors' real httpx requests go over a socket to it)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Call:
    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass
class Answer:
    status: int = 200
    body: Any = None  # JSON-able, or bytes/str sent as is
    headers: dict[str, str] = field(default_factory=dict)


class FakeAPI:
    content_type = "application/json"

    def __init__(self) -> None:
        self.calls: list[Call] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self, method: str) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw and "json" in (self.headers.get("Content-Type") or "") else raw
                call = Call(method, parts.path, dict(parse_qsl(parts.query)), dict(self.headers), body)
                api.calls.append(call)
                answer = api.handle(call)
                payload = answer.body
                if not isinstance(payload, bytes | str):
                    payload = json.dumps(payload)
                data = payload.encode() if isinstance(payload, str) else payload
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.headers.pop("Content-Type", api.content_type))
                for key, value in answer.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def handle(self, call: Call) -> Answer:
        raise NotImplementedError

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def paths(self, path: str) -> list[Call]:
        return [c for c in self.calls if c.path == path]
