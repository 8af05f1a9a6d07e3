#!/usr/bin/env python3
"""A fake engine for the subscriber tests: binds a PUB socket and, once a
subscriber is in, sends messages that break the contract in each way the
subscriber core must survive, then a valid alert and heartbeats.
usage: fake_engine.py ENDPOINT"""
import json
import sys
import time

import zmq


def body(topic, seq, **extra):
    return json.dumps({"schema": "earshot.event/1", "topic": topic, "seq": seq,
                       "t": time.time(), **extra}).encode()


def main():
    ctx = zmq.Context()
    pub = ctx.socket(zmq.XPUB)
    pub.bind(sys.argv[1])
    pub.recv()  # a subscription: the subscriber is in
    pub.send_multipart([b"heartbeat", body("heartbeat", 0)])
    pub.send_multipart([b"alert"])                                  # one frame
    pub.send_multipart([b"alert", b"{not json"])                    # not JSON
    pub.send_multipart([b"alert", b"[1, 2, 3]"])                    # not an object
    pub.send_multipart([b"alert", json.dumps({"id": "E9"}).encode()])  # no seq
    pub.send_multipart([b"alert", body("alert", 1), b"extra"])      # three frames
    pub.send_multipart([b"alert", body("alert", 2, id="E1", revision=0, kind="launch",
                                       **{"class": "mortar"}, confidence=0.99,
                                       range_m=2000.0, bearing_deg=45.0)])
    for seq in range(3, 9):
        pub.send_multipart([b"heartbeat", body("heartbeat", seq)])
        time.sleep(0.2)
    pub.close(linger=1000)
    ctx.term()


if __name__ == "__main__":
    main()
