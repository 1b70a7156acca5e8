#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian 12 machine with Node 20, then runs every test.
# Idempotent: packages already present are not installed again.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v pdflatex >/dev/null 2>&1 || need_apt+=(texlive-latex-recommended)
command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)
/usr/bin/python3 -c 'import sympy' >/dev/null 2>&1 || need_apt+=(python3-sympy)
/usr/bin/python3 -c 'import torch' >/dev/null 2>&1 || need_apt+=(python3-torch libopenblas0-pthread)
# WebGPU in Node (test/numeric/webgpu): Dawn dlopens the unversioned libEGL.so (libegl-dev), Mesa's EGL vendor
# library and its llvmpipe driver; no GPU needed. test/numeric/webgpu/browser.test.ts uses the chromium below.
for pkg in libegl-dev libegl-mesa0 libgl1-mesa-dri; do dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg"); done
# The playground's end-to-end tests drive Debian's Chromium through playwright-core (no browser download).
[ -x /usr/bin/chromium ] || need_apt+=(chromium fonts-liberation)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "test-all: installing ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# The trainer's Hugging Face path (test/trainer/hf.test.ts) needs torch >= 2, transformers and peft, and the TRL
# tests (test/trainer/trl*.test.ts) trl 1.13 with accelerate and datasets, none of which Debian 12 packages. This machine image carries their wheels (/opt/wheels, /opt/pypi*), so the venv
# is made from local files alone; no registry is reached.
HF_VENV="$PWD/.venv-hf"
HF_PACKAGES=(torch transformers peft trl==1.13.0 accelerate datasets)
if ! "$HF_VENV/bin/python" -c 'import torch, transformers, peft, trl, accelerate, datasets; assert trl.__version__ == "1.13.0"' >/dev/null 2>&1; then
  echo "test-all: making $HF_VENV (${HF_PACKAGES[*]} from the image's local wheels)"
  [ -x "$HF_VENV/bin/pip" ] || python3 -m venv "$HF_VENV" || { apt-get install -y -qq --no-install-recommends python3-venv >/dev/null && /usr/bin/python3 -m venv "$HF_VENV"; }
  "$HF_VENV/bin/pip" install -q --disable-pip-version-check --index-url file:///opt/pypi/simple \
    --extra-index-url file:///opt/pypi-more/simple --find-links /opt/wheels "${HF_PACKAGES[@]}"
fi
export MARGINLAB_HF_PYTHON="$HF_VENV/bin/python"

npm ci --no-audit --no-fund
npm run build
export FC_SEED="${FC_SEED:-20261127}"
export FC_NUM_RUNS="${FC_NUM_RUNS:-200}"
echo "test-all: FC_SEED=$FC_SEED FC_NUM_RUNS=$FC_NUM_RUNS"
npx vitest run
