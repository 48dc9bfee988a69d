"""PID 1 of one testbed node (runs inside the node's net, mount, PID and UTS namespaces).

Started by `testbed up` as: ip netns exec rdtb-<node> unshare --pid --fork --mount-proc
--mount --uts -- /usr/bin/python3 tb_nodeinit.py <node-dir>. It sets the hostname, builds
the node's private view of the filesystem (home, /tmp, /dev/shm, /usr/local/bin holding the
nvidia-smi stand-in, /etc/hosts, /etc/resolv.conf naming the testbed's resolver, an empty /etc/pip.conf, the client key hidden), then keeps
the node's real OpenSSH sshd running (restarted unless <node-dir>/sshd.stopped exists) and
reaps orphans. On SIGTERM it kills every process of the node's PID namespace and exits.
Stdlib only; runs with Debian's python3.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time

node_dir = sys.argv[1]
with open(os.path.join(node_dir, "node.json")) as f:
    cfg = json.load(f)
CLEAN_ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}
stopping = False


def sh(*cmd):
    subprocess.run(cmd, check=True, env=CLEAN_ENV)


def setup_mounts():
    sh("mount", "--make-rprivate", "/")
    sh("mount", "--bind", cfg["home"], "/root")
    sh("mount", "--bind", cfg["tmp"], "/tmp")
    sh("mount", "-t", "tmpfs", "-o", "mode=1777,size=4g", "tmpfs", "/dev/shm")
    sh("mount", "--bind", cfg["bin"], "/usr/local/bin")
    sh("mount", "--bind", cfg["hosts"], "/etc/hosts")
    sh("mount", "--bind", cfg["resolv"], "/etc/resolv.conf")
    sh("mount", "--bind", cfg["hostname_file"], "/etc/hostname")
    for f in ("/etc/pip.conf", "/etc/environment"):
        if os.path.exists(f):
            sh("mount", "--bind", "/dev/null", f)       # the node sees an empty file
    for d in cfg.get("hide", []):                          # e.g. the testbed's client key
        if os.path.isdir(d):
            sh("mount", "-t", "tmpfs", "-o", "size=1m,mode=700", "tmpfs", d)


def on_term(signum, frame):
    global stopping
    stopping = True


def main():
    socket.sethostname(cfg["name"])
    setup_mounts()
    os.makedirs("/run/sshd", exist_ok=True)
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    stop_flag = os.path.join(node_dir, "sshd.stopped")
    sshd = None
    with open(os.path.join(node_dir, "init.ready"), "w") as f:
        f.write("ready\n")
    while not stopping:
        if sshd is None and not os.path.exists(stop_flag):
            sshd = subprocess.Popen(["/usr/sbin/sshd", "-D", "-f", cfg["sshd_config"],
                                     "-E", os.path.join(node_dir, "sshd.log")], env=CLEAN_ENV)
        while True:                                        # reap sshd and orphans (Ray daemons)
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            if sshd is not None and pid == sshd.pid:
                sshd.returncode = 0
                sshd = None
        time.sleep(0.2)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.kill(-1, sig)                               # every process of this PID namespace
        except ProcessLookupError:
            pass
        deadline = time.time() + 3
        while time.time() < deadline:
            try:
                if os.waitpid(-1, os.WNOHANG)[0] == 0:
                    time.sleep(0.1)
            except ChildProcessError:
                break
        else:
            continue
        break


if __name__ == "__main__":
    main()
