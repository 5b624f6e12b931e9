"""One real HTTP server on 127.0.0.1 for the whole test session; each test gets a `Site` of its own.

A site lives under a fresh path prefix (`http://127.0.0.1:PORT/s17`), so tests never see each
other's routes or requests, and no test pays for starting or stopping a server. A site either
answers from scripted routes (`site.serve("/rss", Reply(...))`, requests recorded in
`site.requests`) or hands every request to a function (the fake Slack, Kibana, a proxy).
Paths a site sees are its own: the prefix is removed, the query kept.
"""

from __future__ import annotations

import itertools
import socket
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    # Seconds to wait after the request was handled and before answering (timeout tests).
    delay: float = 0.0


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # inside the site: prefix removed, query kept
    headers: Message  # case-insensitive, as the client sent them
    body: bytes


Handler = Callable[[Request], Reply]
Route = Callable[[Request], Reply]


class Site:
    """One test's part of the server: its URLs, its routes and the requests they got."""

    def __init__(self, server: LocalHTTPServer, prefix: str, handler: Handler | None):
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._server = server
        self._prefix = prefix
        self.handle: Handler = handler or self._route

    def url(self, path: str = "") -> str:
        return f"{self._server.origin}{self._prefix}{path}"

    def serve(self, path: str, reply: Reply | Route) -> None:
        self.routes[path] = reply if callable(reply) else (lambda _request, r=reply: r)

    def close(self) -> None:
        """Later requests to this site get 404, like a server that moved on."""
        self._server.remove(self._prefix)

    def _route(self, request: Request) -> Reply:
        self.requests.append((request.path, dict(request.headers)))
        route = self.routes.get(request.path)
        return route(request) if route else Reply(404, b"not found")


class LocalHTTPServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        """`host`: another loopback address (127.0.0.2) is another host to per-host limits."""
        self._sites: dict[str, Site] = {}
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        server = self

        class Dispatch(BaseHTTPRequestHandler):
            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                site, path = server._find(self.path)
                if site is None:
                    reply = Reply(404, b"no such site")
                else:
                    try:
                        reply = site.handle(Request(self.command, path, self.headers, body))
                    except Exception:  # the test's own handler broke: say so instead of hanging up
                        reply = Reply(500, traceback.format_exc().encode())
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout tests)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _any

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer((host, 0), Dispatch)
        self.httpd.daemon_threads = True
        self.origin = f"http://{host}:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def site(self, handler: Handler | None = None, *, root: bool = False) -> Site:
        """A new site: answering from its routes, or from `handler` when given. `root`: the site
        answers every path no other site claims, from the server's root (for what must live at a
        host's root, such as robots.txt; use it on a server of your own, not the shared one)."""
        with self._lock:
            prefix = "" if root else f"/s{next(self._numbers)}"
            self._sites[prefix] = site = Site(self, prefix, handler)
        return site

    def remove(self, prefix: str) -> None:
        with self._lock:
            self._sites.pop(prefix, None)

    def _find(self, target: str) -> tuple[Site | None, str]:
        first, _, rest = target.removeprefix("/").partition("/")
        prefix, query_sep, query = first.partition("?")
        with self._lock:
            site = self._sites.get(f"/{prefix}")
            if site is None and "" in self._sites:
                return self._sites[""], target
        path = "/" + rest if rest or not query_sep else "/?" + query
        return site, path

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


_shared: LocalHTTPServer | None = None
_shared_lock = threading.Lock()


def shared_server() -> LocalHTTPServer:
    """The session's server, started on first use (the `local_http` fixture closes it)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = LocalHTTPServer()
        return _shared


def close_shared_server() -> None:
    global _shared
    with _shared_lock:
        if _shared is not None:
            _shared.close()
            _shared = None


def unused_url() -> str:
    """An http URL on a port nobody listens on (bound once by us, then released)."""
    return f"http://127.0.0.1:{free_port()}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
