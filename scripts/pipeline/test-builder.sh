#!/usr/bin/env bash
# The app builder's pytest suite (remote/raydeck_serve/tests) against a real local Ray Serve:
# makes the test venv (pipeline-env.sh) and the tiny embedding/reranker models (tiny-models.sh)
# when missing, then runs pytest. Extra arguments go to pytest (e.g. -k router, --junitxml=F).
set -euo pipefail
cd "$(dirname "$0")/../.."
py="$(scripts/pipeline/pipeline-env.sh)"
{ read -r embed; read -r rerank; } < <(scripts/pipeline/tiny-models.sh)
export RAYDECK_TINY_EMBED="$embed" RAYDECK_TINY_RERANK="$rerank"
cd remote/raydeck_serve
exec "$py" -B -m pytest -q -p no:cacheprovider "$@" tests
