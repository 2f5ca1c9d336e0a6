"""Model → Word: the output side's entry points (derive a template, render, write atomically).

The output side, beside the input side (``reading/``):

* :mod:`.ooxml` — the one output module that knows WordprocessingML (edits in place, parsed with
  :func:`komae_docx.package.parse_xml`);
* :mod:`.derive` — the yearly places of the city's own file, found at the reader's anchors, either
  tagged (the derived template, ``make-template``) or filled in place (the draft);
* :mod:`.context` — the model → the values those places take (pure, typed);
* :mod:`.render` — docxtpl rendering to bytes, for templates people write or edit;
* :mod:`.draftmarks` — the draft's marks and results part, on the tree before its one serialization;
* this module — the jobs: :func:`write_draft` (the previous year's file edited in place; a given
  template rendered by docxtpl),
  :func:`write_template` (``make-template``), :func:`write_report` (``render``: a model into the
  bundled template or a given one).  Reading and rolling over are not done here: the API composes
  read → roll forward → write.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
from collections.abc import Callable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import OutputError, OutputExistsError, TemplateError
from ..model import Report
from ..package import Package, open_package
from ..safeio import write_all_atomic, write_bytes_atomic
from .context import DraftOptions, build_context
from .copymarks import without_copy_marks
from .derive import DerivedTemplate, derive_template, draft_in_place
from .draftmarks import mark_draft, mark_draft_tree

__all__ = [
    "TEMPLATE_NAME",
    "DraftOptions",
    "render_report",
    "template_path",
    "write_draft",
    "write_report",
    "write_template",
]

TEMPLATE_NAME = "report.docx"
PathArg = str | Path


def template_path(template: PathArg | None = None) -> Path:
    """A template file: ``template`` (a .docx, or a folder holding ``report.docx``), else the bundled one."""
    if template is not None:
        path = Path(template)
        path = path / TEMPLATE_NAME if path.is_dir() else path
        if not path.is_file():
            raise TemplateError("テンプレートが見つかりません", path)
        return path
    try:
        bundled = Path(str(resources.files("komae_docx.templates").joinpath(TEMPLATE_NAME)))
    except ModuleNotFoundError:  # a source checkout: templates/ sits beside the package
        bundled = Path(__file__).resolve().parents[2] / "templates" / TEMPLATE_NAME
    return bundled


def _given_template(template: PathArg | None) -> tuple[bytes, Path]:
    """The bytes of a template file, linted first when staff may have edited it."""
    path = template_path(template)
    if template is not None:
        from .templatelint import check_template

        check_template(path)
    return path.read_bytes(), path


def render_report(
    report: Report,
    *,
    draft: DraftOptions | None = None,
    template: PathArg | None = None,
    derived: DerivedTemplate | None = None,
) -> bytes:
    """Render ``report`` into a derived template, a given template file or the bundled one."""
    if derived is not None:
        data, name = derived.data, "（前年度の報告書から作ったテンプレート）"
    else:
        data, path = _given_template(template)
        name = str(path)

    def build(add_comment: Callable[[str], int]) -> Mapping[str, Any]:
        return build_context(report, draft=draft, add_comment=add_comment)

    from .render import render_template  # docxtpl: only for templates, not the in-place draft

    return render_template(data, build, name=name)


def write_report(
    report: Report,
    target: PathArg,
    *,
    force: bool = False,
    inputs: Sequence[PathArg] = (),
    template: PathArg | None = None,
    draft: DraftOptions | None = None,
) -> Path:
    """Render ``report`` (same year) and write it atomically; never onto an input."""
    refuse_early(target, force, inputs)
    data = render_report(report, draft=draft, template=template)
    given = [template_path(template)] if template is not None else []
    write_bytes_atomic(target, data, force=force, inputs=[*inputs, *given])
    return Path(target)


def write_draft(
    previous: Report,
    rolled: Report,
    source: PathArg,
    target: PathArg,
    *,
    carry_text: bool = False,
    template: PathArg | None = None,
    force: bool = False,
    with_outputs: Callable[[tuple[str, ...]], Sequence[tuple[PathArg, bytes]]] | None = None,
    package: Package | None = None,
) -> tuple[str, ...]:
    """Write next year's draft: ``rolled`` (the rolled-forward ``previous``) in the city's own file.

    ``source`` is the file ``previous`` was read from; its copy is the template unless ``template``
    (a template made by :func:`write_template`, possibly edited) is given; ``package`` is ``source``
    as the job opened it (read from it, not opened again).  Returns the texts of the
    paragraphs whose dates the draft moved (as written), so the change log can name every one.
    ``with_outputs`` gives files to write with the draft (given those texts): all, or none.
    """
    inputs: list[PathArg] = [source, *([template_path(template)] if template is not None else [])]
    refuse_early(target, force, inputs)
    opened = package if package is not None and template is None else source
    data, dated = draft_bytes(previous, rolled, opened, carry_text=carry_text, template=template, name=target)
    more = list(with_outputs(dated)) if with_outputs is not None else []
    write_all_atomic([(target, without_copy_marks(data)), *more], force=force, inputs=inputs)
    return dated


def draft_bytes(
    previous: Report,
    rolled: Report,
    source: PathArg | Package,
    *,
    carry_text: bool = False,
    template: PathArg | None = None,
    via_template: bool = False,
    name: PathArg = "draft.docx",
) -> tuple[bytes, tuple[str, ...]]:
    """The draft's bytes and the texts of the paragraphs whose dates moved (see :func:`write_draft`).

    By default the city's tree is edited in place at the reader's anchors and serialized once
    (:func:`.derive.draft_in_place`).  A ``template`` (people's) is rendered by docxtpl;
    ``via_template`` sends the city's file through the template it derives (``make-template``),
    the path the tests compare the in-place draft with.  ``source`` may be the opened package the
    reader read ``previous`` from, so the file is opened once.
    """
    options = DraftOptions(previous=previous, carry_text=carry_text)
    if template is None and not via_template:
        package = source if isinstance(source, Package) else open_package(source)
        drafted = draft_in_place(package, previous, rolled, options)
        data = mark_draft_tree(drafted.parts, drafted.main, drafted.document, rolled, previous, name=name)
        return data, drafted.dated
    dated: tuple[str, ...] = ()
    if template is None:
        derived = derive_template(source, previous)
        dated = derived.dated
        _release_memory()
        data = render_report(rolled, draft=options, derived=derived)
    else:
        data = render_report(rolled, draft=options, template=template)
    return mark_draft(data, rolled, previous, name=name), dated


def write_template(report: Report, source: PathArg, target: PathArg, *, force: bool = False) -> Path:
    """Write the template derived from ``source`` (whose model is ``report``) for IT staff to inspect."""
    refuse_early(target, force, [source])
    write_bytes_atomic(target, derive_template(source, report).data, force=force, inputs=[source])
    return Path(target)


def refuse_early(target: PathArg, force: bool, inputs: Sequence[PathArg]) -> None:
    """Refuse before the (slow) rendering when the target is an input or exists without force."""
    path = Path(target)
    for given in inputs:
        if Path(given).exists() and path.exists() and path.resolve() == Path(given).resolve():
            raise OutputError(
                "入力ファイルと同じファイルには書き込めません。別の出力先を指定してください", path
            )
    if path.exists() and not force and not path.is_dir():
        raise OutputExistsError(path)


def _release_memory() -> None:
    """Hand the parsed source document's freed memory back to the system before rendering.

    lxml frees a large tree into the C heap, which glibc keeps; without this a large report's
    reading and rendering peaks add up.  Best effort: elsewhere than glibc it does nothing.
    """
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
