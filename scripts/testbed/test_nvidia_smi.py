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
H200_APPS = os.path.join(CAPS, "query-compute-apps-csv-h200-driver590.48.01-load.csv")
XID79 = os.path.join(CAPS, "dmesg-xid79-fallen-off-bus-sxid20034-RECONSTRUCTED.log")
APP_FIELDS = "timestamp,gpu_name,gpu_bus_id,gpu_serial,gpu_uuid,pid,process_name,used_gpu_memory"
sys.path.insert(0, HERE)
import tb_standin_xid  # noqa: E402
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


    def sleeper(self, cvd):
        """A throwaway child started with CUDA_VISIBLE_DEVICES=cvd (ended by its pid in cleanup)."""
        env = dict(os.environ)
        if cvd is None:
            env.pop("CUDA_VISIBLE_DEVICES", None)
        else:
            env["CUDA_VISIBLE_DEVICES"] = cvd
        p = subprocess.Popen(["sleep", "30"], env=env)
        self.addCleanup(lambda: (p.kill(), p.wait()))
        return p.pid

    def apps(self, *fmt):
        rows = self.smi("--query-compute-apps=gpu_uuid,pid,used_memory", "--format=csv,noheader,nounits", *fmt)
        return [r.split(", ") for r in rows.splitlines()]

    def test_compute_apps_header_matches_real_capture(self):
        cap = self.capture(H200_APPS)
        out = self.smi("--query-compute-apps=" + APP_FIELDS, "--format=csv").splitlines()
        self.assertEqual(out[0], cap[0])
        a = self.sleeper("1")
        rows = [r for r in self.smi("--query-compute-apps=" + APP_FIELDS, "--format=csv").splitlines()[1:]
                if r.split(", ")[5] == str(a)]
        self.assertEqual(len(rows), 1)
        shape = lambda s: re.sub(r"[0-9a-fA-F]+", "9", s)
        real = cap[1].split(", ")
        for i, (mine, theirs) in enumerate(zip(rows[0].split(", "), real)):
            if i not in (1, 3, 4, 6):                   # name, serial (masked), uuid (masked), process name
                self.assertEqual(shape(mine), shape(theirs), cap[0].split(", ")[i])
        self.assertEqual(rows[0].split(", ")[6], "sleep")
        self.assertEqual(self.smi("--query-compute-apps=pid,name", "--format=csv").splitlines()[0],
                         "pid, process_name")
        self.assertEqual(self.smi("--query-compute-apps=pid,nope", "--format=csv", rc=2),
                         'Field "nope" is not a valid field to query.\n\n')

    def test_compute_apps_are_the_processes_with_cuda_visible_devices(self):
        uuids = [l.split("UUID: ")[1].rstrip(")") for l in self.smi("-L").splitlines()]
        on1, on_both, by_uuid, none, bad = (self.sleeper("1"), self.sleeper("0,1"), self.sleeper(uuids[0]),
                                            self.sleeper(None), self.sleeper("7,0"))
        rows = self.apps()
        mine = sorted((r[0], int(r[1])) for r in rows if int(r[1]) in (on1, on_both, by_uuid, none, bad))
        self.assertEqual(mine, sorted([(uuids[1], on1), (uuids[0], on_both), (uuids[1], on_both),
                                       (uuids[0], by_uuid)]))
        for r in rows:
            self.assertGreater(int(r[2]), 0)             # each process holds some of its GPU's memory
        # -i selects GPUs; a lost GPU has no processes (it is gone)
        self.assertEqual({r[0] for r in self.apps("-i", "1")} & set(uuids), {uuids[1]})
        self.write({"node": "node1", "gpus": 2, "faults": {"lost": [1]}})
        self.assertNotIn(uuids[1], {r[0] for r in self.apps()})

    def test_table_lists_the_processes_like_the_real_table(self):
        self.assertIn("No running processes found", self.smi())
        cap = [l for l in self.capture(os.path.join(CAPS, "smi-table-h200-driver590.48.01-load.txt"))
               if re.match(r"^\|\s+\d+\s+N/A", l)]
        pid = self.sleeper("1")
        mine = [l for l in self.smi().splitlines() if re.match(r"^\|\s+1\s+N/A  N/A\s+%d\s" % pid, l)]
        self.assertEqual(len(mine), 1, self.smi())
        cols = lambda l: [m.start() for m in re.finditer(r"\||N/A|\bC\b|MiB", l)]
        self.assertEqual(cols(mine[0]), cols(cap[0]))
        self.assertEqual(len(mine[0]), len(cap[0]))

    def test_xid_lines_have_the_drivers_form(self):
        line = tb_standin_xid.inject_xid(self.state, 1, 79, monotonic=6781741.548779)
        with open(tb_standin_xid.log_path(self.state)) as f:
            log = f.read().splitlines()
        self.assertEqual(log[1], line)
        self.assertRegex(log[0], r"^\[6781741\.54877\d\] NVRM: GPU at PCI:0000:3b:00: GPU-[0-9a-f-]{36}$")
        cap = [l for l in self.capture(XID79) if "NVRM: Xid" in l][0]
        self.assertEqual(line.replace("3b:00", "91:00"), cap)
        self.assertIn("GPU1 GSP!", tb_standin_xid.inject_xid(self.state, 1, 119))

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
