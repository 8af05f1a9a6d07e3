#!/usr/bin/env python3
"""A small Earshot subscriber for integrators (pyzmq: Debian's python3-zmq).

Connects to an Earshot engine's publish endpoint, prints every alert, and
watches what the contract asks a subscriber to watch (CONTRACT.md section
3): a jump in `seq` means messages were lost; no heartbeat for 3 s means
the engine is dead. One line per thing, starting with a word:

    ALERT id=E1 revision=0 class=mortar confidence=0.999 lat=... lon=...
        range_m=... bearing_deg=... cep50_m=... seq=9
    EVENT id=E3 kind=impact ...        (with --events: every event)
    GAP lost=3 after_seq=17 seq=21
    DEAD no heartbeat for 3.0 s
    ALIVE

Usage:
    earshot_subscriber.py --connect tcp://127.0.0.1:5556
    earshot_subscriber.py --connect tcp://HOST:5556 \
        --server-key ENGINE_PUBLIC_Z85 --key-file me.key   (CurveZMQ)

Options --exit-when-dead (leave once the engine is declared dead: for
scripts and tests) and --events (print every event, not only alerts).
Exit status: 0 on Ctrl-C or --exit-when-dead, 2 bad usage.
"""
import argparse
import json
import sys
import time

import zmq

DEAD_AFTER_S = 3.0


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--connect", required=True, help="the engine's endpoint")
    p.add_argument("--server-key", help="the engine's CURVE public key (Z85)")
    p.add_argument("--key-file", help="this subscriber's CURVE secret key file")
    p.add_argument("--events", action="store_true", help="print every event too")
    p.add_argument("--exit-when-dead", action="store_true",
                   help="exit 0 once the engine is declared dead")
    a = p.parse_args()
    if bool(a.server_key) != bool(a.key_file):
        p.error("--server-key and --key-file go together")
    return a


def make_socket(ctx, a):
    sock = ctx.socket(zmq.SUB)
    if a.server_key:
        with open(a.key_file, "rb") as f:
            secret = f.read().strip()
        sock.curve_secretkey = secret
        sock.curve_publickey = zmq.curve_public(secret)
        sock.curve_serverkey = a.server_key.encode()
    # Every topic: seq counts every message, so only then is a jump a loss.
    sock.setsockopt(zmq.SUBSCRIBE, b"")
    sock.connect(a.connect)
    return sock


def describe(word, body):
    pos = body.get("position") or {}
    unc = body.get("uncertainty") or {}
    return (f"{word} id={body.get('id')} revision={body.get('revision')} "
            f"kind={body.get('kind')} class={body.get('class')} "
            f"confidence={body.get('confidence')} lat={pos.get('lat')} lon={pos.get('lon')} "
            f"range_m={body.get('range_m')} bearing_deg={body.get('bearing_deg')} "
            f"cep50_m={unc.get('cep50_m')} seq={body.get('seq')}")


def main():
    a = parse_args()
    ctx = zmq.Context()
    sock = make_socket(ctx, a)
    last_seq = None
    last_heartbeat = time.monotonic()
    dead = False
    try:
        while True:
            if sock.poll(100):
                frames = sock.recv_multipart()
                if len(frames) != 2:
                    print(f"BAD {len(frames)} frames, not 2", flush=True)
                    continue
                topic = frames[0].decode("ascii", "replace")
                try:
                    body = json.loads(frames[1])
                    seq = int(body["seq"])
                except (ValueError, KeyError, TypeError) as e:
                    print(f"BAD topic={topic} {e}", flush=True)
                    continue
                if last_seq is not None and seq > last_seq + 1:
                    print(f"GAP lost={seq - last_seq - 1} after_seq={last_seq} seq={seq}",
                          flush=True)
                last_seq = seq
                if topic == "heartbeat":
                    if dead:
                        print("ALIVE", flush=True)
                    dead, last_heartbeat = False, time.monotonic()
                elif topic == "alert":
                    print(describe("ALERT", body), flush=True)
                elif topic == "event" and a.events:
                    print(describe("EVENT", body), flush=True)
            silent_s = time.monotonic() - last_heartbeat
            if not dead and silent_s >= DEAD_AFTER_S:
                dead = True
                print(f"DEAD no heartbeat for {silent_s:.1f} s", flush=True)
                if a.exit_when_dead:
                    return 0
    except KeyboardInterrupt:
        return 0
    finally:
        sock.close(linger=0)
        ctx.term()


if __name__ == "__main__":
    sys.exit(main())
