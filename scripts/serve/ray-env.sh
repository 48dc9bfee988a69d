#!/usr/bin/env bash
# Prints the path of a Python that has Ray's own Serve schema (ray[serve]==RAY_VERSION, the Ray
# Raydeck pins, read from shared/domain/bringup.ts), creating it on first use: a venv in .cache/serve/ (git-ignored), installed with
# pip from the configured index (PyPI by default; about a minute and 500 MB once, then instant).
# The Serve conformance test runs Ray's ServeDeploySchema with it.
set -euo pipefail
cd "$(dirname "$0")/../.."
RAY_VERSION="${RAYDECK_CONFORMANCE_RAY:-$(sed -n "s/^export const RAY_VERSION = '\\([0-9.]*\\)';$/\\1/p" shared/domain/bringup.ts)}"  # default: shared/domain/bringup.ts
venv=".cache/serve/ray-${RAY_VERSION}-venv"
marker="$venv/.raydeck-ready"
if [[ ! -f "$marker" ]]; then
  echo "ray-env: creating $venv with ray[serve]==${RAY_VERSION} (once)" >&2
  rm -rf "$venv"
  mkdir -p .cache/serve
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "ray[serve]==${RAY_VERSION}" >&2
  "$venv/bin/python" -c "import ray, ray.serve.schema; assert ray.__version__ == '${RAY_VERSION}', ray.__version__" >&2
  touch "$marker"
fi
echo "$PWD/$venv/bin/python"
