"""Network plumbing for the testbed: subnet choice, bridge, one netns + veth pair per node.

Host side: bridge rdtb-br0 holding the first address of the subnet; each node gets a veth
pair (host end rdtb-<node> enslaved to the bridge, node end renamed eth0 inside netns
rdtb-<node>) with address .10+i. Teardown also discovers leftovers by the rdtb prefix.
"""
import ipaddress
import json
import os

from tb_common import BRIDGE, PREFIX, TestbedError, host_veth, log, netns_name, run


def machine_routes():
    """Every IPv4 route of the machine (all tables) except default routes and our own bridge."""
    out = run(["ip", "-j", "-4", "route", "show", "table", "all"]).stdout
    nets = []
    for r in json.loads(out or "[]"):
        dst, dev = r.get("dst", ""), r.get("dev", "")
        if dst in ("default", "") or dev == BRIDGE or dev.startswith(PREFIX):
            continue
        try:
            nets.append((ipaddress.ip_network(dst if "/" in dst else dst + "/32", strict=False), dev))
        except ValueError:
            continue
    return nets


def check_subnet(subnet, nodes):
    net = ipaddress.ip_network(subnet, strict=True)
    if net.version != 4:
        raise TestbedError(f"subnet {subnet}: IPv4 only")
    if net.num_addresses < nodes + 16:
        raise TestbedError(f"subnet {subnet} too small for {nodes} nodes")
    for other, dev in machine_routes():
        if net.overlaps(other):
            raise TestbedError(f"subnet {subnet} overlaps route {other} (dev {dev}) of this machine; "
                               "pick another with --subnet (e.g. 203.0.113.0/24)")
    return net


def addresses(net, nodes):
    hosts = list(net.hosts())
    bridge_ip = str(hosts[0])
    return bridge_ip, [str(hosts[9 + i]) for i in range(nodes)]   # .10, .11, ...


def create_bridge(net, bridge_ip):
    run(["ip", "link", "add", BRIDGE, "type", "bridge"])
    run(["ip", "addr", "add", f"{bridge_ip}/{net.prefixlen}", "dev", BRIDGE])
    run(["ip", "link", "set", BRIDGE, "up"])


def create_node_net(node, ip, net, bridge_ip):
    ns, veth = netns_name(node), host_veth(node)
    run(["ip", "netns", "add", ns])
    run(["ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns])
    run(["ip", "link", "set", veth, "master", BRIDGE])
    run(["ip", "link", "set", veth, "up"])
    x = ["ip", "-n", ns]
    run(x + ["link", "set", "lo", "up"])
    run(x + ["addr", "add", f"{ip}/{net.prefixlen}", "dev", "eth0"])
    run(x + ["link", "set", "eth0", "up"])
    run(x + ["route", "add", "default", "via", bridge_ip])


def set_link(node, up):
    run(["ip", "link", "set", host_veth(node), "up" if up else "down"])
    run(["ip", "-n", netns_name(node), "link", "set", "eth0", "up" if up else "down"])


def list_netns():
    out = run(["ip", "-j", "netns", "list"], check=False).stdout.strip()
    try:
        names = [n["name"] for n in json.loads(out or "[]")]
    except json.JSONDecodeError:
        names = []
    if os.path.isdir("/run/netns"):
        names += os.listdir("/run/netns")
    return sorted({n for n in names if n.startswith(PREFIX + "-")})


def list_links():
    out = run(["ip", "-j", "link", "show"], check=False).stdout.strip()
    return sorted({l["ifname"] for l in json.loads(out or "[]") if l["ifname"].startswith(PREFIX)})


def netns_pids(ns):
    p = run(["ip", "netns", "pids", ns], check=False)
    return [int(x) for x in p.stdout.split()] if p.returncode == 0 else []


def teardown(extra_ns=(), extra_links=()):
    """Delete every rdtb netns and link (recorded ones plus discovered ones)."""
    for ns in sorted(set(list_netns()) | set(extra_ns)):
        p = run(["ip", "netns", "del", ns], check=False)
        if p.returncode != 0 and os.path.exists(f"/run/netns/{ns}"):
            log(f"could not delete netns {ns}: {p.stderr.strip()}")
    for link in sorted(set(list_links()) | set(extra_links), key=lambda l: l == BRIDGE):
        if link in list_links():
            run(["ip", "link", "del", link], check=False)
