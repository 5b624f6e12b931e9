"""A keep-alive HTTP/1.1 server on a raw socket, for the answers a well-behaved server library
will not send: a body dripped a byte at a time, a 204 that carries a body anyway."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable

# (bytes to send, seconds to wait before sending them)
Chunks = list[tuple[bytes, float]]
Handler = Callable[[str], Chunks]


class RawHTTPServer:
    def __init__(self, handler: Handler):
        self.handler = handler
        self.requests: list[tuple[int, str]] = []  # (connection number, path)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self._stop = False
        self._connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _accept(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self._connections += 1
            threading.Thread(target=self._serve, args=(conn, self._connections), daemon=True).start()

    def _serve(self, conn: socket.socket, number: int) -> None:
        buffer = b""
        with conn:
            while not self._stop:
                while b"\r\n\r\n" not in buffer:
                    try:
                        data = conn.recv(65536)
                    except OSError:
                        return
                    if not data:
                        return
                    buffer += data
                head, buffer = buffer.split(b"\r\n\r\n", 1)
                path = head.split(b"\r\n", 1)[0].split(b" ")[1].decode()
                self.requests.append((number, path))
                try:
                    for data, delay in self.handler(path):
                        if delay:
                            time.sleep(delay)
                        conn.sendall(data)
                except OSError:
                    return  # the client gave up

    def close(self) -> None:
        self._stop = True
        self.sock.close()


def response(status: str, body: bytes, headers: dict[str, str] | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", *(f"{k}: {v}" for k, v in (headers or {}).items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body
