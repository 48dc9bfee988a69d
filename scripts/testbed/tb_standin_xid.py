"""THE GPU STAND-IN's kernel log: Xid errors as the NVIDIA driver logs them, for `testbed fault gpu-xid`.

A real driver writes `NVRM: Xid (PCI:0000:91:00): 79, pid='<unknown>', name=<unknown>, GPU has
fallen off the bus.` to the kernel log (reference/nvidia-smi-captures/dmesg-xid79-*.log,
dmesg-xid119-*.log). Testbed nodes share the host's kernel, and the stand-in never writes the host's
/dev/kmsg: it appends the same lines, in dmesg's `[seconds.micros]` form timestamped with
CLOCK_MONOTONIC as the kernel does, to kmsg-standin.log beside the node's stand-in state
(gpu.json). remote/scripts/gpu-stream.sh's xid stream follows that file when it exists (the
stand-in's part of that script, named as such there).
"""
import json
import os
import time
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader

HERE = os.path.dirname(os.path.realpath(__file__))


def _standin():
    """The stand-in `nvidia-smi` script as a module (its bus ids, UUIDs and log name: one place)."""
    loader = SourceFileLoader("nvidia_smi_standin", os.path.join(HERE, "nvidia-smi"))
    mod = module_from_spec(spec_from_loader(loader.name, loader))
    loader.exec_module(mod)
    return mod


# What the driver prints after the code (the captures' wording for 79 and 119).
XID_TEXT = {
    79: "pid='<unknown>', name=<unknown>, GPU has fallen off the bus.",
    119: "pid=2024380, name=nvidia-smi, Timeout after 6s of waiting for RPC response from GPU{i} GSP! "
         "Expected function 76 (GSP_RM_CONTROL) (0x20801813 0x4c).",
    13: "pid='<unknown>', name=<unknown>, Graphics SM Warp Exception on (GPC 0, TPC 0, SM 0): "
        "Illegal Instruction Encoding",
}


def kernel_bus(bus_id):
    """`00000000:3B:00.0` (nvidia-smi's pci.bus_id) -> `0000:3b:00` (how NVRM names the GPU)."""
    dom, bus, dev = bus_id.split(".")[0].split(":")
    return f"{dom[-4:]}:{bus}:{dev}".lower()


def log_path(state_file):
    return os.path.join(os.path.dirname(os.path.abspath(state_file)), _standin().XID_LOG)


def inject_xid(state_file, gpu, code, monotonic=None):
    """Append the driver's lines for Xid `code` on physical GPU `gpu`; return the Xid line."""
    smi = _standin()
    with open(state_file) as f:
        st = json.load(f)
    t = time.monotonic() if monotonic is None else monotonic
    stamp = "[%5d.%06d]" % divmod(int(round(t * 1e6)), 1000000)
    pci = kernel_bus(smi.BUS_IDS[gpu % len(smi.BUS_IDS)])
    text = XID_TEXT.get(code, f"pid='<unknown>', name=<unknown>, Xid {code}").format(i=gpu)
    xid = f"{stamp} NVRM: Xid (PCI:{pci}): {code}, {text}"
    with open(log_path(state_file), "a") as f:
        f.write(f"{stamp} NVRM: GPU at PCI:{pci}: {smi.gpu_uuid(st.get('node', 'node'), gpu)}\n{xid}\n")
    return xid
