#!/usr/bin/env python3
"""Interop peer built on Python's ssl module (OpenSSL underneath, but Python's defaults and API).

usage: python_peer.py server PORT CERT KEY VERSION EMS
       python_peer.py client PORT CAFILE VERSION EMS
VERSION is 1.2 or 1.3; EMS is on or off (off sets SSL_OP_NO_EXTENDED_MASTER_SECRET).
The server accepts one connection on 127.0.0.1, echoes one line back and closes; the client sends
"hello" and prints what comes back. Both print READY / VERSION / ECHO lines for the driver.
"""
import socket
import ssl
import sys

# SSL_OP_NO_EXTENDED_MASTER_SECRET (OpenSSL 3, ssl.h): Python has no name for it.
OP_NO_EXTENDED_MASTER_SECRET = 0x1


def context(purpose, version, ems):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER if purpose == "server" else ssl.PROTOCOL_TLS_CLIENT)
    v = ssl.TLSVersion.TLSv1_3 if version == "1.3" else ssl.TLSVersion.TLSv1_2
    ctx.minimum_version = v
    ctx.maximum_version = v
    if ems == "off":
        ctx.options |= OP_NO_EXTENDED_MASTER_SECRET
    return ctx


def read_line(conn):
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def main():
    mode = sys.argv[1]
    if mode == "server":
        port, cert, key, version, ems = sys.argv[2:7]
        ctx = context("server", version, ems)
        ctx.load_cert_chain(cert, key)
        ls = socket.socket()
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("127.0.0.1", int(port)))
        ls.listen(1)
        ls.settimeout(20)
        print("READY", flush=True)
        raw, _ = ls.accept()
        raw.settimeout(20)
        with ctx.wrap_socket(raw, server_side=True) as conn:
            print("VERSION", conn.version(), flush=True)
            line = read_line(conn)
            conn.sendall(line)
            print("ECHO", line.decode().strip(), flush=True)
            try:
                conn.unwrap()
            except (ssl.SSLError, OSError):
                pass
        ls.close()
    else:
        port, cafile, version, ems = sys.argv[2:6]
        ctx = context("client", version, ems)
        ctx.load_verify_locations(cafile)
        with socket.create_connection(("127.0.0.1", int(port)), timeout=20) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as conn:
                print("VERSION", conn.version(), flush=True)
                conn.sendall(b"hello\n")
                print("ECHO", read_line(conn).decode().strip(), flush=True)


if __name__ == "__main__":
    main()
