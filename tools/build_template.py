"""Build ``templates/report.docx`` from the city's own report, ``examples/r5_report.docx``.

A thin wrapper: the template is made by the same in-package code that derives every draft's
template (:func:`komae_docx.writing.derive.derive_template`, the job ``komae-docx make-template``
does), so the bundled template is exactly the example with its yearly content tagged.

    .venv/bin/python tools/build_template.py            # writes templates/report.docx
    .venv/bin/python tools/build_template.py --check    # exit 1 if the checked-in file is stale

``--check`` compares the unpacked parts, not the zip bytes.  See ``templates/README.md``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from komae_docx.api import read
from komae_docx.writing.derive import derive_template, docx_parts

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "r5_report.docx"
OUTPUT = ROOT / "templates" / "report.docx"


def build(example: Path = EXAMPLE) -> bytes:
    """The bundled template's bytes, derived from ``example``."""
    return derive_template(example, read(example).value).data


def is_stale(output: Path = OUTPUT) -> bool:
    """True when the checked-in template's parts differ from a fresh build's."""
    return not output.is_file() or docx_parts(build()) != docx_parts(output.read_bytes())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 if templates/report.docx is stale")
    args = parser.parse_args(argv)
    if args.check:
        stale = is_stale()
        print("templates/report.docx is stale: run tools/build_template.py" if stale else "up to date")
        return 1 if stale else 0
    OUTPUT.write_bytes(build())
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
