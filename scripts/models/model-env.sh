#!/usr/bin/env bash
# Prints the path of a Python that can build the test models (numpy, safetensors, tokenizers: no
# torch, no transformers, no model hub), creating it on first use in .cache/models/env
# (git-ignored; a few seconds and ~60 MB once, then instant).
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=".cache/models/env"
marker="$venv/.raydeck-ready"
if [[ ! -f "$marker" ]]; then
  echo "model-env: creating $venv (once)" >&2
  rm -rf "$venv"
  mkdir -p .cache/models
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "numpy>=1.26,<3" "safetensors>=0.4,<1" "tokenizers>=0.20,<1" >&2
  touch "$marker"
fi
echo "$PWD/$venv/bin/python"
