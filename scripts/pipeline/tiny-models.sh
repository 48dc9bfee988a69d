#!/usr/bin/env bash
# Builds the pipeline's tiny embedding and reranker models (scripts/models/make_tiny_bert.py, with
# scripts/models/model-env.sh's Python: no torch, no model hub) into .cache/models/tiny-embed and
# .cache/models/tiny-rerank, once: they are rebuilt only when make_tiny_bert.py changes (its
# sha256 is kept beside them). Prints the two folders, one per line.
set -euo pipefail
cd "$(dirname "$0")/../.."
embed=".cache/models/tiny-embed"
rerank=".cache/models/tiny-rerank"
stamp=".cache/models/.tiny-bert.sha256"
want="$(sha256sum scripts/models/make_tiny_bert.py | cut -d' ' -f1)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" || ! -f "$embed/modules.json" || ! -f "$rerank/config.json" ]]; then
  py="$(scripts/models/model-env.sh)"
  rm -rf "$embed" "$rerank"
  "$py" scripts/models/make_tiny_bert.py "$embed" "$rerank" >&2
  echo "$want" > "$stamp"
fi
echo "$PWD/$embed"
echo "$PWD/$rerank"
