"""A reverse proxy that appends a sign-in header instead of replacing it (issue 21, item 10).

    with AppendingProxy(app_port, "X-Pkir-User", "mallory@desk.example") as proxy:
        page.goto(proxy.url)

Every connection's first request head (a page load, the app's websocket handshake) gets the header
added after the client's own headers, so a client that sends the header itself comes first, as
behind a proxy configured to append. Bytes are otherwise passed through unchanged, both ways.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading

from .harness import free_port


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


class AppendingProxy:
    """Loopback proxy to 127.0.0.1:upstream_port in a thread of its own; ``url`` is where to point a browser."""

    def __init__(self, upstream_port: int, header: str, value: str):
        self.upstream_port = upstream_port
        self.extra = f"{header}: {value}\r\n".encode()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    async def _handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            head = await client_r.readuntil(b"\r\n\r\n")
            app_r, app_w = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            client_w.close()
            return
        app_w.write(head[:-2] + self.extra + b"\r\n")
        await asyncio.gather(_pipe(client_r, app_w), _pipe(app_r, client_w))

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", self.port))
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            server.close()

    def __enter__(self) -> AppendingProxy:
        self._thread.start()
        self._ready.wait(timeout=30)
        return self

    async def _close(self) -> None:
        """End every open connection's task, so none is left pending when the loop stops."""
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._loop.stop()

    def __exit__(self, *exc) -> None:
        self._loop.call_soon_threadsafe(lambda: self._loop.create_task(self._close()))
        self._thread.join(timeout=30)
