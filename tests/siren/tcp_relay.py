#!/usr/bin/env python3
"""A TCP relay for the subscriber tests: listens on 127.0.0.1:LISTEN_PORT
and forwards every connection to 127.0.0.1:TARGET_PORT, both ways. Killing
the relay cuts every connection through it at once, as a network outage
would; starting it again on the same port lets the subscriber reconnect.
usage: tcp_relay.py LISTEN_PORT TARGET_PORT"""
import selectors
import socket
import sys


def main():
    listen_port, target_port = int(sys.argv[1]), int(sys.argv[2])
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", listen_port))
    server.listen(16)
    sel = selectors.DefaultSelector()
    sel.register(server, selectors.EVENT_READ)
    peer = {}
    while True:
        for key, _ in sel.select():
            s = key.fileobj
            if s is server:
                client, _ = server.accept()
                try:
                    upstream = socket.create_connection(("127.0.0.1", target_port))
                except OSError:
                    client.close()
                    continue
                peer[client], peer[upstream] = upstream, client
                sel.register(client, selectors.EVENT_READ)
                sel.register(upstream, selectors.EVENT_READ)
                continue
            try:
                data = s.recv(65536)
            except OSError:
                data = b""
            other = peer.get(s)
            if data and other is not None:
                try:
                    other.sendall(data)
                    continue
                except OSError:
                    pass
            for x in (s, other):
                if x is not None and x in peer:
                    sel.unregister(x)
                    peer.pop(x, None)
                    x.close()


if __name__ == "__main__":
    main()
