"""Headless Chromium (Debian's `chromium` package) driven over the DevTools protocol with
`websockets`: set the viewport, open a file, run a script, take a screenshot."""

from __future__ import annotations

import base64
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from websockets.sync.client import ClientConnection, connect

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DARK_FLAGS = ["--force-dark-mode", "--blink-settings=forceDarkModeEnabled=true"]


def binary() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


class Chromium:
    def __init__(self, *, dark: bool = False, timeout: float = 30):
        executable = binary()
        if executable is None:
            raise FileNotFoundError("chromium tidak terpasang")
        self.profile = Path(tempfile.mkdtemp(prefix="digest-chromium-"))
        args = [executable, *FLAGS, *(DARK_FLAGS if dark else []), f"--user-data-dir={self.profile}"]
        args += ["--remote-debugging-port=0", "about:blank"]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while not (port_file.exists() and len(port_file.read_text().splitlines()) >= 2):
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.close()
                raise RuntimeError("chromium tidak membuka DevTools")
            time.sleep(0.05)
        port = port_file.read_text().splitlines()[0]
        pages = [t for t in httpx.get(f"http://127.0.0.1:{port}/json/list").json() if t["type"] == "page"]
        self.socket: ClientConnection = connect(pages[0]["webSocketDebuggerUrl"], max_size=None).__enter__()
        self.ids = itertools.count(1)
        self.call("Page.enable")
        # A phone has no scrollbar taking width, and a full-page screenshot must not reflow.
        self.call("Emulation.setScrollbarsHidden", hidden=True)

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        ident = next(self.ids)
        self.socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv(timeout=60))
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))

    def _wait_for(self, event: str) -> None:
        while True:
            message = json.loads(self.socket.recv(timeout=60))
            if message.get("method") == event:
                return

    def open(self, path: Path, width: int, height: int = 800) -> None:
        self.call(
            "Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=width < 600
        )
        ident = next(self.ids)
        self.socket.send(json.dumps({"id": ident, "method": "Page.navigate", "params": {"url": path.as_uri()}}))
        self._wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(str(result["exceptionDetails"]))
        return result["result"].get("value")

    def screenshot(self, width: int, height: int) -> bytes:
        clip = {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True, clip=clip)["data"]
        return base64.b64decode(data)

    def close(self) -> None:
        if hasattr(self, "socket"):
            self.socket.__exit__(None, None, None)
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.profile, ignore_errors=True)
