#!/usr/bin/env python3
"""A stand-in for a TAK receiver in the earshot-cot tests.

usage: cot_listen.py udp PORT OUT
       cot_listen.py tcp PORT OUT [--max-docs N]

Listens on 127.0.0.1:PORT and appends each CoT document it receives to
OUT, one per line, as it arrives: over UDP each datagram is a document;
over TCP the documents follow one another on a connection and end at
</event>. OUT.connections counts the TCP connections accepted. With
--max-docs N the TCP listener closes everything and exits once it has N
documents (a TAK server going away). OUT.ready appears once it listens."""
import argparse
import socket

END = b"</event>"


def record(out, doc):
    with open(out, "ab") as f:
        f.write(doc.replace(b"\n", b" ") + b"\n")


def listen_udp(port, out):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port))
    open(out + ".ready", "w").close()
    while True:
        data, _ = s.recvfrom(65536)
        record(out, data)


def serve_connection(conn, out, docs, max_docs):
    """Reads documents until the peer closes or max_docs are in."""
    buf = b""
    while True:
        data = conn.recv(65536)
        if not data:
            return docs
        buf += data
        while END in buf:
            end = buf.index(END) + len(END)
            record(out, buf[:end].strip())
            buf = buf[end:]
            docs += 1
            if max_docs and docs >= max_docs:
                return docs


def listen_tcp(port, out, max_docs):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(4)
    open(out + ".ready", "w").close()
    docs = connections = 0
    while True:
        conn, _ = s.accept()
        connections += 1
        with open(out + ".connections", "w") as f:
            f.write(f"{connections}\n")
        docs = serve_connection(conn, out, docs, max_docs)
        conn.close()
        if max_docs and docs >= max_docs:
            s.close()
            return


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("proto", choices=("udp", "tcp"))
    ap.add_argument("port", type=int)
    ap.add_argument("out")
    ap.add_argument("--max-docs", type=int, default=0)
    a = ap.parse_args()
    open(a.out, "wb").close()
    if a.proto == "udp":
        listen_udp(a.port, a.out)
    else:
        listen_tcp(a.port, a.out, a.max_docs)


if __name__ == "__main__":
    main()
