#!/usr/bin/env bash
# Prints the path of a Python for the app builder's pytest suite (remote/raydeck_serve/tests):
# ray[serve]==RAY_VERSION (+ pyarrow, which Ray Serve LLM's LLMConfig imports; vLLM is not installed:
# the llm stage's config is checked, its engine runs on the testbed), pytest, sentence-transformers
# on the CPU build of torch 2.13.0, and setuptools/wheel for scripts/pipeline/build-wheel.
# Created on first use in .cache/pipeline/venv (git-ignored; about 3 minutes and 1.8 GB once,
# then instant; made again when the list below changes). torch comes first and pinned, so sentence-transformers never pulls a CUDA build:
# `pip install torch==2.13.0` takes a CPU wheel from the configured find-links where one lies
# (this machine's), otherwise from PyTorch's CPU index — the product's own PYTORCH_CPU_INDEX
# (core/bringup/node-steps.ts, read from there: one fact, one place) or
# $RAYDECK_PIPELINE_TORCH_INDEX when set.
set -euo pipefail
cd "$(dirname "$0")/../.."
RAY_VERSION="$(sed -n "s/^export const RAY_VERSION = '\\([0-9.]*\\)';$/\\1/p" shared/domain/bringup.ts)"  # the one declaration: shared/domain/bringup.ts
TORCH_VERSION="2.13.0"
venv=".cache/pipeline/venv"
marker="$venv/.raydeck-ready"
packages=("torch==${TORCH_VERSION}" "ray[serve]==${RAY_VERSION}" "pyarrow" "sentence-transformers==6.3.0" "pytest>=8,<10" "setuptools>=70" "wheel")
if [[ ! -f "$marker" || "$(cat "$marker")" != "${packages[*]}" ]]; then
  echo "pipeline-env: creating $venv (once)" >&2
  rm -rf "$venv"
  mkdir -p .cache/pipeline
  python3 -m venv "$venv"
  py="$venv/bin/python"
  pip=("$py" -m pip install --quiet --disable-pip-version-check)
  probe="$(mktemp -d)"
  # A CPU build of torch on this machine's disk (find-links), without asking any index?
  if "$py" -m pip download --quiet --disable-pip-version-check --no-index --no-deps -d "$probe" "torch==${TORCH_VERSION}" >/dev/null 2>&1 \
    && ls "$probe"/torch-*+cpu-*.whl >/dev/null 2>&1; then
    "${pip[@]}" "torch==${TORCH_VERSION}" >&2
  else
    index="${RAYDECK_PIPELINE_TORCH_INDEX:-$(sed -n "s/^export const PYTORCH_CPU_INDEX = '\(.*\)';$/\1/p" core/bringup/node-steps.ts)}"
    [[ -n "$index" ]] || { echo "pipeline-env: no PyTorch CPU index (set RAYDECK_PIPELINE_TORCH_INDEX)" >&2; exit 1; }
    "${pip[@]}" --index-url "$index" "torch==${TORCH_VERSION}+cpu" >&2
  fi
  rm -rf "$probe"
  "${pip[@]}" "${packages[@]}" >&2
  "$py" -c "
import ray, torch, sentence_transformers
from ray.llm._internal.serve.core.configs.llm_config import LLMConfig
assert ray.__version__ == '${RAY_VERSION}', ray.__version__
assert '+cpu' in torch.__version__ or not torch.cuda.is_available(), torch.__version__
" >&2
  echo "${packages[*]}" > "$marker"
fi
echo "$PWD/$venv/bin/python"
