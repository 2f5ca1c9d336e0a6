#!/usr/bin/env bash
# Every Python the package claims (pyproject.toml: requires-python >=3.11), besides the machine's own
# python3 that runs the whole suite: for each other supported minor version found on the machine, a
# fresh venv, `pip install .` (no test extras) and the year's cycle through the command line
# (.ci/other_pythons.py). A Python below the floor must be refused by pip, never installed to fail later.
set -euo pipefail
cd "$(dirname "$0")/.."

# pyenv (as on the project's machines) runs a version's shim only when PYENV_VERSION names it: name them all.
if command -v pyenv >/dev/null; then
    PYENV_VERSION="$(pyenv version-name):$(pyenv versions --bare | grep -E '^3\.[0-9]+\.[0-9]+$' | paste -sd: -)"
    export PYENV_VERSION
fi
runs() { command -v "$1" >/dev/null && "$1" -c '' 2>/dev/null; }  # (a pyenv shim may exist and not run)
own="$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
for version in 3.11 3.12 3.13 3.14; do
    python="python$version"
    if [ "$version" = "$own" ]; then continue; fi
    if ! runs "$python"; then echo "$python: not on this machine, skipped"; continue; fi
    venv=".venv-$version"
    rm -rf "$venv" && "$python" -m venv "$venv" && "$venv/bin/pip" install -q .
    "$venv/bin/python" .ci/other_pythons.py
done

if runs python3.10; then
    rm -rf .venv-3.10 && python3.10 -m venv .venv-3.10
    if .venv-3.10/bin/pip install -q . 2>.venv-3.10/pip.log; then
        echo "FAILED: pip installed komae-docx on Python 3.10, which it does not support" >&2
        exit 1
    fi
    if ! grep -q "requires a different Python" .venv-3.10/pip.log; then
        cat .venv-3.10/pip.log >&2
        echo "FAILED: pip on Python 3.10 failed for another reason than requires-python" >&2
        exit 1
    fi
    echo "python3.10: pip refuses to install (requires-python >=3.11), as it should"
fi
