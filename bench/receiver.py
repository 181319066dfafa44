"""A light webhook receiver for the `webhooks` phase: asyncio, HTTP/1.1 keep-alive, 200 to every POST.

It records when each `webhook-id` first arrived. GET /count answers {"count", "unique"};
GET /arrivals answers {webhook-id: unix time}; POST /reset forgets everything.

    python -m bench.receiver --port 8790
"""

import argparse
import asyncio
import json
import time

arrivals: dict[str, float] = {}
count = 0


def _answer(status: str, body: bytes) -> bytes:
    return f"HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n\r\n".encode() + body


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    global count
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path = lines[0].split(" ")[:2]
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length") or 0)
            if length:
                await reader.readexactly(length)
            if method == "POST" and path == "/reset":
                arrivals.clear()
                count = 0
                reply = _answer("200 OK", b"{}")
            elif method == "POST":
                count += 1
                arrivals.setdefault(headers.get("webhook-id", ""), time.time())
                reply = _answer("200 OK", b'{"ok":true}')
            elif path == "/count":
                reply = _answer("200 OK", json.dumps({"count": count, "unique": len(arrivals)}).encode())
            elif path == "/arrivals":
                reply = _answer("200 OK", json.dumps(arrivals).encode())
            else:
                reply = _answer("404 Not Found", b"{}")
            writer.write(reply)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, ValueError):
        pass
    finally:
        writer.close()


async def main(port: int) -> None:
    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=512)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8790)
    asyncio.run(main(parser.parse_args().port))
