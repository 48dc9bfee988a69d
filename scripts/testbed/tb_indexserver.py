"""The testbed's package index server: serves <wheelhouse> (simple/ and files/) over HTTP.

Started by `testbed up` on the bridge address (a host-side process, pid recorded in the
state file), stopped by `testbed down`. Usage: tb_indexserver.py <dir> <bind-ip> <port>.
Stdlib only; logs requests to stderr.
"""
import functools
import http.server
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".whl": "application/octet-stream", ".html": "text/html"}


def main():
    directory, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    handler = functools.partial(Handler, directory=directory)
    server = http.server.ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    print(f"serving {directory} on http://{host}:{port}/simple", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
