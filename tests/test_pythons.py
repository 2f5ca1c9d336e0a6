"""Issue 27: pyproject.toml says only what is true about the Pythons.

package.py compiles possessive regular expressions (``*+``, ``++``), which only Python 3.11 and later
understand; so the package claims ``>=3.11``, and pip on Python 3.10 refuses to install it instead
of installing a package whose every command then fails.  The claimed versions are the ones CI
runs (`.ci/other_pythons.sh`).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_floor_is_the_first_python_that_reads_the_package() -> None:
    assert PROJECT["project"]["requires-python"] == ">=3.11"
    assert PROJECT["tool"]["ruff"]["target-version"] == "py311"
    assert sys.version_info >= (3, 11)


def test_the_claimed_versions_are_the_ones_ci_runs() -> None:
    claimed = [c.rsplit(" :: ", 1)[1] for c in PROJECT["project"]["classifiers"] if "Python :: 3." in c]
    assert claimed == ["3.11", "3.12", "3.13"]
    script = (ROOT / ".ci" / "other_pythons.sh").read_text(encoding="utf-8")
    assert "for version in 3.11 3.12 3.13 3.14; do" in script
    assert "/.venv-*/" in (ROOT / ".gitignore").read_text(encoding="utf-8")


def _runs(command: str) -> bool:
    if shutil.which(command) is None:
        return False
    return subprocess.run([command, "-c", ""], capture_output=True).returncode == 0  # (a pyenv shim)


@pytest.mark.skipif(not _runs("python3.10"), reason="python3.10 is not on this machine")
def test_pip_on_python_310_refuses_to_install(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run(["python3.10", "-m", "venv", str(venv)], check=True, timeout=300)
    done = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--no-deps", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode != 0
    assert "requires a different Python: 3.10" in done.stderr
    assert not list((venv / "lib").glob("python3.10/site-packages/komae_docx*"))
