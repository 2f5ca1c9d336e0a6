"""The year's cycle through the command line, on another Python than the machine's ``python3``.

`.ci/other_pythons.sh` installs komae-docx (``pip install .``, no test extras) into a fresh virtual
environment for every other Python the package claims that the machine has, and runs this script
with it: parse, draft, split, the copies filled as Word saves them, merge (of the folder, with a
Word owner file in it), status, finalize and grade, each checked for its exit code and content.
Run from the repository root: ``.venv-3.13/bin/python .ci/other_pythons.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.filler: copies filled as Word saves them

from komae_docx import api  # noqa: E402
from tests.filler import fill_draft, last_years_fill  # noqa: E402

EXAMPLE = ROOT / "examples" / "r5_report.docx"
COMMAND = Path(sys.executable).parent / "komae-docx"
PUBLISHED = {"plan1": ["A", "A", "A", "A", "C"], "plan2": ["A", "A", "A", "A", "A", "A", "B", "A"]}
"""The grades of the R5 report as printed (評価総括表 and sheets)."""


def run(*args: str | Path, code: int = 0, says: str = "") -> str:
    """One command; its exit code must be ``code`` and its messages hold ``says``; returns its
    standard output."""
    done = subprocess.run([str(COMMAND), *map(str, args)], capture_output=True, timeout=600)
    shown = " ".join(map(str, args))
    if done.returncode != code:
        sys.stderr.write(done.stderr.decode("utf-8", "replace"))
        raise SystemExit(f"FAILED: komae-docx {shown}: exit {done.returncode}, expected {code}")
    if says not in done.stderr.decode("utf-8"):
        raise SystemExit(f"FAILED: komae-docx {shown}: no 「{says}」 in {done.stderr.decode('utf-8')!r}")
    print(f"ok  komae-docx {shown}  (exit {code})")
    return done.stdout.decode("utf-8")


def main() -> int:
    print(f"Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="komae-py-") as folder:
        work = Path(folder)
        model = json.loads(run("parse", EXAMPLE, "--json"))
        assert [plan["key"] for plan in model["plans"]] == ["plan1", "plan2"], model["plans"]
        draft = work / "r6_draft.docx"
        run("draft", EXAMPLE, "-o", draft)
        run("split", draft, "-o", work / "各課へ")
        copies = work / "戻った 写し"
        copies.mkdir()
        last_year, report = api.read(EXAMPLE).value, api.read(draft).value
        made = api.split(draft, work / "split").value.copies
        for copy in made:
            fill = last_years_fill(last_year, report, departments=[copy.code])
            if copy.department == "福祉政策課":
                fill.opinions = last_years_fill(last_year, report).opinions
            fill_draft(copy.path, copies / copy.path.name, fill)
        (copies / ("~$" + made[0].path.name[2:])).write_bytes(b"owner file Word keeps while open")
        merged = work / "まとめ.docx"
        first = made[0]
        owner_line = f"「~$_draft_{first.department}.docx」を飛ばしました。写し「{first.path.name}」がまだ"
        run("merge", draft, copies, "-o", merged, says=owner_line)
        status = json.loads(run("status", merged, "--json", code=4))
        assert [item["code"] for item in status["items"]] == ["incomplete.number"], status["items"]
        published = work / "r6_report.docx"
        run("finalize", merged, "-o", published, "--number", "R7-15", "--pages", "fields")
        graded = json.loads(run("grade", published, "--json"))
        letters = {plan["plan"]: [m["grade"] for m in plan["measures"]] for plan in graded["plans"]}
        assert letters == PUBLISHED, letters
    print(f"Python {sys.version.split()[0]}: parse, draft, split, merge, status, finalize, grade all work")
    return 0


if __name__ == "__main__":
    sys.exit(main())
