"""The testbed's LAN resolver: answers the nodes' DNS queries on <bridge-ip>:53/udp.

An offline LAN's resolver, nothing more: it knows the node names (A records, as /etc/hosts
lists them) and answers NXDOMAIN for every other name, at once. Without it the nodes would
inherit the host's resolver address, which they cannot reach, and every lookup would hang
until glibc's timeout (5 s per try) — a broken network, not a cluster's. Ray notices: its
dashboard probes cloud metadata names at start and answers nothing until the probe ends.

Started by `testbed up` (a host-side process, pid recorded in the state file), stopped by
`testbed down`. The `dns` fault lists a node's address in <mute-file>: queries from it then
get no answer at all, as from a resolver that is gone.
Usage: tb_dnsserver.py <bind-ip> <mute-file> <name>=<ipv4> ... Stdlib only.
"""
import socket
import struct
import sys

NXDOMAIN, NOTIMP, FORMERR = 3, 4, 1
TYPE_A, CLASS_IN = 1, 1


def parse_question(msg):
    """(name, qtype, qclass, end offset) of the first question, or None when malformed."""
    labels, i = [], 12
    while True:
        if i >= len(msg):
            return None
        n = msg[i]
        if n == 0:
            i += 1
            break
        if n & 0xC0 or i + 1 + n > len(msg):          # no compression pointers in a query
            return None
        labels.append(msg[i + 1:i + 1 + n].decode("ascii", "replace").lower())
        i += 1 + n
    if i + 4 > len(msg):
        return None
    qtype, qclass = struct.unpack("!HH", msg[i:i + 4])
    return ".".join(labels), qtype, qclass, i + 4


def answer(msg, names):
    """The response to one query message (bytes), or None to drop it."""
    if len(msg) < 12:
        return None
    qid, flags, qdcount = struct.unpack("!HHH", msg[:6])
    if flags & 0x8000:                                  # a response, not a query
        return None
    opcode, rd = (flags >> 11) & 0xF, flags & 0x0100
    q = parse_question(msg) if qdcount == 1 else None
    rcode = NOTIMP if opcode != 0 else FORMERR if q is None else NXDOMAIN
    records = b""
    if q is not None and opcode == 0:
        name, qtype, qclass, _ = q
        if name in names:
            rcode = 0                                   # the name exists (maybe not with this type)
            if qtype == TYPE_A and qclass == CLASS_IN:
                records = b"\xc0\x0c" + struct.pack("!HHIH", TYPE_A, CLASS_IN, 60, 4) + socket.inet_aton(names[name])
    question = msg[12:q[3]] if q is not None else b""
    head = struct.pack("!HHHHHH", qid, 0x8000 | (opcode << 11) | 0x0400 | rd | 0x0080 | rcode,
                       1 if question else 0, 1 if records else 0, 0, 0)
    return head + question + records


def muted(mute_file, ip):
    try:
        with open(mute_file) as f:
            return ip in f.read().split()
    except OSError:
        return False


def main():
    host, mute_file = sys.argv[1], sys.argv[2]
    names = dict(arg.split("=", 1) for arg in sys.argv[3:])
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((host, 53))
    print(f"answering DNS on {host}:53 for {', '.join(sorted(names)) or 'no names'}; NXDOMAIN otherwise", flush=True)
    while True:
        msg, peer = sock.recvfrom(4096)
        if muted(mute_file, peer[0]):
            continue
        reply = answer(msg, names)
        if reply is not None:
            sock.sendto(reply, peer)


if __name__ == "__main__":
    main()
