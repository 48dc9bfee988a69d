"""Unit tests for the testbed's LAN resolver (tb_dnsserver.py). The server binds port 53, so
the tests drive its `answer` function with wire-format queries, plus one round trip over UDP.

Run: python3 -m unittest discover -s scripts/testbed -p 'test_*.py'
"""
import os
import socket
import struct
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import tb_dnsserver  # noqa: E402

NAMES = {"node1": "198.51.100.10", "node2": "198.51.100.11"}


def query(name, qtype=1, qid=0x1234, flags=0x0100):
    q = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    return struct.pack("!HHHHHH", qid, flags, 1, 0, 0, 0) + q + struct.pack("!HH", qtype, 1)


def header(reply):
    qid, flags, qd, an, ns, ar = struct.unpack("!HHHHHH", reply[:12])
    return {"id": qid, "qr": flags >> 15, "rd": (flags >> 8) & 1, "rcode": flags & 0xF, "qd": qd, "an": an}


class Resolver(unittest.TestCase):
    def test_unknown_name_is_nxdomain_with_the_question_echoed(self):
        msg = query("metadata.google.internal")
        reply = tb_dnsserver.answer(msg, NAMES)
        h = header(reply)
        self.assertEqual((h["id"], h["qr"], h["rd"], h["rcode"], h["qd"], h["an"]), (0x1234, 1, 1, 3, 1, 0))
        self.assertEqual(reply[12:], msg[12:])

    def test_node_name_gets_its_address(self):
        reply = tb_dnsserver.answer(query("NODE2"), NAMES)
        h = header(reply)
        self.assertEqual((h["rcode"], h["an"]), (0, 1))
        self.assertEqual(socket.inet_ntoa(reply[-4:]), "198.51.100.11")

    def test_node_name_other_type_exists_without_records(self):
        h = header(tb_dnsserver.answer(query("node1", qtype=28), NAMES))   # AAAA
        self.assertEqual((h["rcode"], h["an"]), (0, 0))

    def test_malformed_and_non_queries(self):
        self.assertIsNone(tb_dnsserver.answer(b"\x00\x01", NAMES))
        self.assertIsNone(tb_dnsserver.answer(query("node1", flags=0x8000), NAMES))  # a response
        truncated = query("node1")[:-3]
        self.assertEqual(header(tb_dnsserver.answer(truncated, NAMES))["rcode"], 1)      # FORMERR
        self.assertEqual(header(tb_dnsserver.answer(query("node1", flags=0x2800), NAMES))["rcode"], 4)  # opcode 5

    def test_mute_file_lists_the_nodes_it_ignores(self):
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "dns-muted")
            self.assertFalse(tb_dnsserver.muted(path, "198.51.100.11"))          # no file: answers all
            with open(path, "w") as f:
                f.write("198.51.100.11\n")
            self.assertTrue(tb_dnsserver.muted(path, "198.51.100.11"))
            self.assertFalse(tb_dnsserver.muted(path, "198.51.100.1"))           # not a prefix match

    def test_round_trip_over_udp(self):
        server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            server.bind(("127.0.0.1", 0))
            client.settimeout(2)
            client.sendto(query("node1"), server.getsockname())
            msg, peer = server.recvfrom(512)
            server.sendto(tb_dnsserver.answer(msg, NAMES), peer)
            reply, _ = client.recvfrom(512)
            self.assertEqual(socket.inet_ntoa(reply[-4:]), "198.51.100.10")
        finally:
            server.close()
            client.close()


if __name__ == "__main__":
    unittest.main()
