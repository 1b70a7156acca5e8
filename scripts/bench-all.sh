#!/usr/bin/env bash
# Every benchmark, in turn; each writes its JSON under docs/bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build
for f in test/bench/*.bench.ts; do
  echo "== $f"
  npx tsx "$f"
done
