"""The install step's script: Ray (and vLLM, vllm_setup.py) into the node's venv with pip,
from PyPI, a package index (its URL, credentials and all, only in a 0600 pip.conf) or a
wheelhouse; done, and a no-op when run again, once every package is there at its pinned
version and the INSTALLED marker is written (removed before pip runs)."""
import os, re
from job_io import fail, q, str_param
from vllm_setup import VllmInstall

# Written by the install step after pip exited 0 and the pins checked out; removed before pip
# runs. "Installed" means this file exists, never that `ray` already answers (pip may still be
# unpacking the rest).
INSTALLED = ".raydeck-installed"

# The node's own pip (22.3+ installs into another environment with --python) puts pip into the
# new venv along with the packages, from the wheel ensurepip would use: ensurepip (python3 -m
# venv's default) would run pip and byte-compile it first, a third of the time of the whole
# install. Without a usable pip on the node, ensurepip it is.
PIP_WHEEL = ("python3 -c 'import ensurepip, glob, os, sys; w = glob.glob(os.path.join(sys.prefix, \"share\", \"python-wheels\", \"pip-*.whl\")) "
             "+ glob.glob(os.path.join(os.path.dirname(ensurepip.__file__), \"_bundled\", \"pip-*.whl\")); "
             "import pip; sys.exit(1) if tuple(map(int, pip.__version__.split(\".\")[:2])) < (22, 3) or not w else print(sorted(w)[-1])' 2>/dev/null")
# No byte-compiling (Python compiles what it imports, when it imports it) and no wheel cache: a
# third of the work of a default pip install.
PIP_FLAGS = "--disable-pip-version-check --no-input --progress-bar off --no-compile --no-cache-dir"

def index_conf(source):
    """pip.conf for params.source {kind: "index", url}: the URL checked, plain http trusted."""
    url = str_param(source, "url", r"https?://[A-Za-z0-9._~:/?#@!$&'()*+,;=%\[\]-]{1,2000}", "an http(s) URL")
    import urllib.parse
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname
        parts.port  # raises on a bad port
    except ValueError:
        fail("params.source.url must be an http(s) URL with a valid host")
    if not host:
        fail("params.source.url must name a host")
    conf = f"[global]\nindex-url = {url}\n"
    if url.startswith("http://"):
        conf += f"trusted-host = {('[' + host + ']') if ':' in host else host}\n"
    return conf

def install_script(head, p, venv, jobdir, private_files):
    """run.sh of the install step; files it needs beside it (0600) go into private_files."""
    py = os.path.join(venv, "bin", "python")
    marker = os.path.join(venv, INSTALLED)
    version = str_param(p, "rayVersion", r"[0-9]+\.[0-9]+\.[0-9]+", "a version like 2.60.0")
    pkgs = [f"ray[serve]=={version}"]
    extra = p.get("extraPackages", [])
    if not isinstance(extra, list) or not all(isinstance(x, str) and re.fullmatch(r"[A-Za-z0-9_.\[\],=<>!~-]{1,100}", x) for x in extra):
        fail("params.extraPackages must be a list of package specifiers")
    pkgs += extra
    vllm = None if p.get("vllm") is None else VllmInstall(p.get("vllm"), version)
    if vllm:
        if vllm.ray_spec:
            pkgs[0] = vllm.ray_spec
        pkgs += vllm.packages
        private_files.update(vllm.private_files)
    source = p.get("source") or {"kind": "pypi"}
    pip_src = []
    pip_env = ""
    if source.get("kind") == "index":
        # The index (credentials and all) goes to pip in a 0600 config file in this job's
        # folder, never on a command line (`ps` shows those to every user of the node) and
        # never in run.sh; it is removed once pip is done. Issue 16.
        private_files["pip.conf"] = index_conf(source)
        pip_env = os.path.join(jobdir, "pip.conf")
    elif source.get("kind") == "wheelhouse":
        d = str_param(source, "remoteDir", r"~?[A-Za-z0-9_./-]{1,300}", "a plain path")
        pip_src = ["--no-index", "--find-links", os.path.expanduser(d)]
    if vllm:
        pip_src += vllm.pip_args(jobdir)
    wanted = {}
    for spec in pkgs:
        name, _, ver = spec.partition("==")
        if ver:
            wanted[re.sub(r"\[.*\]", "", name)] = ver
    if vllm:
        vllm.pin(wanted)
    vllm_after = vllm.after_pip(py) if vllm else ""
    vllm_check = vllm.check(py) if vllm else ""
    # Done when every package is there at its pinned version (vLLM turned on later installs it).
    check = ("import importlib.metadata as m\n"
             f"for name, ver in {wanted!r}.items():\n"
             "    assert ver is None or m.version(name) == ver, name\n")
    src = " ".join(q(a) for a in pip_src)
    if pip_env:
        head += f"export PIP_CONFIG_FILE={q(pip_env)}\ntrap {q('rm -f ' + q(pip_env))} EXIT\n"
    specs = " ".join(q(x) for x in pkgs)
    return head + (
        f"if [ -f {q(marker)} ] && [ -x {q(py)} ] && {q(py)} -c {q(check)} 2>/dev/null; then\n"
        f"echo 'Ray {version} is already installed in {venv} with everything asked for; nothing to do.'\n{vllm_check}exit 0\nfi\n"
        f"rm -f {q(marker)}\n"
        "with_pip=()\n"
        f"if [ -x {q(py)} ] && {q(py)} -m pip --version >/dev/null 2>&1; then\n"
        f"  echo 'Installing into the existing virtualenv {venv}'; pip=({q(py)} -m pip)\n"
        f"elif wheel=$({PIP_WHEEL}); then\n"
        f"  echo 'Creating the virtualenv {venv} (pip goes into it with the packages)'\n"
        f"  python3 -m venv --without-pip {q(venv)}; pip=(python3 -m pip --python {q(py)})\n"
        "  links=$(mktemp -d); trap 'rm -rf \"$links\" \"${PIP_CONFIG_FILE:-/nonexistent}\"' EXIT; ln -s \"$wheel\" \"$links/\"; with_pip=(--find-links \"$links\" pip)\n"
        "else\n"
        f"  echo 'Creating the virtualenv {venv}'\n"
        f"  python3 -m venv {q(venv)}; pip=({q(py)} -m pip)\n"
        "fi\n"
        f"echo 'Installing {' '.join(pkgs)}'\n"
        f"\"${{pip[@]}}\" install {PIP_FLAGS} {src} \"${{with_pip[@]}}\" {specs}\n"
        + (f"rm -f {q(pip_env)}\n" if pip_env else "") + vllm_after +
        f"{q(py)} -c {q(check)}\n" + vllm_check +
        f"printf '%s\\n' {specs} >{q(marker + '.tmp')} && mv {q(marker + '.tmp')} {q(marker)}\n"
        f"echo 'Installed Ray {version}'\n"
    )
