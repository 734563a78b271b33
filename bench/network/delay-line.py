#!/usr/bin/env python3
"""A packet delay line on NFQUEUE: every packet the kernel queues is held for the one-way delay, then accepted.

Why Python: the kernel here has no netem, so a packet-level delay needs a userspace consumer of nfnetlink_queue,
and Node.js cannot open a netlink socket. Python 3's standard library can (socket.AF_NETLINK), needs no build
step and is on every machine the bench runs on. docs/network.md describes the model this line is part of.

Usage: delay-line.py QUEUE DELAY_MS JITTER_MS SEED
It runs inside the network namespace whose iptables rule queues packets to QUEUE (nfnetlink_queue is per
namespace), prints "ready" once bound, and runs until killed or its stdin closes (its parent died). Packets
leave in the order they came: a packet's due time is its arrival plus delay plus a draw of jitter, and never
earlier than the due time of the packet ahead of it, so jitter spreads arrivals without reordering a TCP stream.
"""

import collections
import errno
import os
import random
import select
import socket
import struct
import sys
import time

NETLINK_NETFILTER = 12
NFNL_SUBSYS_QUEUE = 3
NFQNL_MSG_PACKET = 0
NFQNL_MSG_VERDICT = 1
NFQNL_MSG_CONFIG = 2
NFQA_PACKET_HDR = 1
NFQA_VERDICT_HDR = 2
NFQA_CFG_CMD = 1
NFQA_CFG_PARAMS = 2
NFQA_CFG_QUEUE_MAXLEN = 3
NFQNL_CFG_CMD_BIND = 1
NFQNL_COPY_META = 1
NLM_F_REQUEST = 1
NLM_F_ACK = 4
NLMSG_ERROR = 2
NF_ACCEPT = 1
# Packets held at once before the kernel drops (an emulated link must not lose packets of its own accord):
# at 50 ms and tens of thousands of packets a second this is still far from full.
QUEUE_MAXLEN = 1 << 20
RCVBUF_BYTES = 16 << 20


def attr(kind, payload):
    length = 4 + len(payload)
    return struct.pack('=HH', length, kind) + payload + b'\0' * ((4 - length % 4) % 4)


def message(msg_type, flags, queue, attrs, seq=0):
    body = struct.pack('=BBH', socket.AF_UNSPEC, 0, socket.htons(queue)) + b''.join(attrs)
    return struct.pack('=IHHII', 16 + len(body), (NFNL_SUBSYS_QUEUE << 8) | msg_type, flags, seq, 0) + body


def configure(sock, queue, attrs, seq):
    """Sends a config message and waits for its acknowledgement; raises on the kernel's error."""
    sock.send(message(NFQNL_MSG_CONFIG, NLM_F_REQUEST | NLM_F_ACK, queue, attrs, seq))
    while True:
        data = sock.recv(65536)
        for msg_type, _flags, msg_seq, body in messages(data):
            if msg_type == NLMSG_ERROR and msg_seq == seq:
                (error,) = struct.unpack_from('=i', body)
                if error != 0:
                    raise OSError(-error, os.strerror(-error))
                return


def messages(data):
    offset = 0
    while offset + 16 <= len(data):
        length, msg_type, flags, seq, _pid = struct.unpack_from('=IHHII', data, offset)
        if length < 16:
            return
        yield msg_type, flags, seq, data[offset + 16 : offset + length]
        offset += (length + 3) & ~3


def packet_id(body):
    """The id in NFQA_PACKET_HDR of a queued packet's message (after its 4-byte nfgenmsg)."""
    offset = 4
    while offset + 4 <= len(body):
        length, kind = struct.unpack_from('=HH', body, offset)
        if length < 4:
            return None
        if kind & 0x7FFF == NFQA_PACKET_HDR:
            return struct.unpack_from('>I', body, offset + 4)[0]
        offset += (length + 3) & ~3
    return None


def main():
    queue, delay_ms, jitter_ms, seed = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
    draw = random.Random(seed)
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    sock.setsockopt(socket.SOL_SOCKET, 33, RCVBUF_BYTES)  # SO_RCVBUFFORCE: past rmem_max, as root
    sock.bind((0, 0))
    configure(sock, queue, [attr(NFQA_CFG_CMD, struct.pack('=BBH', NFQNL_CFG_CMD_BIND, 0, 0))], 1)
    configure(sock, queue, [attr(NFQA_CFG_PARAMS, struct.pack('>IB', 0, NFQNL_COPY_META) + b'\0\0\0')], 2)
    configure(sock, queue, [attr(NFQA_CFG_QUEUE_MAXLEN, struct.pack('>I', QUEUE_MAXLEN))], 3)
    sock.setblocking(False)
    print('ready', flush=True)

    held = collections.deque()  # (due, packet id), due never decreasing
    last_due = 0.0
    stdin = sys.stdin.fileno()
    while True:
        timeout = None if not held else max(0.0, held[0][0] - time.monotonic())
        readable, _, _ = select.select([sock, stdin], [], [], timeout)
        if stdin in readable and not os.read(stdin, 4096):
            return
        if sock in readable:
            arrived = time.monotonic()
            while True:
                try:
                    data = sock.recv(65536)
                except BlockingIOError:
                    break
                except OSError as error:
                    # ENOBUFS: the kernel could not hand us some packets and dropped them; carry on with the rest.
                    if error.errno == errno.ENOBUFS:
                        continue
                    raise
                for msg_type, _flags, _seq, body in messages(data):
                    if msg_type != (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET:
                        continue
                    ident = packet_id(body)
                    if ident is None:
                        continue
                    jitter = (draw.random() * 2 - 1) * jitter_ms if jitter_ms > 0 else 0.0
                    last_due = max(last_due, arrived + max(0.0, delay_ms + jitter) / 1000)
                    held.append((last_due, ident))
        now = time.monotonic()
        while held and held[0][0] <= now:
            _, ident = held.popleft()
            sock.send(message(NFQNL_MSG_VERDICT, NLM_F_REQUEST, queue, [attr(NFQA_VERDICT_HDR, struct.pack('>II', NF_ACCEPT, ident))]))


if __name__ == '__main__':
    try:
        main()
    except KeyboardInterrupt:
        pass
