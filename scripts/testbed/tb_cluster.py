"""`testbed up`, `down` and `status`: build the nodes, record every step in the state file,
and tear everything down again (recorded items + discovery by the rdtb prefix / our paths).
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import time

import tb_net
import tb_node
import tb_wheelhouse
from tb_common import (BRIDGE, CLIENT_KEY, DNS_MUTE_FILE, HERE, INDEX_PORT, LOGIN_USER, NODES_DIR, PREFIX,
                       STATE_DIR, STATE_FILE, WHEELHOUSE, TestbedError, host_veth, kill_pids, load_state,
                       log, netns_name, pid_alive, run, save_state)

NEEDED = {"sshd": "/usr/sbin/sshd", "rsync": "/usr/bin/rsync", "ip": "/usr/sbin/ip",
          "unshare": "/usr/bin/unshare", "ssh-keygen": "/usr/bin/ssh-keygen", "venv": "/usr/lib/python3.11/venv"}


def ensure_deps():
    missing = [k for k, p in NEEDED.items() if not os.path.exists(p) and not shutil.which(k)]
    if missing:
        log(f"missing {', '.join(missing)}: running install-deps")
        subprocess.run([os.path.join(HERE, "install-deps")], check=True)


def check_host():
    if not sys.platform.startswith("linux"):
        raise TestbedError("the testbed needs Linux (network, mount, PID and UTS namespaces)")
    if os.geteuid() != 0:
        raise TestbedError("the testbed needs root (run it with sudo)")


def our_processes():
    """Host pids of processes started from this folder (index and DNS servers, node inits), by /proc scan."""
    out = []
    marks = tuple(os.path.join(HERE, f) for f in ("tb_indexserver.py", "tb_dnsserver.py", "tb_nodeinit.py"))
    for d in os.listdir("/proc"):
        if not d.isdigit() or int(d) == os.getpid():
            continue
        info = tb_node.proc_info(int(d))
        if info and any(m in info[1] for m in marks):
            out.append(int(d))
    return out


def leftovers():
    """Everything of a testbed that exists right now (for `down` checks and `up` refusal)."""
    mounts = []
    with open("/proc/mounts") as f:
        for line in f:
            mp = line.split()[1]
            if mp.startswith(STATE_DIR) or mp.startswith(f"/run/netns/{PREFIX}-"):
                mounts.append(mp)
    return {"netns": tb_net.list_netns(), "links": tb_net.list_links(), "processes": our_processes(),
            "mounts": mounts, "state": os.path.exists(STATE_FILE)}


def is_up():
    left = leftovers()
    return any(left[k] for k in ("netns", "links", "processes", "mounts", "state"))


def start_index_server(bridge_ip, port, state):
    logf = open(os.path.join(STATE_DIR, "index-server.log"), "ab")
    p = subprocess.Popen([sys.executable, "-I", os.path.join(HERE, "tb_indexserver.py"), WHEELHOUSE,
                          bridge_ip, str(port)], stdin=subprocess.DEVNULL, stdout=logf, stderr=logf,
                         start_new_session=True)
    logf.close()
    state["index_pid"] = p.pid
    save_state(state)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection((bridge_ip, port), timeout=1).close()
            return
        except OSError:
            if p.poll() is not None:
                raise TestbedError(f"index server exited ({p.returncode}); see {STATE_DIR}/index-server.log")
            time.sleep(0.1)
    raise TestbedError("index server did not start listening")


def start_dns_server(bridge_ip, nodes, state):
    """The nodes' LAN resolver (tb_dnsserver.py): node names, NXDOMAIN for the rest."""
    logf = open(os.path.join(STATE_DIR, "dns-server.log"), "ab")
    if os.path.exists(DNS_MUTE_FILE):
        os.unlink(DNS_MUTE_FILE)
    p = subprocess.Popen([sys.executable, "-I", os.path.join(HERE, "tb_dnsserver.py"), bridge_ip, DNS_MUTE_FILE,
                          *(f"{name}={ip}" for name, ip in nodes)], stdin=subprocess.DEVNULL, stdout=logf,
                         stderr=logf, start_new_session=True)
    logf.close()
    state["dns_pid"] = p.pid
    save_state(state)
    deadline = time.time() + 10
    while time.time() < deadline:                 # bound: the socket exists once it printed its line
        if p.poll() is not None:
            raise TestbedError(f"DNS server exited ({p.returncode}); see {STATE_DIR}/dns-server.log")
        with open(os.path.join(STATE_DIR, "dns-server.log"), "rb") as f:
            if f"answering DNS on {bridge_ip}:53".encode() in f.read():
                return
        time.sleep(0.05)
    raise TestbedError("DNS server did not start answering")


def describe(state):
    return {"nodes": [{"name": n["name"], "host": n["ip"], "port": 22, "user": LOGIN_USER,
                       "identityFile": CLIENT_KEY, "hostKeyFingerprints": tb_node.fingerprints(n["name"]),
                       "gpus": n["gpus"]} for n in state["nodes"]],
            "index": f"http://{state['bridge_ip']}:{state['index_port']}/simple"}


def up(nodes, gpus, out=None, subnet=None, force=False, port=INDEX_PORT):
    check_host()
    if nodes < 1 or nodes > 50 or gpus < 0 or gpus > 8:
        raise TestbedError("--nodes must be 1..50 and --gpus 0..8")
    if is_up():
        if not force:
            raise TestbedError("a testbed is already up (or half-built): run `testbed down` first, or `up --force`")
        down()
    ensure_deps()
    t0 = time.time()
    tb_wheelhouse.ensure()
    net = tb_net.check_subnet(subnet or os.environ.get("RAYDECK_TESTBED_SUBNET", "198.51.100.0/24"), nodes)
    bridge_ip, ips = tb_net.addresses(net, nodes)
    names = [f"node{i + 1}" for i in range(nodes)]
    state = {"status": "building", "started": t0, "subnet": str(net), "bridge": BRIDGE, "bridge_ip": bridge_ip,
             "index_port": port, "index_pid": None, "dns_pid": None, "nodes": []}
    os.makedirs(NODES_DIR, exist_ok=True)
    save_state(state)
    tb_node.ensure_client_key()
    tb_net.create_bridge(net, bridge_ip)
    start_index_server(bridge_ip, port, state)
    start_dns_server(bridge_ip, list(zip(names, ips)), state)
    for name, ip in zip(names, ips):
        n = {"name": name, "ip": ip, "gpus": gpus, "netns": netns_name(name), "veth": host_veth(name),
             "unshare_pid": None, "init_pid": None}
        state["nodes"].append(n)
        save_state(state)                       # recorded before it exists: down cleans a half-built node
        tb_node.prepare(name, ip, gpus, list(zip(names, ips)), bridge_ip)
        tb_net.create_node_net(name, ip, net, bridge_ip)
        n["unshare_pid"] = tb_node.start(name)
        save_state(state)
    for n in state["nodes"]:
        tb_node.wait_ready(n["name"], n["ip"])
        n["init_pid"] = tb_node.init_pid(n["unshare_pid"])
    state["status"] = "up"
    state["up_seconds"] = round(time.time() - t0, 1)
    save_state(state)
    desc = describe(state)
    text = json.dumps(desc, indent=2)
    if out:
        with open(out, "w") as f:
            f.write(text + "\n")
    print(text)
    log(f"up: {nodes} nodes in {state['up_seconds']}s")
    return desc


def down():
    check_host()
    state = load_state() or {}
    recorded = state.get("nodes", [])
    names = {n["name"] for n in recorded} | {ns[len(PREFIX) + 1:] for ns in tb_net.list_netns()}
    # 1. node processes: recorded init/unshare pids, then whatever still lives in each netns
    for name in sorted(names):
        rec = next((n for n in recorded if n["name"] == name), {})
        upid = rec.get("unshare_pid")
        if upid and not (tb_node.proc_info(upid) and "unshare" in tb_node.proc_info(upid)[1]):
            upid = None                          # pid reused by something else: leave it alone
        tb_node.stop(name, upid, tb_net.netns_pids(netns_name(name)))
    # 2. the index and DNS servers (recorded pids, checked) and any stray process started from this folder
    strays = our_processes()
    kill_pids([p for p in (state.get("index_pid"), state.get("dns_pid")) if p and p in strays] + strays)
    # 3. network: netns (its /run/netns bind mount), veths, bridge
    tb_net.teardown([n.get("netns") for n in recorded if n.get("netns")],
                    [n.get("veth") for n in recorded if n.get("veth")] + ([BRIDGE] if state else []))
    # 4. mounts left on the host side (none expected: node mounts live in their own namespace)
    for mp in reversed(leftovers()["mounts"]):
        run(["umount", "-l", mp], check=False)
    # 5. per-node scratch (home, tmp) and the state file; keys stay so fingerprints are stable
    if os.path.isdir(NODES_DIR):
        for name in os.listdir(NODES_DIR):
            for sub in ("home", "tmp"):
                shutil.rmtree(os.path.join(NODES_DIR, name, sub), ignore_errors=True)
    if os.path.exists(STATE_FILE):
        os.unlink(STATE_FILE)
    left = leftovers()
    if any(left.values()):
        raise TestbedError(f"down: leftovers remain: {left}")
    log("down: nothing left")


def status(as_json=False):
    state = load_state()
    left = leftovers()
    info = {"up": bool(state and state.get("status") == "up"), "state": state and state.get("status"),
            "leftovers": left, "nodes": []}
    if state:
        info["index"] = f"http://{state['bridge_ip']}:{state['index_port']}/simple"
        info["index_alive"] = bool(state.get("index_pid") and pid_alive(state["index_pid"]))
        info["dns_alive"] = bool(state.get("dns_pid") and pid_alive(state["dns_pid"]))
        for n in state.get("nodes", []):
            try:
                with socket.create_connection((n["ip"], 22), timeout=1) as s:
                    ssh = s.recv(64).startswith(b"SSH-")
            except OSError:
                ssh = False
            info["nodes"].append({"name": n["name"], "host": n["ip"], "gpus": n["gpus"],
                                  "init_alive": bool(n.get("init_pid") and pid_alive(n["init_pid"])),
                                  "sshd_answers": ssh,
                                  "processes": len(tb_net.netns_pids(n["netns"]))})
    if as_json:
        print(json.dumps(info, indent=2))
    else:
        if not state:
            print("testbed: down" + ("" if not any(left.values()) else f" (leftovers: {left})"))
        else:
            print(f"testbed: {state.get('status')}, subnet {state['subnet']}, index {info['index']} "
                  f"({'alive' if info['index_alive'] else 'DEAD'}), DNS {'alive' if info['dns_alive'] else 'DEAD'}")
            for n in info["nodes"]:
                print(f"  {n['name']:<8} {n['host']:<16} gpus={n['gpus']} init={'up' if n['init_alive'] else 'DOWN'} "
                      f"sshd={'answers' if n['sshd_answers'] else 'NO ANSWER'} processes={n['processes']}")
    return info
