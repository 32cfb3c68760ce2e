#!/usr/bin/env bash
# The python-igraph peer of the algorithm benchmark (bench/igraph.bench.ts): a virtual environment in
# .cache/igraph-venv (git-ignored), created once with python-igraph from PyPI, then reused.
# Prints the venv's python on stdout; any failure is one line on stderr and a non-zero exit.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="${IGRAPH_VENV:-$root/.cache/igraph-venv}"
version="${PYTHON_IGRAPH_VERSION:-0.11.9}"
python="${PYTHON:-python3}"
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import igraph, sys; sys.exit(0 if igraph.__version__ == '$version' else 1)" 2>/dev/null; then
  echo "$venv/bin/python"
  exit 0
fi
command -v "$python" >/dev/null || { echo "igraph-venv: $python not found (set PYTHON)" >&2; exit 1; }
"$python" -m venv "$venv" >&2 || { echo "igraph-venv: could not create a venv at $venv" >&2; exit 1; }
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "python-igraph==$version" >&2 ||
  { echo "igraph-venv: pip could not install python-igraph==$version from PyPI" >&2; exit 1; }
echo "$venv/bin/python"
