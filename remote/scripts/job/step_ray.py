"""The steps' scripts that start and stop Ray on a node: start-head, join (workers may start
while the head still starts), stop, drain (a worker leaving: the GCS moves its work first) and
uninstall (Ray stopped, Raydeck's venv and token removed). A Ray that Raydeck did not start is
never touched: a start refuses to run beside it."""
import os, re
from job_io import fail, int_param, q, str_param
from ray_auth import TOKEN_PATH, auth_env, read_token
from step_install import INSTALLED

def start_script(head, step, p, venv):
    """start-head or join."""
    ray = os.path.join(venv, "bin", "ray")
    ip_arg = []
    if p.get("nodeIp") is not None:
        ip_arg = [f"--node-ip-address={str_param(p, 'nodeIp', r'[0-9A-Fa-f.:]{2,45}', 'an IP address')}"]
    gpus = int_param(p, "numGpus", 0, 0, 64)
    env = auth_env(p, step)
    # How often Ray's processes on this node export their metrics to the node's metrics
    # page (Ray's default, 10 s, shows a load on the monitor 10-20 s late; Ray floors it at 1 s).
    report_ms = int_param(p, "metricsReportMs", 10000, 1000, 60000)
    env += f"export RAY_metrics_report_interval_ms={report_ms}\n"
    if not (os.path.exists(ray) and os.path.exists(os.path.join(venv, INSTALLED))):
        fail(f"Ray is not installed in {venv} on this node (no finished install there): bring the cluster up first")
    # Ray runs here when its raylet does (ray status would ask the head, which a worker may not reach).
    # Ours when the raylet runs from this venv; any other raylet is a Ray Raydeck did not start.
    ours = "pgrep -f -u \"$(id -u)\" " + q(re.escape(venv) + "/lib/.*/[r]aylet") + " >/dev/null 2>&1"
    other = "pgrep -f '[r]aylet' >/dev/null 2>&1"
    foreign = q("Another Ray (not started by Raydeck from " + venv + ") is running on this node and holds Ray's ports: stop it (`ray stop`), then retry.")
    if step == "start-head":
        port = int_param(p, "port", 6379, 1, 65535)
        dash = int_param(p, "dashboardPort", 8265, 1, 65535)
        metrics = int_param(p, "metricsPort", 8080, 1, 65535)
        cmd = [ray, "start", "--head", *ip_arg, f"--port={port}", "--dashboard-host=127.0.0.1",
               f"--dashboard-port={dash}", f"--metrics-export-port={metrics}", f"--num-gpus={gpus}", "--disable-usage-stats"]
        done = "Ray head is already running here; nothing to do."
    else:
        address = str_param(p, "headAddress", r"[A-Za-z0-9.:-]{2,253}:[0-9]{1,5}", "host:port")
        metrics = int_param(p, "metricsPort", 8080, 1, 65535)
        cmd = [ray, "start", f"--address={address}", *ip_arg, f"--metrics-export-port={metrics}", f"--num-gpus={gpus}", "--disable-usage-stats"]
        done = "Ray is already running on this node; nothing to do."
        # Workers may start while the head still starts: wait up to this long for its GCS
        # (Ray's default is about 20 s). Ray's Python side reads it where it connects to the
        # GCS; the processes this `ray start` leaves running inherit it, which only makes
        # them wait longer for a GCS that is down before they give up.
        wait = int_param(p, "headWaitS", 20, 1, 600)
        env += f"export RAY_gcs_server_port_wait_time_s={wait}\n"
    return head + env + f"if {ours}; then echo {q(done)}; exit 0; fi\nif {other}; then echo {foreign} >&2; exit 3; fi\n" + " ".join(q(c) for c in cmd) + "\n"

def stop_script(head, venv):
    ray = os.path.join(venv, "bin", "ray")
    return head + f"if [ -x {q(ray)} ]; then {q(ray)} stop --force; else echo 'Ray is not installed; nothing to stop.'; fi\n"

def uninstall_script(head, venv):
    ray = os.path.join(venv, "bin", "ray")
    if not venv.startswith(os.path.expanduser("~/.raydeck/")):
        fail("only a virtualenv under ~/.raydeck is removed")
    return head + (
        f"if [ -x {q(ray)} ]; then {q(ray)} stop --force || true; fi\n"
        f"rm -rf {q(venv)} {q(TOKEN_PATH)}\necho {q('Removed ' + venv)}\n"
    )

def drain_script(head, p, venv):
    """On the worker itself: ask the GCS to drain this node (no new work; Serve moves its
    replicas), give it the grace period, then stop Ray here."""
    ray = os.path.join(venv, "bin", "ray")
    grace = int_param(p, "graceS", 30, 0, 3600)
    env = auth_env({**p, "auth": bool(read_token())}, "drain")
    drain = [ray, "drain-node", "--reason=DRAIN_NODE_REASON_PREEMPTION", "--reason-message=Removed by Raydeck",
             f"--deadline-remaining-seconds={grace}"]
    return head + env + (
        f"if ! pgrep -f -u \"$(id -u)\" '[r]aylet' >/dev/null 2>&1; then echo 'Ray is not running here; nothing to drain.'; exit 0; fi\n"
        + " ".join(q(c) for c in drain) + "\n"
        f"echo 'Drain accepted; waiting up to {grace} s for work to move'\n"
        f"for _ in $(seq 1 {grace}); do sleep 1; done\n"
        f"{q(ray)} stop --force\n"
    )
