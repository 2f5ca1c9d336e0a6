"""README's design table lists every module of the package (issue 23, item 9)."""

from __future__ import annotations

import re

from .conftest import ROOT


def design_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("\n## Design\n", 1)[1].split("\n## ", 1)[0]


def test_every_module_is_in_the_design_table() -> None:
    table = design_section()
    named = set(re.findall(r"`([\w/]+)`", table))
    web = set(re.findall(r"`(\w+)`", table.split("`frontends/web/*`", 1)[1].split("|", 1)[0]))
    package = ROOT / "komae_docx"
    missing = []
    for path in sorted(package.rglob("*.py")):
        module = path.relative_to(package).with_suffix("").as_posix()
        if path.name == "__init__.py" and module != "__init__":
            continue  # a sub-package's empty marker
        listed = module in named or (module.startswith("frontends/web/") and path.stem in web)
        if not listed:
            missing.append(module)
    assert missing == [], "modules missing from README's design table"


def test_the_design_table_names_no_module_that_does_not_exist() -> None:
    table = design_section()
    package = ROOT / "komae_docx"
    for row in table.splitlines():
        cells = row.split("|")
        if len(cells) < 4 or cells[2].strip() in {"module", "---"}:
            continue
        prefix = "frontends/web/" if "`frontends/web/*`" in cells[2] else ""
        for name in re.findall(r"`([\w/]+)`", cells[2]):
            name = name if "/" in name else prefix + name
            assert (package / f"{name}.py").is_file() or (package / name).is_dir(), name
