#!/usr/bin/env bash
# The app builder's pytest suite (remote/raydeck_serve/tests) against a real local Ray Serve:
# makes the test venv (pipeline-env.sh) and the tiny embedding/reranker models (tiny-models.sh)
# when missing, then runs pytest. Extra arguments go to pytest (e.g. -k router, --junitxml=F).
# --vllm: only tests/test_llm_vllm.py (the llm stage and the RAG pipeline on real vLLM's CPU
# build and the tiny Llama), with the venv of scripts/pipeline/vllm-env.sh (3 GB, made once;
# about 4 minutes a run on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/../.."
tests=(tests)
if [[ "${1:-}" == "--vllm" ]]; then
  shift
  py="$(scripts/pipeline/vllm-env.sh)"
  if [[ ! -f .cache/models/tiny-llama/config.json ]]; then
    "$(scripts/models/model-env.sh)" scripts/models/make_tiny_llama.py .cache/models/tiny-llama >&2
  fi
  export RAYDECK_TINY_LLAMA="$PWD/.cache/models/tiny-llama"
  tests=(tests/test_llm_vllm.py)
else
  py="$(scripts/pipeline/pipeline-env.sh)"
fi
{ read -r embed; read -r rerank; } < <(scripts/pipeline/tiny-models.sh)
export RAYDECK_TINY_EMBED="$embed" RAYDECK_TINY_RERANK="$rerank"
cd remote/raydeck_serve
exec "$py" -B -m pytest -q -p no:cacheprovider "$@" "${tests[@]}"
