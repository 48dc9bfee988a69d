"""Unit tests for the GPU stand-in (scripts/testbed/nvidia-smi): its output must have the
shape of the real captures in the design kit (reference/nvidia-smi-captures).

Run: python3 -m unittest discover -s scripts/testbed -p 'test_*.py'
Tests that compare with captures are skipped when the design kit is not present.
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.realpath(__file__))
SMI = os.path.join(HERE, "nvidia-smi")
CAPS = os.environ.get("NVIDIA_SMI_CAPTURES", os.path.join(HERE, "..", "..", "..", "shared",
                                                            "reference", "nvidia-smi-captures"))
H100_IDLE = os.path.join(CAPS, "query-gpu-csv-h100-80gb-hbm3-driver590.48.01-idle.csv")
H100_TABLE = os.path.join(CAPS, "smi-table-h100x8-driver550.90.07.txt")
FIELDS = ("index,name,uuid,driver_version,memory.total,memory.used,memory.free,utilization.gpu,"
          "utilization.memory,temperature.gpu,power.draw,power.limit,pci.bus_id,pstate,clocks.current.sm")


class StandIn(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.state = os.path.join(self.dir, "gpu.json")
        self.write({"node": "node1", "gpus": 2, "faults": {}})

    def write(self, st):
        with open(self.state, "w") as f:
            json.dump(st, f)

    def smi(self, *args, rc=0):
        env = dict(os.environ, NVIDIA_SMI_STANDIN_STATE=self.state)
        p = subprocess.run([sys.executable, SMI, *args], capture_output=True, text=True, env=env, timeout=20)
        self.assertEqual(p.returncode, rc, p.stdout + p.stderr)
        return p.stdout

    def capture(self, path):
        if not os.path.exists(path):
            self.skipTest("design kit captures not present")
        with open(path) as f:
            return f.read().splitlines()

    def test_list(self):
        lines = self.smi("-L").splitlines()
        self.assertEqual(len(lines), 2)
        for i, l in enumerate(lines):
            self.assertRegex(l, r"^GPU %d: NVIDIA H100 80GB HBM3 \(UUID: GPU-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-"
                                r"[0-9a-f]{4}-[0-9a-f]{12}\)$" % i)
        self.assertEqual(lines, self.smi("-L").splitlines(), "UUIDs are stable")

    def test_header_and_values_match_real_capture(self):
        cap = self.capture(H100_IDLE)
        real = dict(zip(cap[0].split(", "), cap[1].split(", ")))
        fields = FIELDS.split(",")
        out = self.smi("--query-gpu=" + FIELDS, "--format=csv").splitlines()
        self.assertEqual(len(out), 3)
        header = out[0].split(", ")
        real_headers = {h.split(" [")[0]: h for h in real}
        self.assertEqual(header, [real_headers[f] for f in fields])
        for row in out[1:]:
            vals = row.split(", ")
            self.assertEqual(len(vals), len(fields))
            for h, v in zip(header, vals):
                r = real[h]
                if h in ("name", "driver_version", "memory.total [MiB]", "power.limit [W]", "pstate"):
                    self.assertEqual(v, r)
                shape = lambda s: re.sub(r"[0-9a-fA-F]", "9", re.sub(r"\d+", "9", s))
                if h not in ("name", "uuid", "pci.bus_id"):
                    self.assertEqual(shape(v), shape(r), h)
            self.assertRegex(vals[header.index("power.draw [W]")], r"^\d+\.\d\d W$")
            self.assertRegex(vals[header.index("temperature.gpu")], r"^\d+$")
            self.assertRegex(vals[header.index("pci.bus_id")], r"^[0-9A-F]{8}:[0-9A-F]{2}:[0-9A-F]{2}\.\d$")

    def test_noheader_nounits(self):
        out = self.smi("--query-gpu=" + FIELDS, "--format=csv,noheader,nounits").splitlines()
        self.assertEqual(len(out), 2)
        vals = out[0].split(", ")
        self.assertEqual(vals[4], "81559")
        self.assertRegex(vals[10], r"^\d+\.\d\d$")
        self.assertNotIn("MiB", out[0])
        # csv,nounits keeps units in the header (P100 capture)
        h = self.smi("--query-gpu=memory.used,power.draw", "--format=csv,nounits").splitlines()[0]
        self.assertEqual(h, "memory.used [MiB], power.draw [W]")
        self.assertEqual(len(self.smi("--query-gpu=index", "--format=noheader,nounits,csv").splitlines()), 2)

    def test_unknown_field(self):
        out = self.smi("--query-gpu=index,device_minor", "--format=csv", rc=2)
        self.assertEqual(out, 'Field "device_minor" is not a valid field to query.\n\n')

    def test_faults(self):
        self.write({"node": "node1", "gpus": 2, "faults": {"unsupported": ["power.draw"], "hot": [0]}})
        rows = self.smi("--query-gpu=index,power.draw,temperature.gpu", "--format=csv,noheader").splitlines()
        self.assertEqual(rows[0].split(", ")[1], "[Not Supported]")
        self.assertGreaterEqual(int(rows[0].split(", ")[2]), 90)
        self.assertLess(int(rows[1].split(", ")[2]), 90)
        self.write({"node": "node1", "gpus": 2, "faults": {"lost": [1]}})
        self.assertEqual(len(self.smi("-L").splitlines()), 1)
        self.assertEqual(self.smi("--query-gpu=count", "--format=csv,noheader"), "1\n")

    def test_no_driver(self):
        os.unlink(self.state)
        self.smi("-L", rc=9)

    def test_values_move(self):
        a = self.smi("--query-gpu=power.draw", "--format=csv,noheader")
        time.sleep(1.1)
        self.assertNotEqual(a, self.smi("--query-gpu=power.draw", "--format=csv,noheader"))

    def test_stream_and_sigterm(self):
        env = dict(os.environ, NVIDIA_SMI_STANDIN_STATE=self.state)
        p = subprocess.Popen([sys.executable, SMI, "--query-gpu=index,utilization.gpu",
                              "--format=csv,noheader,nounits", "-lms", "100"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        lines = [p.stdout.readline() for _ in range(6)]           # rows arrive while running: flushed
        self.assertTrue(all(re.match(r"^[01], \d+\n$", l) for l in lines), lines)
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=5)
        self.assertEqual(p.stderr.read(), "", "no traceback")
        p.stdout.close()
        p.stderr.close()
        # closed pipe: dies quietly
        q = subprocess.run(f"'{sys.executable}' '{SMI}' --query-gpu=index --format=csv -lms 50 | head -1",
                           shell=True, capture_output=True, text=True, env=env, timeout=10)
        self.assertEqual((q.stdout, q.stderr), ("index\n", ""))

    def test_table_shape(self):
        cap = self.capture(H100_TABLE)
        out = self.smi().splitlines()
        widths = {len(l) for l in out[1:] if l.startswith(("|", "+"))}
        self.assertEqual(widths, {89 + 2})
        gpu_line = [l for l in out if l.startswith("|   0  NVIDIA")][0]
        real = [l for l in cap if l.startswith("|   0  NVIDIA")][0]
        self.assertEqual(gpu_line.replace("19:00", "XX:00"), real.replace("19:00", "XX:00"))
        usage = out[out.index(gpu_line) + 1]
        real_usage = cap[cap.index(real) + 1]
        self.assertEqual([m.start() for m in re.finditer(r"\|", usage)], [m.start() for m in re.finditer(r"\|", real_usage)])
        self.assertEqual([m.end() for m in re.finditer(r"W|MiB|%", usage)],
                         [m.end() for m in re.finditer(r"W|MiB|%", real_usage)])


if __name__ == "__main__":
    unittest.main()
