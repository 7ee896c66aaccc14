"""A scripted ``HttpClient`` for unit tests: answers (or transport errors) queued per method and
URL, replayed in order (the last one repeats until a new one is queued), and every request kept for inspection."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from urllib3 import HTTPHeaderDict

from S3.transport.http import Body, Response


@dataclass(frozen=True)
class SentRequest:
    method: str
    url: str
    headers: HTTPHeaderDict
    body: bytes | None


@dataclass(frozen=True)
class Call:
    request: SentRequest


@dataclass
class ScriptedHttp:
    script: dict[tuple[str, str], list[Response | Exception]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    served: set[tuple[str, str]] = field(default_factory=set)

    def add(self, method: str, url: str, *, status: int = 200, body: str | bytes | Exception = b"",
            headers: Mapping[str, str] | None = None) -> None:
        answer: Response | Exception = body if isinstance(body, Exception) else Response(
            status, "OK" if status < 300 else "Error", HTTPHeaderDict(headers or {}),
            body.encode() if isinstance(body, str) else body)
        queue = self.script.setdefault((method, url), [])
        if (method, url) in self.served:  # an answer already replayed gives way to a new one
            queue.clear()
            self.served.discard((method, url))
        queue.append(answer)

    def get(self, url: str, **kwargs: Any) -> None:
        self.add("GET", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> None:
        self.add("PUT", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> None:
        self.add("POST", url, **kwargs)

    def send(self, method: str, url: str, *, headers: Mapping[str, str], body: Body = None,
             stream: bool = False) -> Response:
        data = body if body is None or isinstance(body, bytes) else body.read()
        self.calls.append(Call(SentRequest(method, url, HTTPHeaderDict(headers), data)))
        queue = self.script.get((method, url.split("?", 1)[0]))
        if not queue:
            raise AssertionError(f"unscripted request: {method} {url}")
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if not queue or queue[0] is answer:
            self.served.add((method, url.split("?", 1)[0]))
        if isinstance(answer, Exception):
            raise answer
        return answer

    def close(self) -> None:
        pass

    def activate(self, test: Callable[..., Any]) -> Callable[..., Any]:
        """Decorator: an empty script and call log for the test."""
        @functools.wraps(test)
        def run(*args: Any, **kwargs: Any) -> Any:
            self.script.clear()
            self.calls.clear()
            self.served.clear()
            return test(*args, **kwargs)
        return run
