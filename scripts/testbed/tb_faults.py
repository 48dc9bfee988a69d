"""`testbed fault <kind> <node>` / `testbed heal <kind> <node>`.

link            cut / restore the node's veth (both ends down / up)
sshd            stop the node's sshd (by pid; its init keeps it stopped) / start it again
hostkey         replace the node's ed25519 host key with a new one and restart sshd /
                heal puts the original key (the one `up` printed) back and restarts sshd
ray             kill every Ray process in the node's PID namespace (by pid) / heal: no-op
                (restart Ray yourself, as after a real crash)
gpu-unsupported the stand-in prints [Not Supported] for --field (default power.draw)
gpu-lost        GPU --gpu (default: the last one) disappears: one fewer GPU
gpu-hot         GPU --gpu (default 0) runs at 91-93 C with throttled SM clocks
gpu-xid         the stand-in's kernel log gets the driver's lines for Xid --xid (default 79) on GPU
                --gpu (default 0) (tb_standin_xid.py) / heal: no-op (a kernel log keeps its lines;
                `up` starts it empty). Combine with gpu-lost for a GPU that fell off the bus.
index           the node can no longer reach the package index (a policy route makes TCP to
                the index port unreachable from the node; SSH and Ray traffic are untouched) /
                heal removes it
index-hang      like index, but packets to the index vanish (blackhole): installers hang until
                their own timeouts, as behind a silent firewall
dns             the testbed's resolver stops answering the node (its queries get no reply), as when
                a network's DNS server is gone: every lookup waits out glibc's timeouts
"""
import json
import os
import shutil
import subprocess
import socket
import time

import tb_net
import tb_node
import tb_standin_xid
from tb_common import DNS_MUTE_FILE, TestbedError, kill_pids, load_state, log, netns_name, node_dir, write_json_atomic

KINDS = ("link", "sshd", "hostkey", "ray", "gpu-unsupported", "gpu-lost", "gpu-hot", "gpu-xid", "index", "index-hang",
         "dns")
INDEX_TABLE = "4765"


def _node(name):
    state = load_state()
    if not state:
        raise TestbedError("no testbed is up")
    for n in state["nodes"]:
        if n["name"] == name:
            return n
    raise TestbedError(f"no node {name} (nodes: {', '.join(n['name'] for n in state['nodes'])})")


def _wait_sshd(n, want_up, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection((n["ip"], 22), timeout=1) as s:
                ok = s.recv(64).startswith(b"SSH-")
        except OSError:
            ok = False
        if ok == want_up:
            return
        time.sleep(0.2)
    raise TestbedError(f"{n['name']}: sshd did not {'come back' if want_up else 'stop'}")


def _restart_sshd(n):
    """Kill the listening sshd by pid; the node's init starts it again (new host key read)."""
    pids = tb_node.sshd_pids(n["name"], tb_net.netns_pids(n["netns"]))
    kill_pids(pids)
    time.sleep(0.5)
    _wait_sshd(n, True)


def _gpu(n, update):
    path = os.path.join(node_dir(n["name"]), "gpu.json")
    with open(path) as f:
        st = json.load(f)
    faults = st.setdefault("faults", {})
    update(faults)
    st["faults"] = {k: v for k, v in faults.items() if v}
    write_json_atomic(path, st)


def _toggle(key, value, on):
    def upd(faults):
        cur = [x for x in faults.get(key, []) if x != value]
        faults[key] = cur + [value] if on else cur
    return upd


def apply(kind, name, heal=False, gpu=None, field=None, xid=None):
    if kind not in KINDS:
        raise TestbedError(f"unknown fault kind {kind}; kinds: {', '.join(KINDS)}")
    n = _node(name)
    d = node_dir(name)
    if kind == "link":
        tb_net.set_link(name, up=heal)
    elif kind == "sshd":
        flag = os.path.join(d, "sshd.stopped")
        if heal:
            if os.path.exists(flag):
                os.unlink(flag)
            _wait_sshd(n, True)
        else:
            open(flag, "w").close()
            kill_pids(tb_node.sshd_pids(name, tb_net.netns_pids(n["netns"])))
            _wait_sshd(n, False)
    elif kind == "hostkey":
        key = os.path.join(d, "ssh", "ssh_host_ed25519_key")
        orig = os.path.join(d, "ssh", "original")
        if heal:
            if os.path.exists(orig + "/ssh_host_ed25519_key"):
                for suffix in ("", ".pub"):
                    shutil.copy2(os.path.join(orig, "ssh_host_ed25519_key" + suffix), key + suffix)
                shutil.rmtree(orig)
        else:
            if not os.path.exists(orig):
                os.makedirs(orig, mode=0o700)
                for suffix in ("", ".pub"):
                    shutil.copy2(key + suffix, os.path.join(orig, "ssh_host_ed25519_key" + suffix))
            tb_node.gen_host_key(name)
        _restart_sshd(n)
    elif kind == "ray":
        if not heal:
            ns_pids = tb_net.netns_pids(netns_name(name))
            exclude = {n.get("unshare_pid"), n.get("init_pid")}
            pids = tb_node.ray_pids(ns_pids, exclude)
            kill_pids(pids, grace=0.5)
            log(f"{name}: killed {len(pids)} Ray processes")
    elif kind == "gpu-unsupported":
        _gpu(n, _toggle("unsupported", field or "power.draw", not heal))
    elif kind == "gpu-lost":
        _gpu(n, _toggle("lost", n["gpus"] - 1 if gpu is None else gpu, not heal))
    elif kind == "gpu-hot":
        _gpu(n, _toggle("hot", 0 if gpu is None else gpu, not heal))
    elif kind == "gpu-xid":
        if not heal:
            line = tb_standin_xid.inject_xid(os.path.join(d, "gpu.json"), 0 if gpu is None else gpu,
                                             79 if xid is None else xid)
            log(f"{name}: stand-in kernel log: {line}")
    elif kind in ("index", "index-hang"):
        port = str(load_state()["index_port"])
        ns = ["ip", "netns", "exec", netns_name(name), "ip"]
        rule = ["rule", "add" if not heal else "del", "ipproto", "tcp", "dport", port, "table", INDEX_TABLE]
        route = (["route", "add", "unreachable" if kind == "index" else "blackhole", "default", "table", INDEX_TABLE] if not heal
                 else ["route", "del", "default", "table", INDEX_TABLE])  # whichever kind is in place
        for args in (rule, route):
            r = subprocess.run(ns + args, capture_output=True, text=True)
            if r.returncode != 0 and not (heal or "File exists" in r.stderr):
                raise TestbedError(f"{kind} fault on {name}: ip {' '.join(args)}: {r.stderr.strip()}")
    elif kind == "dns":
        # A blackhole route would not do: a local sender gets EINVAL at once, and glibc moves on.
        try:
            with open(DNS_MUTE_FILE) as f:
                muted = set(f.read().split())
        except FileNotFoundError:
            muted = set()
        muted = muted - {n["ip"]} if heal else muted | {n["ip"]}
        with open(DNS_MUTE_FILE + ".tmp", "w") as f:
            f.write("".join(f"{ip}\n" for ip in sorted(muted)))
        os.replace(DNS_MUTE_FILE + ".tmp", DNS_MUTE_FILE)
    log(f"{'healed' if heal else 'fault'} {kind} on {name}")
