"""``templates check``, part two: render the templates on sample data under the same
limits as ``render``, so the check reports what ``render`` would refuse: runaway
loops, output too large, recursion, files outside the template folder, files that
are not UTF-8 or not a sound Word package.

:func:`check_template_limits` returns :class:`~.template_check.TemplateIssue` items,
to be listed after the static checks of :func:`~.template_check.check_templates`.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from reportgen.core.errors import TemplateProblem, UnusableInput
from reportgen.formats import DEFAULT_FORMAT
from reportgen.data.model import Paragraph, ReportData
from reportgen.formats.spec import ReportFormat
from reportgen.render.context import build_context
from reportgen.authoring.check import TemplateIssue

RENDER_REFUSED = "render-refused"  # in template_check.TEMPLATE_CATALOGUE

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "sample_inputs"  # in a source checkout


def sample_data(fmt: ReportFormat = DEFAULT_FORMAT) -> list[tuple[str, ReportData]]:
    """(name, data) to render on: the bundled samples where they are (a source
    checkout), and always a synthetic report with every part filled."""
    samples: list[tuple[str, ReportData]] = []
    for path in sorted(SAMPLES_DIR.glob("*.json")) if SAMPLES_DIR.is_dir() else []:
        try:
            samples.append((path.stem, ReportData.from_json(json.loads(path.read_text(encoding="utf-8")))))
        except (OSError, ValueError, UnusableInput):
            continue  # a damaged sample is the test suite's business, not the template's
    samples.append(("内置示例数据", _synthetic(fmt)))
    return samples


def _synthetic(fmt: ReportFormat) -> ReportData:
    data = ReportData(fmt)
    for info in fmt.info_fields:
        data.info[info.key] = 2023 if info.kind == "year" else f"示例{info.label}"
    data.text = {s.key: [Paragraph(f"示例{s.label}正文。", "（一）示例小标题。"), Paragraph("第二段。")]
                 for s in fmt.text_sections}
    data.values = {f.key: 0 for f in fmt.fields}
    return data


def check_template_limits(folder: Path | None, fmt: ReportFormat = DEFAULT_FORMAT) -> list[TemplateIssue]:
    """Render ``folder``'s templates (built-in ones filling gaps, as ``render`` does) on
    sample data; one issue per distinct refusal."""
    from reportgen.render import html as html_render
    from reportgen.render.docx import render_docx
    from reportgen.render.template_files import find_template

    issues: list[TemplateIssue] = []
    seen: set[tuple[str, str]] = set()

    def refused(file: str, sample: str, problem: TemplateProblem) -> None:
        if (file, str(problem)) not in seen:
            seen.add((file, str(problem)))
            issues.append(TemplateIssue(RENDER_REFUSED, file, f"用样例数据（{sample}）渲染时", str(problem)))

    with tempfile.TemporaryDirectory(prefix="reportgen-template-check-") as scratch:
        for name, data in sample_data(fmt):
            context = build_context(data)
            try:
                render_docx(find_template("report.docx", folder), context, Path(scratch) / "report.docx")
            except TemplateProblem as problem:
                refused("report.docx", name, problem)
            try:
                html_render.render_html(context, folder)
            except TemplateProblem as problem:
                refused("report.html", name, problem)
    return issues
