#!/usr/bin/env python3
"""Time to first frame for an X11 program: the X counterpart of Yonder's `first_frame`
example. Connects straight to an X server's Unix socket, starts the program, and polls a
pixel of the root window with GetImage (raw X11 protocol, standard library only) until it
shows the given color.

    x11_first_frame.py --display-number 5 --pixel 50,50 --rgb 000000 [--runs 5] \\
        -- env DISPLAY=127.0.0.1:55 xlogo -geometry 100x100+0+0

Prints one line per run and `median_ms N` at the end, like `first_frame`.
"""

import argparse
import os
import socket
import struct
import subprocess
import sys
import time


class X11:
    """Just enough of the X11 protocol to read pixels of the root window."""

    def __init__(self, number):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(f"/tmp/.X11-unix/X{number}")
        # Little-endian, protocol 11.0, no authorization (the server runs with -ac).
        self.sock.sendall(struct.pack("<cxHHHHxx", b"l", 11, 0, 0, 0))
        head = self.recv(8)
        if head[0] != 1:
            raise SystemExit(f"X server refused the connection: {self.recv(head[1])!r}")
        body = self.recv(struct.unpack_from("<H", head, 6)[0] * 4)
        vendor_len, = struct.unpack_from("<H", body, 16)
        n_formats = body[21]
        screens = 32 + (vendor_len + 3) // 4 * 4 + 8 * n_formats
        self.root, = struct.unpack_from("<I", body, screens)

    def recv(self, n):
        out = b""
        while len(out) < n:
            chunk = self.sock.recv(n - len(out))
            if not chunk:
                raise SystemExit("X server closed the connection")
            out += chunk
        return out

    def pixel(self, x, y):
        """The root's pixel at (x, y) as 0xRRGGBB (24-bit TrueColor, ZPixmap)."""
        self.sock.sendall(struct.pack("<BBHIhhHHI", 73, 2, 5, self.root, x, y, 1, 1, 0xFFFFFFFF))
        while True:
            head = self.recv(32)
            extra = self.recv(struct.unpack_from("<I", head, 4)[0] * 4) if head[0] == 1 else b""
            if head[0] == 1:
                b, g, r = extra[0], extra[1], extra[2]
                return r << 16 | g << 8 | b
            if head[0] == 0:
                raise SystemExit(f"GetImage failed: X error {head[1]}")
            # An event: skip it.


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--display-number", type=int, required=True)
    ap.add_argument("--pixel", required=True)
    ap.add_argument("--rgb", required=True)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=20.0)
    ap.add_argument("command", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    command = a.command[1:] if a.command[:1] == ["--"] else a.command
    x, y = (int(v) for v in a.pixel.split(","))
    rgb = int(a.rgb, 16)
    x11 = X11(a.display_number)
    times = []
    for run in range(1, a.runs + 1):
        deadline = time.monotonic() + 10
        while x11.pixel(x, y) == rgb:
            if time.monotonic() > deadline:
                raise SystemExit("the pixel keeps the color of a previous run")
            time.sleep(0.005)
        start = time.monotonic()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        seen = None
        while time.monotonic() - start < a.timeout:
            if x11.pixel(x, y) == rgb:
                seen = time.monotonic() - start
                break
            time.sleep(0.0005)
        child.kill()
        child.wait()
        if seen is None:
            print(f"run {run}: no first frame within {a.timeout} s")
            sys.exit(1)
        print(f"run {run}: first frame after {seen * 1e3:.1f} ms", flush=True)
        times.append(seen * 1e3)
    times.sort()
    print(f"median_ms {times[len(times) // 2]:.1f}")


if __name__ == "__main__":
    main()
