"""A local HTTP server that speaks enough of the Slack Web API (and incoming webhooks) to drive
the real slack-sdk client against it.

Behaviour modelled on Slack's documented API:
- `POST /api/<method>` with a JSON, form-encoded or query-string body; the bot token in
  `Authorization: Bearer ...` (or a `token` parameter); `ok:false` errors with HTTP 200;
- chat.postMessage, chat.update, conversations.history, conversations.replies, auth.test;
  messages keep their `metadata`, returned only with `include_all_metadata`;
- a subset of Block Kit validation (block types, text object types, length limits) answering
  `invalid_blocks` like Slack does;
- `POST /services/...`: an incoming webhook answering "ok" or an error body with 4xx.
Faults are scripted per method: a 429 with Retry-After (nothing stored), an `ok:false` error, or
a slow answer given *after* the request was processed (to make the client time out on a message
Slack has in fact stored). It is a site on the session's local HTTP server (tests/localhttp.py).
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

from localhttp import LocalHTTPServer, Reply
from localhttp import Request as HTTPRequest

WEBHOOK_PATH = "/services/T0FAKE/B0FAKE/s3cr3t"

TEXT_TYPES = {"plain_text", "mrkdwn"}
BLOCK_KEYS = {
    "header": {"type", "text", "block_id"},
    "section": {"type", "text", "fields", "accessory", "block_id"},
    "context": {"type", "elements", "block_id"},
    "divider": {"type", "block_id"},
}
# `<...>` control sequences and bare broadcast words, as Slack would act on them in mrkdwn text.
_CONTROL = re.compile(r"<([^<>]*)>")
_BARE_BROADCAST = re.compile(r"(?<![\w])@(channel|here|everyone)\b", re.IGNORECASE)


@dataclass
class Fault:
    """What to do with the next request to a method instead of (or besides) answering normally."""

    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    # Seconds to wait after processing the request and before answering.
    delay: float = 0.0


@dataclass
class Request:
    method: str
    content_type: str
    params: dict[str, Any]
    status: int = 200
    error: str | None = None


@dataclass
class Markup:
    """What Slack would interpret in a message: mentions/broadcasts and link targets."""

    mentions: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


def markup(message: dict[str, Any]) -> Markup:
    """Parse the top-level text and every mrkdwn text object; plain_text is shown literally."""
    found = Markup()
    texts = [message.get("text") or ""]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                texts.append(node.get("text", ""))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message.get("blocks") or [])
    for text in texts:
        for inner in _CONTROL.findall(text):
            if inner[:1] in ("!", "@", "#"):
                found.mentions.append(inner)
            else:
                found.links.append(inner.split("|", 1)[0].replace("&amp;", "&"))
        found.mentions.extend(f"@{word}" for word in _BARE_BROADCAST.findall(text))
    return found


def _block_errors(blocks: Any) -> list[str]:
    """A subset of Slack's Block Kit validation: enough to catch limits a renderer can break."""
    if not isinstance(blocks, list) or len(blocks) > 50:
        return ["blocks must be a list of at most 50 blocks"]
    errors: list[str] = []

    def text_object(obj: Any, where: str, limit: int, types: set[str] = TEXT_TYPES) -> None:
        if not isinstance(obj, dict) or obj.get("type") not in types:
            errors.append(f"{where}: expected a text object of type {sorted(types)}")
            return
        allowed = {"type", "text", "emoji"} if obj["type"] == "plain_text" else {"type", "text", "verbatim"}
        if set(obj) - allowed:
            errors.append(f"{where}: unknown keys {sorted(set(obj) - allowed)}")
        text = obj.get("text")
        if not isinstance(text, str) or not text:
            errors.append(f"{where}: text must be a non-empty string")
        elif len(text) > limit:
            errors.append(f"{where}: text longer than {limit}")

    for i, block in enumerate(blocks):
        kind = block.get("type") if isinstance(block, dict) else None
        if kind not in BLOCK_KEYS:
            errors.append(f"[{i}]: unsupported block type {kind!r}")
            continue
        if set(block) - BLOCK_KEYS[kind]:
            errors.append(f"[{i}]: unknown keys {sorted(set(block) - BLOCK_KEYS[kind])}")
        if kind == "header":
            text_object(block.get("text"), f"[{i}].text", 150, {"plain_text"})
        elif kind == "section":
            if "text" not in block and "fields" not in block:
                errors.append(f"[{i}]: section needs text or fields")
            if "text" in block:
                text_object(block["text"], f"[{i}].text", 3000)
            fields = block.get("fields", [])
            if len(fields) > 10:
                errors.append(f"[{i}].fields: more than 10")
            for j, item in enumerate(fields):
                text_object(item, f"[{i}].fields[{j}]", 2000)
        elif kind == "context":
            elements = block.get("elements") or []
            if not 1 <= len(elements) <= 10:
                errors.append(f"[{i}].elements: 1 to 10 needed")
            for j, item in enumerate(elements):
                text_object(item, f"[{i}].elements[{j}]", 3000)
    return errors


class FakeSlack:
    """`FakeSlack(server)` answers on a new site of `server` until `close()`; point clients at
    `slack.base_url` (Web API) or `slack.webhook_url`."""

    def __init__(
        self, server: LocalHTTPServer, token: str = "xoxb-fake-token", channels: tuple[str, ...] = ("C0KRISIS01",)
    ):
        self.token = token
        self.channels = set(channels)
        # The bot token's scopes, sent in `X-OAuth-Scopes` like Slack does; None: no header.
        self.scopes: str | None = "chat:write,channels:history,groups:history"
        # Channels the bot was not invited to (`not_in_channel` for reads and posts).
        self.outside: set[str] = set()
        # True: Slack is down; every Web API request gets HTTP 503 and nothing is stored.
        self.down = False
        self.requests: list[Request] = []
        self.webhook_payloads: list[dict[str, Any]] = []
        self._messages: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._faults: dict[str, deque[Fault]] = defaultdict(deque)
        self._lock = threading.Lock()
        self._ts = itertools.count(1)
        self._site = server.site(self._handle)

    def close(self) -> None:
        self._site.close()

    @property
    def base_url(self) -> str:
        return self._site.url("/api/")

    @property
    def webhook_url(self) -> str:
        return self._site.url(WEBHOOK_PATH)

    # -- scripting and inspection ------------------------------------------------------------

    def script(self, method: str, *faults: Fault) -> None:
        """Queue faults for the next requests to `method` ("webhook" for the webhook)."""
        with self._lock:
            self._faults[method].extend(faults)

    def chatter(self, channel: str, count: int) -> None:
        """Other people's messages in the channel, stored directly."""
        with self._lock:
            for i in range(count):
                self._messages[channel].append(
                    {"type": "message", "ts": self._next_ts(), "text": f"obrolan {i}", "user": "U0ORANG"}
                )

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Every stored message of a channel (parents and replies), in the order posted."""
        with self._lock:
            return copy.deepcopy(self._messages[channel])

    def thread(self, channel: str, ts: str) -> list[dict[str, Any]]:
        """The replies of a thread, oldest first (the parent excluded)."""
        return [m for m in self.messages(channel) if m.get("thread_ts") == ts and m["ts"] != ts]

    def calls(self, method: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.method == method]

    # -- the API -----------------------------------------------------------------------------

    def _next_ts(self) -> str:
        # Real time plus a counter: unique and increasing like Slack's, comparable to `oldest`.
        return f"{int(time.time())}.{next(self._ts):06d}"

    def _find(self, channel: str, ts: str) -> dict[str, Any] | None:
        return next((m for m in self._messages[channel] if m["ts"] == ts), None)

    def _channel(self, params: dict[str, Any]) -> str:
        channel = params.get("channel")
        if channel not in self.channels:
            raise _ApiError("channel_not_found")
        if channel in self.outside:
            raise _ApiError("not_in_channel")
        return str(channel)

    def _post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params)
        blocks = _json_param(params.get("blocks"))
        if not params.get("text") and not blocks:
            raise _ApiError("no_text")
        if blocks is not None and (errors := _block_errors(blocks)):
            raise _ApiError("invalid_blocks", errors=errors)
        metadata = _json_param(params.get("metadata"))
        if metadata is not None and not (
            isinstance(metadata.get("event_type"), str) and isinstance(metadata.get("event_payload"), dict)
        ):
            raise _ApiError("invalid_metadata_format")
        message: dict[str, Any] = {
            "type": "message",
            "ts": self._next_ts(),
            "text": params.get("text", ""),
            "bot_id": "B0FAKEBOT",
            "user": "U0FAKEBOT",
        }
        for key in ("mrkdwn", "parse", "link_names", "unfurl_links", "unfurl_media"):
            if key in params:
                message[key] = params[key]
        if blocks is not None:
            message["blocks"] = blocks
        if metadata is not None:
            message["metadata"] = metadata
        thread_ts = params.get("thread_ts")
        if thread_ts:
            parent = self._find(channel, thread_ts)
            if parent is None or parent.get("thread_ts", parent["ts"]) != parent["ts"]:
                raise _ApiError("thread_not_found")
            parent["thread_ts"] = parent["ts"]
            parent["reply_count"] = parent.get("reply_count", 0) + 1
            message["thread_ts"] = thread_ts
            if _truthy(params.get("reply_broadcast")):
                message["subtype"] = "thread_broadcast"
        self._messages[channel].append(message)
        return {"channel": channel, "ts": message["ts"], "message": _public(message, with_metadata=True)}

    def _update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params)
        message = self._find(channel, str(params.get("ts")))
        if message is None:
            raise _ApiError("message_not_found")
        blocks = _json_param(params.get("blocks"))
        if blocks is not None and (errors := _block_errors(blocks)):
            raise _ApiError("invalid_blocks", errors=errors)
        if "text" in params:
            message["text"] = params["text"]
        if blocks is not None:
            message["blocks"] = blocks
        metadata = _json_param(params.get("metadata"))
        if metadata is not None:  # Slack keeps the old metadata when none is given
            message["metadata"] = metadata
        message["edited"] = {"user": "U0FAKEBOT", "ts": self._next_ts()}
        return {
            "channel": channel,
            "ts": message["ts"],
            "text": message["text"],
            "message": _public(message, with_metadata=True),
        }

    def _history(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params)
        oldest = float(params.get("oldest") or 0)
        latest = float(params.get("latest") or "inf")
        # Thread replies stay out of the history unless they were broadcast to the channel.
        top_level = [
            m
            for m in self._messages[channel]
            if m.get("thread_ts") in (None, m["ts"]) or m.get("subtype") == "thread_broadcast"
        ]
        visible = [m for m in top_level if oldest < float(m["ts"]) <= latest]
        visible.reverse()  # newest first, like Slack
        return self._page(visible, params)

    def _replies(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params)
        ts = str(params.get("ts"))
        parent = self._find(channel, ts)
        if parent is None:
            raise _ApiError("thread_not_found")
        thread = [parent] + [m for m in self._messages[channel] if m.get("thread_ts") == ts and m["ts"] != ts]
        return self._page(thread, params)

    def _page(self, messages: list[dict[str, Any]], params: dict[str, Any]) -> dict[str, Any]:
        limit = min(int(params.get("limit") or 100), 999)
        start = int(params.get("cursor") or 0)
        chunk = messages[start : start + limit]
        more = start + limit < len(messages)
        with_metadata = _truthy(params.get("include_all_metadata"))
        return {
            "messages": [_public(m, with_metadata=with_metadata) for m in chunk],
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": "https://humas-uji.slack.com/",
            "team": "Humas Uji",
            "user": "monitor",
            "team_id": "T0FAKE",
            "user_id": "U0FAKEBOT",
            "bot_id": "B0FAKEBOT",
        }

    METHODS: ClassVar[dict[str, Callable[[FakeSlack, dict[str, Any]], dict[str, Any]]]] = {
        "chat.postMessage": _post_message,
        "chat.update": _update,
        "conversations.history": _history,
        "conversations.replies": _replies,
        "auth.test": _auth_test,
    }

    # -- HTTP --------------------------------------------------------------------------------

    def _handle(self, http: HTTPRequest) -> Reply:
        url = urlsplit(http.path)
        content_type = (http.headers.get("Content-Type") or "").split(";")[0].strip()
        if url.path == WEBHOOK_PATH or url.path.startswith("/services/"):
            return self._webhook(url.path, http.body)
        method = url.path.removeprefix("/api/")
        params: dict[str, Any] = dict(parse_qsl(url.query))
        if content_type == "application/json" and http.body:
            params.update(json.loads(http.body))
        elif http.body:
            params.update(parse_qsl(http.body.decode("utf-8"), keep_blank_values=True))
        return self._api(http, method, content_type, params)

    def _api(self, http: HTTPRequest, method: str, content_type: str, params: dict[str, Any]) -> Reply:
        request = Request(method, content_type, params)
        auth = http.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else params.get("token")
        with self._lock:
            self.requests.append(request)
            fault = self._faults[method].popleft() if self._faults[method] else Fault()
            if self.down:
                result: dict[str, Any] = {"ok": False, "error": "service_unavailable"}
                fault = Fault(status=503)
            elif not token:
                result = {"ok": False, "error": "not_authed"}
            elif token != self.token:
                result = {"ok": False, "error": "invalid_auth"}
            elif fault.status == 429:
                result = {"ok": False, "error": "ratelimited"}
            elif fault.error:
                result = {"ok": False, "error": fault.error}
            elif method not in self.METHODS:
                result = {"ok": False, "error": "unknown_method"}
            else:
                try:
                    result = {"ok": True, **self.METHODS[method](self, params)}
                except _ApiError as exc:
                    result = {"ok": False, "error": exc.code, **exc.extra}
            request.status = fault.status if fault.status in (429, 503) else 200
            request.error = result.get("error")
        headers = {"Retry-After": str(fault.retry_after or 1)} if fault.status == 429 else {}
        if self.scopes is not None and request.status == 200:
            headers["X-OAuth-Scopes"] = self.scopes
        return _answer(request.status, json.dumps(result), "application/json; charset=utf-8", headers, fault.delay)

    def _webhook(self, path: str, body: bytes) -> Reply:
        with self._lock:
            fault = self._faults["webhook"].popleft() if self._faults["webhook"] else Fault()
            self.requests.append(request := Request("webhook", "application/json", {}))
            if path != WEBHOOK_PATH:
                status, text = 404, "no_service"
            elif fault.status != 200 or fault.error:
                status, text = fault.status if fault.status != 200 else 400, fault.error or "ratelimited"
            else:
                try:
                    payload = json.loads(body)
                except ValueError:
                    payload = None
                errors = _block_errors(payload["blocks"]) if isinstance(payload, dict) and "blocks" in payload else []
                if not isinstance(payload, dict) or not (payload.get("text") or payload.get("blocks")):
                    status, text = 400, "invalid_payload"
                elif errors:
                    status, text = 400, "invalid_blocks"
                else:
                    self.webhook_payloads.append(payload)
                    status, text = 200, "ok"
            request.params, request.status, request.error = {}, status, None if status == 200 else text
        headers = {"Retry-After": str(fault.retry_after or 1)} if status == 429 else {}
        return _answer(status, text, "text/html", headers, fault.delay)


class _ApiError(Exception):
    def __init__(self, code: str, **extra: Any):
        super().__init__(code)
        self.code = code
        self.extra = extra


def _answer(status: int, body: str, content_type: str, headers: dict[str, str], delay: float) -> Reply:
    # A delay is served after the request was processed: the client may give up on a stored message.
    return Reply(status, body.encode("utf-8"), {"Content-Type": content_type, **headers}, delay)


def _json_param(value: Any) -> Any:
    """Form bodies carry blocks and metadata as JSON strings; JSON bodies as objects."""
    return json.loads(value) if isinstance(value, str) and value else value


def _truthy(value: Any) -> bool:
    return value in (True, 1, "1", "true", "True")


def _public(message: dict[str, Any], *, with_metadata: bool) -> dict[str, Any]:
    shown = copy.deepcopy(message)
    if not with_metadata:
        shown.pop("metadata", None)
    return shown
