"""``reportgen templates check``: every problem in a folder of templates, at once.

Word templates are read paragraph by paragraph (the text of a paragraph's runs
joined, as Word shows it), so a tag that Word split across runs is still read
whole, and each problem is located as a clerk-visible place: 第 N 段, or
表格 T 第 R 行第 C 格.  HTML templates are located by line.
"""

from __future__ import annotations

import difflib
import html
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from jinja2 import TemplateSyntaxError, nodes
from lxml import etree

from reportgen.core import compat
from reportgen.core.errors import TemplateProblem, UnusableInput
from reportgen.core.fileio import read_regular_file
from reportgen.core.zipguard import open_package, read_members, verify_package
from reportgen.formats import DEFAULT_FORMAT
from reportgen.formats.spec import ReportFormat
from reportgen.render.context import variable_reference
from reportgen.render.docx import W, paragraph_text
from reportgen.render.environment import ReportEnvironment
from reportgen.render.template_files import (builtin_templates_dir, check_docx_package, confined_file, jinja_message,
                                              read_template_text, template_dirs)
from reportgen.render.html import IMG_SRC, find_asset, is_local_reference
from reportgen.authoring.content import check_docx_content, check_html_content


@dataclass(frozen=True)
class IssueType:
    code: str
    title: str
    description: str


# The description is the docs' “什么时候报告” column (templates.md, in Chinese: IT staff read it).
TEMPLATE_CATALOGUE = {t.code: t for t in (
    IssueType("broken-tag", "标签不完整或被拆开", "{{ }} 或 {% %} 标签不完整、被拆开，或用了全角括号。"),
    IssueType("syntax-error", "模板语法错误", "Jinja 读不懂一个标签（说明为中文，指明所在的行或段）。"),
    IssueType("unknown-variable", "不存在的变量", "标签用到的名称不在模板变量表中（见上面的“变量”）。"),
    IssueType("unknown-filter", "不存在的过滤器", "标签用到的过滤器或测试 Jinja 没有。"),
    IssueType("unclosed-block", "块标签不配对", "{% for %} / {% if %} 没有结束标签（在开始标签所在的行报告），"
              "或结束标签前面没有开始标签。"),
    IssueType("missing-heading", "缺少报告的某一部分", "模板缺少六个部分标题中的一个。"),
    IssueType("missing-table", "缺少表格", "生成的报告会缺少一张法定表格。"),
    IssueType("changed-label", "表格标签被改动", "行或列标签与国家格式不同（说明中给出应有的文字）。"),
    IssueType("missing-value", "缺少数字", "表格中少了一个数字变量（如 {{ t3.granted.natural_person }}），这个数字不会印出。"),
    IssueType("missing-text", "缺少文字部分", "一个文字部分（text.overview 等）不会印出。"),
    IssueType("duplicate-content", "内容重复", "一个标题、文字部分或数字会印出不止一次。"),
    IssueType("missing-asset", "图片无法使用", "网页模板的 <img src> 指向的图片不在模板文件夹中、太大，或不是图片。"),
    IssueType("asset-outside-folder", "图片在模板文件夹之外", "<img src> 用了绝对路径或“..”：只有模板文件夹中的图片能嵌入。"),
    IssueType("include-outside-folder", "引用了模板文件夹之外的文件", "{% include %} / {% import %} 用了绝对路径或“..”："
              "模板只能引用模板文件夹中的文件。"),
    IssueType("missing-include", "引用的模板文件不存在", "{% include %} / {% import %} 引用的文件既不在模板文件夹中，"
              "也不是自带模板。"),
    IssueType("unreadable-template", "模板文件无法读取", "文件不是 Word 文档，或不是 UTF-8 文本。"),
    IssueType("render-refused", "用样例数据渲染时被拒绝",
              "用样例数据渲染模板时超过了 render 的上限（循环次数、输出大小、嵌套深度、文件夹外的文件、"
              "不是 UTF-8、.docx 不完好）。"),
)}


@dataclass(frozen=True)
class TemplateIssue:
    code: str
    file: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.file} {self.where}：{self.message}  [{self.code}]"

    def to_json(self) -> dict:
        return {"code": self.code, "title": TEMPLATE_CATALOGUE[self.code].title, "file": self.file,
                "where": self.where, "message": self.message}


class _Names:
    """What a template may refer to."""

    def __init__(self, fmt: ReportFormat, env: ReportEnvironment) -> None:
        self.known: set[str] = {"loop", "range", "caller", "dict", "lipsum", "cycler", "joiner", "namespace"}
        self.open: set[str] = {"parts", "loop", "caller"}  # anything below these is fine
        for name, _ in variable_reference(fmt):
            pieces = name.split(".")
            for i in range(1, len(pieces) + 1):
                self.known.add(".".join(pieces[:i]))
        self.open |= {f"tables.{t.key}" for t in fmt.tables} | {f"text.{s.key}" for s in fmt.text_sections}
        self.filters = set(env.filters)
        self.tests = set(env.tests)
        self.all_paths = sorted(n for n, _ in variable_reference(fmt))

    def valid(self, path: str, bound: set[str]) -> bool:
        if path.split(".")[0] in bound or path in self.known:
            return True
        return any(path == p or path.startswith(p + ".") for p in self.open)

    def suggest(self, path: str) -> str:
        close = difflib.get_close_matches(path, self.all_paths, n=1, cutoff=0.75)
        return f"，是否应为“{close[0]}”？" if close else "。"


def _paths(node: nodes.Node) -> Iterator[tuple[str, int]]:
    """Dotted variable paths a template reads (``t3.granted.total``), with their line."""
    if isinstance(node, (nodes.Getattr, nodes.Getitem)):
        chain: list[str] = []
        current = node
        while isinstance(current, (nodes.Getattr, nodes.Getitem)):
            if isinstance(current, nodes.Getattr):
                chain.append(current.attr)
            elif isinstance(current.arg, nodes.Const):
                chain.append(str(current.arg.value))
            else:  # x[expr]: check expr on its own, and the path up to here
                yield from _paths(current.arg)
                chain = []
            current = current.node
        if isinstance(current, nodes.Name) and current.ctx == "load":
            yield ".".join([current.name] + chain[::-1]), node.lineno
        else:
            yield from _paths(current)
        return
    if isinstance(node, nodes.Name) and node.ctx == "load":
        yield node.name, node.lineno
        return
    for child in node.iter_child_nodes():
        yield from _paths(child)


def _bound(ast: nodes.Node) -> set[str]:
    names = {n.name for n in ast.find_all(nodes.Name) if n.ctx in ("store", "param")}
    for imported in ast.find_all(nodes.FromImport):
        names |= {n if isinstance(n, str) else n[-1] for n in imported.names}
    names |= {m.name for m in ast.find_all(nodes.Macro)}
    return names


class _Checker:
    def __init__(self, fmt: ReportFormat, folder: Path | None = None) -> None:
        self.fmt = fmt
        self.folder = folder  # the template folder checked (its includes are looked up there)
        self.env = ReportEnvironment()
        self.names = _Names(fmt, self.env)
        self.issues: list[TemplateIssue] = []

    def add(self, code: str, file: str, where: str, message: str) -> None:
        self.issues.append(TemplateIssue(code, file, where, message))

    def analyse(self, ast: nodes.Node, bound: set[str], file: str, where) -> None:
        """Unknown variables and filters in a parsed template; ``where(lineno)`` locates."""
        for path, line in _paths(ast):
            if not self.names.valid(path, bound):
                self.add("unknown-variable", file, where(line),
                         f"“{path}”不是模板变量（变量表：运行 reportgen templates docs 生成的 templates.md）"
                         f"{self.names.suggest(path)}")
        for f in ast.find_all(nodes.Filter):
            if f.name not in self.names.filters:
                self.add("unknown-filter", file, where(f.lineno), f"没有名为“{f.name}”的过滤器。")
        for t in ast.find_all(nodes.Test):
            if t.name not in self.names.tests:
                self.add("unknown-filter", file, where(t.lineno), f"没有名为“{t.name}”的测试。")
        for node in ast.find_all((nodes.Include, nodes.Import, nodes.FromImport)):
            if isinstance(node.template, nodes.Const) and isinstance(node.template.value, str):
                self._included(node.template.value, file, where(node.lineno))

    def _included(self, name: str, file: str, where: str) -> None:
        """A file an {% include %} or {% import %} names: inside the template folder, and there."""
        if re.match(r"^([a-zA-Z]:|[\\/])", name) or ".." in re.split(r"[\\/]", name):
            self.add("include-outside-folder", file, where,
                     f"引用了模板文件夹之外的文件“{name}”（绝对路径或带“..”）。模板只能引用模板文件夹里的文件："
                     f"请把它复制到模板文件夹，写成“{name.replace(chr(92), '/').split('/')[-1]}”。")
        elif self.folder is not None and not any((d / name).is_file() for d in template_dirs(self.folder)):
            self.add("missing-include", file, where,
                     f"引用的文件“{name}”不在模板文件夹中，自带模板中也没有。请把它放进模板文件夹，或改正文件名。")

    # ------------------------------------------------------------------ HTML
    def check_text_template(self, path: Path) -> None:
        try:
            source = read_template_text(path.parent, path.name)
        except TemplateProblem as exc:
            self.add("unreadable-template", path.name, "", str(exc))
            return
        try:
            ast = self.env.parse(source)
        except TemplateSyntaxError as exc:
            # Read the tags one by one, so one run reports every problem at its own tag,
            # and pair the blocks: Jinja reports an unclosed {% if %} at the end of the
            # file, where nothing can be fixed; the pairing names the line that opens it.
            # Comments may span lines: blank them out, keeping the line numbers.
            before = len(self.issues)
            source = re.sub(r"\{#.*?#\}", lambda m: "\n" * m.group(0).count("\n"), source, flags=re.S)
            self._check_tags(path.name, [(f"第 {n} 行", line) for n, line in enumerate(source.splitlines(), 1)])
            if len(self.issues) == before:  # the tags one by one are fine: Jinja's place is the best there is
                self.issues.insert(before, TemplateIssue("syntax-error", path.name, f"第 {exc.lineno} 行",
                                                         jinja_message(exc)))
            return
        self.analyse(ast, _bound(ast), path.name, lambda line: f"第 {line} 行")

    # ------------------------------------------------------------------ Word
    def check_docx(self, path: Path) -> None:
        try:
            package = read_regular_file(path, "Word 模板")
            with open_package(package, path.name) as archive:
                verify_package(archive, path.name)  # python-docx reads these very bytes below
                parts = read_members(archive, path.name, lambda n: re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n))
            trees = {n: etree.fromstring(b) for n, b in parts.items()}
        except UnusableInput as exc:  # too large, a bomb
            self.add("unreadable-template", path.name, "", str(exc))
            return
        except (zipfile.BadZipFile, OSError, KeyError, EOFError, RuntimeError, zlib.error, etree.XMLSyntaxError):
            self.add("unreadable-template", path.name, "", "不是有效的 Word 文件，无法读取。请用 Word 或 WPS 另存为 .docx。")
            return
        if "word/document.xml" not in trees:
            self.add("unreadable-template", path.name, "", "不是有效的 Word 文件（缺少 word/document.xml）。")
            return
        paragraphs = list(_paragraphs(trees["word/document.xml"], "")) + [
            item for name, tree in trees.items() if name != "word/document.xml"
            for item in _paragraphs(tree, "页眉" if "header" in name else "页脚")]
        self._check_tags(path.name, paragraphs)
        body_text = "".join(text for _, text in paragraphs)
        position = 0
        for part in self.fmt.parts:
            if not part.heading:
                continue
            found = body_text.find(part.heading, position)
            if found < 0:
                self.add("missing-heading", path.name, "正文",
                         f"找不到“{part.heading}”（或顺序不对）。年度报告的六个部分一个也不能少，且须按顺序。")
            else:
                position = found
        if not self.issues_for(path.name):
            self._whole_document(path, package)
        if not self.issues_for(path.name):
            self._content(path.name, lambda: check_docx_content(path, self.fmt))

    def _content(self, file: str, run) -> None:
        """Render the template with probe data: does every part of the report come out once?"""
        try:
            found = run()
        except TemplateProblem as exc:  # render itself refuses it: say so, in render's words
            self.add("render-refused", file, "用样例数据渲染时", str(exc))
            return
        for issue in found:
            self.add(issue.code, file, issue.where, issue.message)

    def check_html_folder(self, folder: Path) -> None:
        """The HTML report as a whole (report.html with its includes) and its pictures."""
        names = [n for n in HTML_TEMPLATES if (folder / n).is_file()]
        for name in names:
            try:
                source = (folder / name).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue  # reported as unreadable already
            # Pictures named in {# comments #} are not used: blank comments out, keeping line numbers.
            source = re.sub(r"\{#.*?#\}", lambda m: "\n" * m.group(0).count("\n"), source, flags=re.S)
            for number, line in enumerate(source.splitlines(), 1):
                for match in IMG_SRC.finditer(line):
                    src = html.unescape(match.group(3))
                    if "{{" in src or "{%" in src or not is_local_reference(src):
                        continue
                    found = find_asset(src, folder)
                    if isinstance(found, str):
                        outside = re.match(r"^([a-zA-Z]:|[\\/])", src.strip()) or ".." in re.split(r"[\\/]", src)
                        self.add("asset-outside-folder" if outside else "missing-asset", name, f"第 {number} 行",
                                 found + "。")
        pictures = ("missing-asset", "asset-outside-folder")
        blocking = [i for n in HTML_TEMPLATES for i in self.issues_for(n) if i.code not in pictures]
        if names and not blocking:  # a template that does not parse cannot be rendered with probe data
            self._content(names[0], lambda: check_html_content(folder, self.fmt))

    def _check_tags(self, file: str, places: list[tuple[str, str]], pair_blocks: bool = True) -> None:
        """Parse each tag on its own: syntax, variables, filters, and block pairs."""
        tags = []  # (kind, body, where, snippet)
        for where, text in places:
            tags += self._tags_of(file, where, text)
        bound: set[str] = set()
        parsed = []
        for kind, body, where, snippet in tags:
            source = _as_parsable(kind, body)
            if source is None:
                parsed.append((kind, body, where, snippet, None))
                continue
            try:
                ast = self.env.parse(source)
            except TemplateSyntaxError as exc:
                self.add("syntax-error", file, where, f"{jinja_message(exc)}（{snippet}）")
                continue
            bound |= _bound(ast)
            parsed.append((kind, body, where, snippet, ast))
        for kind, body, where, snippet, ast in parsed:
            if ast is not None:
                self.analyse(ast, bound, file, lambda _line, w=where: w)
        if pair_blocks:
            self._blocks(file, parsed)

    def issues_for(self, file: str) -> list[TemplateIssue]:
        return [i for i in self.issues if i.file == file]

    def _tags_of(self, file: str, where: str, text: str):
        found = []
        rest = text  # the text with every complete tag blanked out, positions kept
        for match in re.finditer(r"\{\{(.*?)\}\}|\{%(.*?)%\}|\{#(.*?)#\}", text, flags=re.S):
            snippet = match.group(0)[:60]
            if match.group(1) is not None:
                found.append(("expr", match.group(1), where, snippet))
            elif match.group(2) is not None:
                found.append(("stmt", match.group(2), where, snippet))
            rest = rest[:match.start()] + " " * len(match.group(0)) + rest[match.end():]
        leftovers = [m for m in ("{{", "}}", "{%", "%}", "{#", "#}") if m in rest]
        odd = re.search(r"[｛｝]|\{\s+[{%]|[}%]\s+\}", rest)
        if odd:
            leftovers.append("全角括号或括号间有空格")
        if leftovers:
            at = min([rest.find(m) for m in leftovers if m in rest] + ([odd.start()] if odd else []))
            snippet = text[max(at - 15, 0): at + 30]
            fix = ("请在 Word 中删掉这个标签，用半角括号一次完整地重新输入。" if file.lower().endswith(".docx")
                   else "请把这个标签补完整（用半角括号）。")
            self.add("broken-tag", file, where, f"标签不完整或被拆开（{'、'.join(leftovers)}）：“{snippet}”。{fix}")
        return found

    def _blocks(self, file: str, parsed) -> None:
        stack: list[tuple[str, str, str]] = []
        for kind, body, where, snippet, _ in parsed:
            if kind != "stmt":
                continue
            words = _statement(body).split()
            if not words:
                continue
            keyword = words[0]
            if keyword in BLOCK_OPENERS and not (keyword == "set" and "=" in body):
                stack.append((keyword, where, snippet))
            elif keyword.startswith("end"):
                opener = keyword[3:]
                if not stack or stack[-1][0] != opener:
                    self.add("unclosed-block", file, where, f"“{snippet}”前面没有对应的 {{% {opener} %}} 开始标签。")
                else:
                    stack.pop()
        for keyword, where, snippet in stack:
            self.add("unclosed-block", file, where, f"“{snippet}”没有对应的 {{% end{keyword} %}} 结束标签。")

    def _whole_document(self, path: Path, package: bytes) -> None:
        """Compile the document as docxtpl will; catches what the tag-by-tag pass cannot.
        ``package``: the file's bytes, every member verified by the zip guard
        (:func:`check_docx`) before python-docx inflates them."""
        try:
            doc = compat.docxtpl_template(package)
            compat.load_document(doc)
            xml = compat.patch_xml(doc, compat.document_body_xml(doc))
            self.env.parse(xml)
        except TemplateSyntaxError as exc:
            self.add("syntax-error", path.name, "整个文档", jinja_message(exc))
        except Exception:  # docxtpl on a damaged file
            self.add("unreadable-template", path.name, "", "无法读取，文件可能已损坏。请用 Word 或 WPS 打开后重新保存。")


HTML_TEMPLATES = ("report.html", "body.html", "tables.html")  # the page, its body, the tables' macro
BLOCK_OPENERS = {"for", "if", "macro", "call", "filter", "with", "block", "set"}


def _statement(body: str) -> str:
    """A statement tag's text without docxtpl's paragraph/row/cell/run prefix ({%p for …%})."""
    return re.sub(r"^(p|tr|tc|r)\s", "", body.strip().strip("-+").strip()).strip()


def _as_parsable(kind: str, body: str) -> str | None:
    """A tag as a template Jinja can parse on its own."""
    if kind == "expr":
        return "{{" + body + "}}"
    statement = _statement(body)
    words = statement.split()
    if not words:
        return "{% %}"
    keyword = words[0]
    if keyword in ("for", "if", "with", "filter", "macro", "call"):
        return "{% " + statement + " %}{% end" + keyword + " %}"
    if keyword in ("elif", "else"):
        return "{% if true %}{% " + statement + " %}{% endif %}"
    if keyword == "set":
        return "{% " + statement + " %}" + ("" if "=" in statement else "{% endset %}")
    if keyword.startswith("end") or keyword in ("break", "continue"):
        return None
    return "{% " + statement + " %}"


def _paragraphs(tree, prefix: str) -> Iterator[tuple[str, str]]:
    """(where, text) for every paragraph, in document order."""
    count = 0
    for p in tree.iter(f"{W}p"):
        count += 1
        text = paragraph_text(p)
        cell = next((a for a in p.iterancestors(f"{W}tc")), None)
        if cell is not None:
            row = cell.getparent()
            table = row.getparent()
            tables = list(tree.iter(f"{W}tbl"))
            where = (f"表格 {tables.index(table) + 1} 第 {list(table.iterchildren(f'{W}tr')).index(row) + 1} 行"
                     f"第 {list(row.iterchildren(f'{W}tc')).index(cell) + 1} 格")
        else:
            where = f"第 {count} 段"
        yield (f"{prefix}{where}" if prefix else where), text


def check_templates(folder: Path | None, fmt: ReportFormat = DEFAULT_FORMAT) -> list[TemplateIssue]:
    """Check every template in ``folder`` (the built-in ones when None)."""
    folder = Path(folder) if folder else builtin_templates_dir()
    if not folder.is_dir():
        raise TemplateProblem(f"模板文件夹不存在：{folder}")
    checker = _Checker(fmt, folder)
    for path in sorted(folder.iterdir()):
        kind = path.suffix.lower()
        if kind not in (".docx", ".html", ".css") or path.name.startswith("~$"):
            continue
        try:  # what render refuses to open (a link out of the folder, a pipe, a bomb) is not opened here either
            confined_file(folder, path.name)
            if kind == ".docx":
                check_docx_package(path)
        except TemplateProblem as exc:
            checker.add("unreadable-template", path.name, "", str(exc))
            continue
        if kind == ".docx":
            checker.check_docx(path)
        elif kind == ".html":
            checker.check_text_template(path)
    checker.check_html_folder(folder)
    return checker.issues


# Issues a deliberately shortened template may have when rendering is explicitly
# allowed (render --allow-incomplete-template); anything else still stops it.
CONTENT_CODES = ("missing-heading", "missing-table", "changed-label", "missing-value", "missing-text",
                 "duplicate-content")
