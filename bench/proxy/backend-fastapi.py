"""The FastAPI backend of `npm run bench:proxy`, served by uvicorn (Debian python3-fastapi and
python3-uvicorn: h11 on asyncio, one process, access log off).

`GET /api/items` returns the 1 KB JSON document through FastAPI's usual path (a dict, encoded by
FastAPI); `GET /api/big` returns 1 MiB of bytes. The launcher hands uvicorn an HTTP protocol class
that counts accepted TCP connections, and serves the counts on a second port (any request ->
JSON), so asking never adds a connection to the count being measured. Bodies mirror
bench/proxy/payload.mjs byte for byte.

Usage: /usr/bin/python3 bench/proxy/backend-fastapi.py  -> prints {"port":P,"statsPort":S}
"""
import asyncio
import json
import socket
import sys

import uvicorn
from fastapi import FastAPI
from fastapi.responses import Response
from uvicorn.protocols.http.h11_impl import H11Protocol

STATS = {"connections": 0, "requests": 0}


def items():
    doc = {"items": [{"id": i, "name": f"item-{i:04d}", "done": i % 2 == 0} for i in range(18)], "pad": ""}
    doc["pad"] = "x" * (1024 - len(json.dumps(doc, separators=(",", ":"))))
    return doc


DOC = items()
BIG = bytes(97 + (i % 26) for i in range(1024 * 1024))

app = FastAPI()


@app.get("/api/items")
async def get_items():
    STATS["requests"] += 1
    return DOC


@app.get("/api/big")
async def get_big():
    STATS["requests"] += 1
    return Response(content=BIG, media_type="application/octet-stream")


class CountingH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, one instance per accepted connection: counting them is exact."""

    def connection_made(self, transport):
        STATS["connections"] += 1
        super().connection_made(transport)


async def answer_stats(reader, writer):
    try:
        await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        pass
    body = json.dumps(STATS).encode()
    writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: %d\r\n\r\n%s" % (len(body), body))
    await writer.drain()
    writer.close()


def listening_socket():
    # proto=IPPROTO_TCP matters: asyncio sets TCP_NODELAY on accepted sockets only when the
    # listening socket says TCP; with proto 0 every response waits ~40 ms on delayed ACKs.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(2048)
    return sock


api_sock = listening_socket()
stats_sock = listening_socket()


@app.on_event("startup")
async def start_stats_server():
    app.state.stats_server = await asyncio.start_server(answer_stats, sock=stats_sock)


if __name__ == "__main__":
    print(json.dumps({"port": api_sock.getsockname()[1], "statsPort": stats_sock.getsockname()[1]}), flush=True)
    config = uvicorn.Config(app, http=CountingH11Protocol, loop="asyncio", lifespan="on", log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[api_sock])
    sys.exit(0)
