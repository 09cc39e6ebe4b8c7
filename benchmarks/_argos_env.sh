#!/bin/sh
# Make the separate venv benchmarks/argos.py runs in: argostranslate with its real
# dependencies (torch, stanza, spaCy), which bireader itself never installs.
# torch goes first, pinned: that version is a CPU wheel here; any other pulls in CUDA.
set -eu
VENV=${ARGOS_BENCH_VENV:-benchmarks/.cache/venv-argos}
PYTHON=${PYTHON:-python3}
if [ ! -f "$VENV/.installed" ]; then
    "$PYTHON" -m venv "$VENV" >&2
    "$VENV/bin/pip" install -q --upgrade pip >&2
    "$VENV/bin/pip" install -q torch==2.13.0 >&2
    "$VENV/bin/pip" install -q 'argostranslate>=1.9' >&2
    "$VENV/bin/pip" install -q -e . >&2
    touch "$VENV/.installed"
fi
echo "$VENV"
