#!/usr/bin/env python3
"""A TCP proxy that delays every byte by a fixed time in each direction, like a long link.

    delay_proxy.py --listen 7150 --target 127.0.0.1:7100 --delay-ms 50

Each direction is a queue: a chunk read at time t is written at t + delay, in order, so
the byte stream is preserved and the link has a round-trip time of twice the delay (100 ms
with the default). Bandwidth is unlimited unless --rate-mbit sets one: then each chunk
also waits for the chunks before it to pass through a link of that rate, in each
direction; with --shared-rate too, all connections share that link (one queue each way,
as on one real line) instead of each having a link of that rate to itself.
Half-closes travel with the same delay. With --stats FILE, the bytes carried so far (all
connections) are kept in FILE as one line `UP DOWN` (client to target, target to client),
rewritten at most every 50 ms while they change. With --conn-log FILE, each connection
appends a line `UP DOWN` to FILE with its own bytes once both its directions have ended:
exact figures per connection, for a client run to its end (bench/vs-x11-bytes.sh).
Standard library only; runs until killed (or --max-seconds pass). Prints `listening PORT`
once it accepts connections.
"""

import argparse
import asyncio
import os
import socket
import sys
import time


# The bytes carried so far by all connections: client to target, target to client.
CARRIED = [0, 0]


class Link:
    """One direction (`way`: 0 up, 1 down) of a link of `rate` bytes per second (0:
    unlimited): when it is free again."""

    def __init__(self, rate, way):
        self.rate = rate
        self.way = way
        self.free = 0.0

    def carry(self, n, now):
        """The time at which `n` bytes read at `now` have passed through."""
        CARRIED[self.way] += n
        if not self.rate:
            return now
        self.free = max(self.free, now) + n / self.rate
        return self.free


async def pump(reader, writer, delay, link):
    """Copies reader to writer, each chunk `delay` seconds after it was read (and after
    `link` has carried it). Returns the number of bytes read."""
    queue = asyncio.Queue()
    read = 0

    async def read_side():
        nonlocal read
        while True:
            data = await reader.read(1 << 16)
            read += len(data)
            now = link.carry(len(data), time.monotonic())
            queue.put_nowait((now + delay, data))
            if not data:
                return

    async def write_side():
        while True:
            due, data = await queue.get()
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if not data:
                if writer.can_write_eof():
                    writer.write_eof()
                return
            writer.write(data)
            await writer.drain()

    try:
        await asyncio.gather(read_side(), write_side())
    except (ConnectionError, OSError):
        pass
    return read


async def serve(client_reader, client_writer, target, delay, links, conn_log):
    """Forwards one connection; `links()` gives its two directions (up, down). With
    `conn_log`, appends the connection's `UP DOWN` to that file when it has ended."""
    host, port = target
    try:
        server_reader, server_writer = await asyncio.open_connection(host, port)
    except OSError as e:
        print(f"delay_proxy: cannot reach {host}:{port}: {e}", file=sys.stderr)
        client_writer.close()
        return
    for w in (client_writer, server_writer):
        sock = w.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    up, down = links()
    carried = await asyncio.gather(
        pump(client_reader, server_writer, delay, up),
        pump(server_reader, client_writer, delay, down),
    )
    for w in (client_writer, server_writer):
        w.close()
    if conn_log:
        # One short append: a reader never sees half a line.
        with open(conn_log, "a") as f:
            f.write(f"{carried[0]} {carried[1]}\n")


async def write_stats(path):
    """Keeps `path` at `UP DOWN`, the bytes carried so far (replaced whole, so a reader
    never sees half a line)."""
    written = None
    while True:
        if CARRIED != written:
            written = list(CARRIED)
            with open(path + ".tmp", "w") as f:
                f.write(f"{written[0]} {written[1]}\n")
            os.replace(path + ".tmp", path)
        await asyncio.sleep(0.05)


async def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--listen", type=int, required=True, help="port to listen on (127.0.0.1)")
    ap.add_argument("--target", required=True, help="HOST:PORT to forward to")
    ap.add_argument("--delay-ms", type=float, default=50.0, help="one-way delay (default 50)")
    ap.add_argument("--rate-mbit", type=float, default=0, help="bandwidth each way (0: unlimited)")
    ap.add_argument("--shared-rate", action="store_true",
                    help="all connections share one link of --rate-mbit each way")
    ap.add_argument("--max-seconds", type=float, default=0, help="exit after this long (0: never)")
    ap.add_argument("--stats", metavar="FILE",
                    help="keep the bytes carried so far in FILE: `UP DOWN`")
    ap.add_argument("--conn-log", metavar="FILE",
                    help="append `UP DOWN` to FILE for each connection when it ends")
    args = ap.parse_args()
    host, _, port = args.target.rpartition(":")
    target = (host or "127.0.0.1", int(port))
    delay = args.delay_ms / 1000.0
    rate = args.rate_mbit * 1e6 / 8
    shared = (Link(rate, 0), Link(rate, 1))
    links = (lambda: shared) if args.shared_rate else (lambda: (Link(rate, 0), Link(rate, 1)))
    server = await asyncio.start_server(
        lambda r, w: serve(r, w, target, delay, links, args.conn_log), "127.0.0.1", args.listen
    )
    if args.stats:
        # Kept referenced: the loop holds its tasks only weakly.
        stats = asyncio.get_running_loop().create_task(write_stats(args.stats))  # noqa: F841
    print(f"listening {args.listen}", flush=True)
    async with server:
        if args.max_seconds > 0:
            await asyncio.sleep(args.max_seconds)
        else:
            await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
