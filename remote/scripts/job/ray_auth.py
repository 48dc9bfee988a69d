"""Ray's token authentication on a node: the token lives in a 0600 file
(~/.raydeck/ray_auth_token), never on a command line; the head makes one if it has none (kept
across restarts), workers get the head's from Raydeck. Used by the token action and the steps
that start Ray."""
import os, re
from job_io import fail, q

TOKEN_PATH = os.path.expanduser("~/.raydeck/ray_auth_token")

def read_token():
    try:
        with open(TOKEN_PATH) as f:
            return f.read().strip() or None
    except OSError:
        return None

def write_token(token):
    os.makedirs(os.path.dirname(TOKEN_PATH), mode=0o700, exist_ok=True)
    fd = os.open(TOKEN_PATH + ".tmp", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(token)
    os.replace(TOKEN_PATH + ".tmp", TOKEN_PATH)

def ensure_token():
    """Makes the node's token when it has none (the head's, before its Ray starts)."""
    if not read_token():
        import secrets
        write_token(secrets.token_urlsafe(32))

def auth_env(p, step):
    """The step script's lines that turn Ray's token auth on (none without params.auth)."""
    auth = p.get("auth", False)
    if auth is not True:
        return ""
    token = p.get("token")
    if token is not None:
        if not isinstance(token, str) or not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", token):
            fail("params.token must be 16-256 url-safe characters")
        write_token(token)
    elif step == "start-head":
        ensure_token()
    elif not read_token():
        fail("params.token is required to join a cluster with token authentication")
    return f"export RAY_AUTH_MODE=token RAY_AUTH_TOKEN_PATH={q(TOKEN_PATH)}\n"
