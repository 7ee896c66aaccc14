"""A loopback server that answers each request with scripted raw bytes, for the HTTP/1.1
client's tests: broken framing, interim answers, dropped and idle-closed connections.

Each request takes the next ``Step`` of the script: ``send`` (bytes, then the connection is
closed if ``close``, or left silent if ``stall``), ``drop`` (close without answering) or ``hang``
(answer nothing). What was
asked is kept in ``requests``: connection number, head, body.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Step:
    send: bytes = b""
    close: bool = False
    drop: bool = False
    hang: bool = False
    stall: bool = False  # after sending ``send``, neither more nor a close: a server that stopped mid-answer
    read_body: bool = True  # False: answer after the head, without reading the body


@dataclass
class Seen:
    connection: int
    head: bytes
    body: bytes


def answer(status: str = "200 OK", body: bytes = b"", *headers: str, length: bool = True) -> bytes:
    lines = [f"HTTP/1.1 {status}", *headers] + ([f"Content-Length: {len(body)}"] if length else [])
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


@dataclass
class RawServer:
    script: list[Step] = field(default_factory=list)
    requests: list[Seen] = field(default_factory=list)
    # answers by what was asked (the request head) instead of by arrival order, when set
    responder: Callable[[bytes], Step] | None = None

    def __post_init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._connections = 0
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self._connections += 1
                number = self._connections
                self._open.append(conn)
            threading.Thread(target=self._serve, args=(conn, number), daemon=True).start()

    def _serve(self, conn: socket.socket, number: int) -> None:
        reader = conn.makefile("rb")
        try:
            while True:
                head = b""
                while not head.endswith(b"\r\n\r\n"):
                    line = reader.readline()
                    if not line:
                        return
                    head += line
                with self._lock:
                    if self.responder is not None:
                        step = self.responder(head)
                    else:
                        step = self.script.pop(0) if self.script else Step(answer())
                body = self._body(reader, head) if step.read_body else b""
                self.requests.append(Seen(number, head, body))
                if step.hang:
                    threading.Event().wait(30)
                    return
                if step.drop:
                    return
                conn.sendall(step.send)
                if step.stall:
                    threading.Event().wait(30)
                    return
                if step.close:
                    return
        except OSError:
            return
        finally:
            reader.close()
            conn.close()

    @staticmethod
    def _body(reader, head: bytes) -> bytes:  # type: ignore[no-untyped-def]
        lowered = head.lower()
        if b"transfer-encoding: chunked" in lowered:
            body = b""
            while (size := int(reader.readline().split(b";")[0], 16)) > 0:
                body += reader.read(size)
                reader.readline()
            reader.readline()
            return body
        for line in lowered.split(b"\r\n"):
            if line.startswith(b"content-length:"):
                return reader.read(int(line.split(b":", 1)[1]))
        return b""

    @property
    def connections(self) -> int:
        return self._connections

    def stop(self) -> None:
        self._listener.close()
        with self._lock:
            for conn in self._open:
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
