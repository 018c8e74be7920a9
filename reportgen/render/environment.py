"""Where templates come from, and the one Jinja environment that renders them.

Built-in templates live in the repository's top-level ``templates/`` (installed as
``reportgen/templates``).  A ``--templates DIR`` folder overrides them file by
file, like an mkdocs theme: a file missing there falls back to the built-in one.

Templates are untrusted input (IT staff install them from elsewhere), so:

- files are read only from inside their folder (a symlink or ``..`` leading out is
  refused by name), only regular files, only UTF-8 text or a valid Word package;
- every render is bounded (:class:`RenderBudget`): loop iterations counted across
  the whole render (nested loops and includes too), output size, time, the size of
  what ``*``, ``+`` and ``**`` or a padding method may build, and recursion.

Each refusal is a plain-Chinese :class:`TemplateProblem` naming the file.
"""

from __future__ import annotations

import contextvars
import dataclasses
import hashlib
import marshal
import math
import os
import re
import shutil
import stat
import sys
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import jinja2
from jinja2 import (BaseLoader, StrictUndefined, Template, TemplateError, TemplateNotFound, TemplateSyntaxError,
                    UndefinedError, nodes, pass_eval_context)
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from markupsafe import Markup
from markupsafe import escape as markupsafe_escape
from markupsafe import soft_str

from reportgen.core import compat
from reportgen.core.cache import user_cache
from reportgen.core.errors import TemplateProblem, UnusableInput
from reportgen.core.fileio import read_regular_file
from reportgen.core.limits import LIMITS, MB
from reportgen.core.zipguard import open_package, read_member
from reportgen.render.context import TEMPLATE_VIEWS

TEMPLATE_FILES = ("report.docx", "report.html", "body.html", "tables.html", "style.css")


# Jinja's English messages, each said in Chinese.  Token names as a template writer types them.
TOKENS = {"end of print statement": "}}", "end of statement block": "%}", "name": "名称", "string": "字符串",
          "integer": "数字", "end of template": "模板末尾"}


def _token(name: str) -> str:
    return f"“{TOKENS.get(name, name)}”"


JINJA_MESSAGES = (
    (r"Unexpected end of template\..*innermost block that needs to be closed is '(\w+)'",
     lambda m: f"{{% {m[1]} %}} 没有对应的 {{% end{m[1]} %}} 结束标签"),
    (r"Encountered unknown tag '(end\w+)'\..*innermost block that needs to be closed is '(\w+)'",
     lambda m: f"{{% {m[1]} %}} 与前面的 {{% {m[2]} %}} 不配对，应先用 {{% end{m[2]} %}} 结束 {{% {m[2]} %}}"),
    (r"Encountered unknown tag '(end\w+)'", lambda m: f"{{% {m[1]} %}} 前面没有对应的开始标签"),
    (r"Encountered unknown tag '([^']+)'", lambda m: f"不认识的标签“{m[1]}”（可能拼错了）"),
    (r"Unexpected end of template", lambda m: "模板结束前缺少结束标签（如 {% endfor %}、{% endif %}）"),
    (r"unexpected end of template, expected '([^']+)'", lambda m: f"标签没有结束，缺少{_token(m[1])}"),
    (r"unexpected end of template", lambda m: "标签没有结束"),
    (r"expected token '([^']+)', got '([^']+)'", lambda m: f"这里应是{_token(m[1])}，却是{_token(m[2])}"),
    (r"Expected an expression, got '([^']+)'", lambda m: f"这里缺少变量或表达式（却是{_token(m[1])}）"),
    (r"unexpected char [\"']?(.)[\"']? at \d+", lambda m: f"多余的字符“{m[1]}”（引号是否成对？）"),
    (r"unexpected '([^']+)'", lambda m: f"多余的符号“{m[1]}”"),
)


def jinja_message(exc: TemplateSyntaxError) -> str:
    """Jinja's message said in plain Chinese (its English is for developers, not shown)."""
    original = exc.message or str(exc)
    for pattern, chinese in JINJA_MESSAGES:
        match = re.search(pattern, original, flags=re.S)
        if match:
            return f"模板语法错误：{chinese(match)}。"
    return "模板语法错误：无法读懂这个标签。请核对写法：括号、引号是否成对，标签名、变量名是否拼错。"


def template_error(template: str, exc: TemplateError) -> TemplateProblem:
    """What render says when a template fails while rendering: in Chinese, with the
    line where Jinja knows it, and where the variables are documented."""
    where = f"第 {exc.lineno} 行" if getattr(exc, "lineno", None) else ""
    if isinstance(exc, TemplateSyntaxError):
        what = jinja_message(exc)
    elif isinstance(exc, UndefinedError):
        what = "模板用到了不存在的变量或属性。"
    elif isinstance(exc, SecurityError):
        what = "模板做了不允许的操作（模板只能读取报告数据）。"
    else:
        what = "模板渲染出错。"
    place = f"模板 {template} {where}".strip()
    return TemplateProblem(f"{place}：{what}模板变量和写法见 reportgen templates docs 生成的说明。")


def builtin_templates_dir() -> Path:
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "templates", here.parent / "templates"):  # installed, then source checkout
        if (candidate / "report.html").is_file():
            return candidate
    raise TemplateProblem("找不到 reportgen 自带的模板（templates 文件夹）。请重新安装 reportgen。")


def template_dirs(user_dir: Path | None) -> list[Path]:
    if user_dir is not None and not Path(user_dir).is_dir():
        raise TemplateProblem(f"模板文件夹不存在：{user_dir}")
    return ([Path(user_dir)] if user_dir else []) + [builtin_templates_dir()]


def find_template(name: str, user_dir: Path | None) -> Path:
    """The file ``name`` from the user's folder, else the built-in one; checked to be
    safe to open (inside its folder, a regular file, a sound Word package)."""
    for folder in template_dirs(user_dir):
        path = folder / name
        if os.path.lexists(path):
            confined_file(folder, name)
            if name.endswith(".docx"):
                check_docx_package(path)
            return path
    raise TemplateProblem(f"找不到模板文件 {name}。")


# --------------------------------------------------------------------------- reading template files
def confined_file(folder: Path, name: str) -> Path:
    """``folder/name`` if it is a regular file inside ``folder`` once links are followed;
    otherwise a TemplateProblem saying which file and why."""
    folder = Path(folder)
    shown = f"模板文件 {name}（{folder}）"
    pieces = template_path_pieces(name)
    if pieces is None:
        raise TemplateProblem(f"模板引用了模板文件夹之外的文件“{name}”（路径中有“..”）。模板只能使用模板文件夹里的文件。") from None
    path = folder.joinpath(*pieces)
    try:
        real = path.resolve(strict=True)
        root = folder.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, a broken link or a link loop
        raise TemplateProblem(f"{shown} 无法打开：文件不存在，或是指向不存在位置的链接。") from None
    if real != root and root not in real.parents:
        raise TemplateProblem(f"{shown} 是指向模板文件夹之外（{real}）的链接。模板只能使用模板文件夹里的文件，"
                              f"请把文件本身复制进来。")
    mode = real.stat().st_mode
    if not stat.S_ISREG(mode):
        raise TemplateProblem(f"{shown} 不是普通文件（是文件夹、管道或设备）。")
    size = real.stat().st_size
    if size > LIMITS.max_file_bytes:
        raise TemplateProblem(f"{shown} 有 {size // MB} MB，超过了模板文件的上限 {LIMITS.max_file_bytes // MB} MB。")
    return path


def template_path_pieces(name: str) -> list[str] | None:
    """The folders and file of a template name (``a/b.html``), or None when a piece
    would lead out of the template folder (``..``, or a separator of this system
    inside a piece, as ``a\\..\\b`` on Windows)."""
    pieces = []
    for piece in name.split("/"):
        if os.path.sep in piece or (os.path.altsep and os.path.altsep in piece) or piece == os.path.pardir:
            return None
        if piece and piece != ".":
            pieces.append(piece)
    return pieces


def read_template_text(folder: Path, name: str) -> str:
    """A text template's source: from inside ``folder``, UTF-8 only."""
    path = confined_file(folder, name)
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise TemplateProblem(f"模板文件 {name} 不是 UTF-8 编码的文本（第 {line} 行有无法识别的字节）。"
                              f"请用文本编辑器以 UTF-8 编码另存。") from None


def check_docx_package(path: Path) -> None:
    """Refuse a Word template that is not a .docx package, or that could exhaust memory
    (a zip bomb) or expand entities (an XML bomb): Word never writes a DTD.

    A file found sound is not read again while it is unchanged (a collection renders
    thousands of reports from one template; reading it costs ≈ 4 ms)."""
    try:
        info = os.stat(path)
        state = (os.path.realpath(path), info.st_size, info.st_mtime_ns, info.st_ino)
    except OSError:
        state = None
    if state is not None and state in _SOUND_PACKAGES:
        return
    _check_docx_package(Path(path))
    if state is not None:
        if len(_SOUND_PACKAGES) > 256:  # a long-running intake sees many template versions
            _SOUND_PACKAGES.clear()
        _SOUND_PACKAGES.add(state)


_SOUND_PACKAGES: set[tuple] = set()


def _check_docx_package(path: Path) -> None:
    """Every member inflated through the zip guard (so python-docx and docxtpl, which
    read the file after this, inflate nothing beyond the limits) and every XML part
    free of DTDs."""
    shown = f"Word 模板 {path.name}"
    try:
        package = read_regular_file(path, "Word 模板")
        with open_package(package, shown) as archive:
            if "word/document.xml" not in archive.NameToInfo:
                raise TemplateProblem(f"{shown} 不是 Word 文档（缺少 word/document.xml）。请用 Word 或 WPS 另存为 .docx 格式。")
            for member in archive.infolist():
                content = read_member(archive, member, shown)
                if member.filename.endswith((".xml", ".rels")) and (b"<!DOCTYPE" in content or b"<!ENTITY" in content):
                    raise TemplateProblem(f"{shown} 的 {member.filename} 含有 DTD/实体声明，Word 文档不会有这种内容"
                                          f"（可能是恶意构造的文件）。请用 Word 或 WPS 重新保存模板。")
    except UnusableInput as exc:  # too large, a bomb, a pipe
        raise TemplateProblem(str(exc)) from None
    except zipfile.BadZipFile:
        if not zipfile.is_zipfile(path):
            raise TemplateProblem(f"{shown} 不是 Word 文档（.docx）。请用 Word 或 WPS 另存为 .docx 格式。") from None
        raise TemplateProblem(f"{shown} 已损坏，无法读取。请用 Word 或 WPS 打开后重新保存。") from None
    except (OSError, EOFError, RuntimeError, NotImplementedError, zlib.error):
        # damaged or encrypted
        raise TemplateProblem(f"{shown} 已损坏，无法读取。请用 Word 或 WPS 打开后重新保存。") from None


class ConfinedLoader(BaseLoader):
    """Like Jinja's FileSystemLoader over several folders (the first that has the file
    wins), but reading only regular UTF-8 files from inside each folder."""

    def __init__(self, folders: Iterable[Path]) -> None:
        self.folders = [Path(f) for f in folders]

    def get_source(self, environment, template: str):
        for folder in self.folders:
            pieces = template_path_pieces(template)
            if pieces is None:
                confined_file(folder, template)  # raises the “outside the folder” message
            path = folder.joinpath(*pieces)
            if not os.path.lexists(path):
                continue
            source = read_template_text(folder, template)
            mtime = path.stat().st_mtime
            return source, str(path), lambda p=path, m=mtime: p.exists() and p.stat().st_mtime == m
        raise TemplateNotFound(template)


# --------------------------------------------------------------------------- bounded rendering
@dataclass
class RenderBudget:
    """What one render (with everything it includes) may still spend."""

    template: str
    iterations: int = 0
    started: float = field(default_factory=time.monotonic)

    def count_iteration(self, count: int = 1) -> None:
        """Charge ``count`` loop iterations; the time is looked at every thousand."""
        before = self.iterations
        self.iterations += count
        if self.iterations > LIMITS.max_render_iterations:
            raise TemplateProblem(f"{self.template} 中的循环共执行了超过 {LIMITS.max_render_iterations} 次，"
                                  f"超过了上限（可能是 range() 写得太大，或循环套循环）。请检查模板中的循环。")
        if self.iterations // 1000 != before // 1000 and time.monotonic() - self.started > LIMITS.max_render_seconds:
            raise TemplateProblem(f"{self.template} 渲染超过 {LIMITS.max_render_seconds} 秒，已停止。请检查模板中的循环。")

    def too_large(self, what: str) -> TemplateProblem:
        return TemplateProblem(f"{self.template} 中的{what}超过了上限 {LIMITS.max_output_bytes // MB} MB"
                               f"（{LIMITS.max_output_bytes} 个字符），已停止。请检查模板。")


_budget: contextvars.ContextVar[RenderBudget | None] = contextvars.ContextVar("reportgen_render_budget", default=None)


def _current_budget() -> RenderBudget:
    budget = _budget.get()
    return budget if budget is not None else RenderBudget("模板")


def _counted(iterable: Any) -> Iterable[Any]:
    """The filter every ``{% for %}`` loop's sequence goes through (see :meth:`ReportEnvironment.bounded`).

    A short list (a table's rows and cells) is charged at once and iterated as it is;
    anything else one item at a time, so the time is looked at every thousand."""
    budget = _current_budget()
    if type(iterable) in (list, tuple) and len(iterable) <= 1000:
        budget.count_iteration(len(iterable))
        return iterable
    return _one_by_one(iterable, budget)


def _one_by_one(iterable: Any, budget: RenderBudget) -> Iterator[Any]:
    for item in iterable:
        budget.count_iteration()
        yield item


def _range(*args: int) -> range:
    """``range()`` for templates: at most ``max_loop_iterations`` numbers."""
    try:
        numbers = range(*args)
        length = len(numbers)
    except (TypeError, ValueError, OverflowError):
        raise TemplateProblem(f"{_current_budget().template} 中的 range{args} 无效或太大"
                              f"（上限 {LIMITS.max_loop_iterations} 个数）。") from None
    if length > LIMITS.max_loop_iterations:
        raise TemplateProblem(f"{_current_budget().template} 中的 range() 有 {length} 个数，"
                              f"超过上限 {LIMITS.max_loop_iterations}。请检查模板中的循环。")
    return numbers


def _bounded_lipsum(lipsum: Callable[..., str]) -> Callable[..., str]:
    """Jinja's ``lipsum`` global (placeholder text), with sizes a template cannot blow up."""

    def bounded(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # noqa: A002 - Jinja's names
        return lipsum(n=_small(n), html=html, min=_small(min), max=_small(max))

    return bounded


def _small(number: Any, cap: int = 1000) -> Any:
    if isinstance(number, int) and abs(number) > cap:
        raise TemplateProblem(f"{_current_budget().template} 中的 lipsum() 参数 {number} 太大（上限 {cap}）。")
    return number


def _size(value: Any) -> int | None:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else None


# str methods whose int argument is the length of what they build ('x'.center(10**9)).
_PADDING_METHODS = {"center", "ljust", "rjust", "zfill", "expandtabs"}
# A width or precision in a format string ('{:>999999999}', '%999999999d').
_HUGE_FORMAT_WIDTH = re.compile(r"\d{8,}")


def escape(value: Any) -> Markup:
    """:func:`markupsafe.escape`, the same result, built faster for the values reports
    are made of: text with nothing to escape and whole numbers.  (markupsafe builds
    every result through ``Markup.__new__``, a Python function: a thousand calls a
    report.)  Compiled templates call this one (:meth:`BoundedTemplate._from_namespace`)."""
    if type(value) is str:
        if "&" in value or "<" in value or ">" in value or '"' in value or "'" in value:
            return markupsafe_escape(value)
        return _new_string(Markup, value)
    if type(value) is int:  # digits and a minus sign: nothing to escape (bool is not int's type)
        return _new_string(Markup, str(value))
    return markupsafe_escape(value)


_new_string = str.__new__


class BoundedTemplate(compat.with_escape(Template, escape)):
    """A template whose every render is bounded: output size, loops, recursion; every
    ``{{ value }}`` of it and its macros is escaped by :func:`escape`."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        return "".join(self.render_pieces(*args, **kwargs))

    def render_pieces(self, *args: Any, **kwargs: Any) -> list[str]:
        """The output as Jinja yields it, unjoined: the template's own text as plain
        ``str`` constants, each value as escaped ``Markup`` (see :mod:`.wellformed`)."""
        outer = _budget.get()
        token = _budget.set(outer or RenderBudget(_shown_name(self.name)))
        budget = _budget.get()
        try:
            pieces: list[str] = []
            size = 0
            for piece in self.generate(*args, **kwargs):
                size += len(piece)
                if size > LIMITS.max_output_bytes:
                    raise budget.too_large("输出内容")
                pieces.append(piece)
            return pieces
        except RecursionError:
            raise TemplateProblem(f"{budget.template} 嵌套过深：模板（或宏）直接或间接地包含了自己。"
                                  f"请检查 include、import、extends 和宏的调用。") from None
        finally:
            _budget.reset(token)


def _shown_name(name: str | None) -> str:
    return f"模板 {name}" if name else "Word 模板"


class ReportEnvironment(SandboxedEnvironment):
    """Jinja's sandbox with escaping on, unknown variables as errors, and bounded renders.

    ``from_string`` compiles each distinct source once per process: docxtpl hands the
    whole document XML to it on every render, and compiling is most of a render's time.
    Compiled code is also kept in the user's cache (:meth:`compile`).
    """

    template_class = BoundedTemplate
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("autoescape", True)
        kwargs.setdefault("undefined", StrictUndefined)
        kwargs.setdefault("keep_trailing_newline", True)
        super().__init__(*args, **kwargs)
        self.globals["range"] = _range
        self.globals["lipsum"] = _bounded_lipsum(self.globals["lipsum"])
        self.filters["reportgen_counted"] = _counted
        self.filters["reportgen_concat"] = _concat
        for name in ("center", "indent", "wordwrap", "batch", "slice", "truncate", "join", "replace", "format"):
            self.filters[name] = _bounded_filter(self.filters[name])
        self._compiled: dict[str, Template] = {}

    def from_string(self, source, globals=None, template_class=None):  # noqa: A002 - Jinja's name
        if globals or template_class or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        key = hashlib.sha1(source.encode("utf-8")).hexdigest()
        template = self._compiled.get(key)
        if template is None:
            template = self._compiled[key] = super().from_string(source)
        return template

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        """Jinja's compile (which ``from_string`` and the loader call), with reportgen's
        bounds written into the template (:meth:`bounded`), and the compiled code kept
        in the user's cache (:mod:`reportgen.core.cache`) by everything it depends on:
        the Word template's body takes ≈ 0.15 s to compile, which every worker of a
        collection and every ``render`` command would pay again."""
        if not isinstance(source, str):
            return super().compile(source, name, filename, raw, defer_init)
        if raw or defer_init:  # Python source for a developer, or a module: nothing cached
            return self._compile_now(source, name, filename, raw, defer_init)
        cache = user_cache()
        if cache is None:
            return self._compile_now(source, name, filename)
        escaping = self.autoescape(name) if callable(self.autoescape) else self.autoescape
        key = "jinja-" + hashlib.sha256("\0".join(
            (_CODE_STAMP, repr(escaping), name or "", filename or "", source)).encode("utf-8")).hexdigest()
        stored = cache.get(key)
        if stored is not None:
            try:
                return marshal.loads(stored)
            except (ValueError, EOFError, TypeError):
                pass  # damaged: compiled anew
        code = self._compile_now(source, name, filename)
        cache.put(key, marshal.dumps(code))
        return code

    def _compile_now(self, source: str, name, filename, raw: bool = False, defer_init: bool = False):
        return super().compile(self.bounded(self.parse(source, name, filename)), name, filename, raw, defer_init)

    @staticmethod
    def bounded(tree: nodes.Template) -> nodes.Template:
        """Every ``{% for %}`` loop iterates through the ``reportgen_counted`` filter,
        so the render's budget sees each iteration (nested and included loops too);
        every ``a ~ b`` goes through ``reportgen_concat``, which refuses a result
        beyond the output limit (``s ~ s`` in a loop doubles)."""
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, "reportgen_counted", [], [], None, None, lineno=loop.lineno)
        for parent in list(tree.find_all(nodes.Node)):
            for attr in parent.fields:
                child = getattr(parent, attr, None)
                if isinstance(child, nodes.Concat):
                    setattr(parent, attr, _bounded_concat(child))
                elif isinstance(child, list):
                    setattr(parent, attr, [_bounded_concat(c) if isinstance(c, nodes.Concat) else c for c in child])
        return tree

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        limit = LIMITS.max_output_bytes
        if operator == "*":
            for sequence, times in ((left, right), (right, left)):
                if _size(sequence) is not None and isinstance(times, int) and _size(sequence) * times > limit:
                    raise _current_budget().too_large("重复的文字（如 'x' * 很大的数）")
        elif operator == "+":
            if _size(left) is not None and _size(right) is not None and _size(left) + _size(right) > limit:
                raise _current_budget().too_large("拼接的文字")
        elif operator == "**" and _huge_power(left, right):
            raise TemplateProblem(f"{_current_budget().template} 中的乘方 {left} ** {right} 太大，已停止。请检查模板。")
        elif operator == "%" and isinstance(left, str) and _HUGE_FORMAT_WIDTH.search(left):
            raise _current_budget().too_large("% 格式化生成的文字")
        result = super().call_binop(context, operator, left, right)
        if (_size(result) or 0) > limit:
            raise _current_budget().too_large(f"“{operator}”运算的结果")
        return result

    def getattr(self, obj: Any, attribute: str) -> Any:
        """``obj.attribute`` as the sandbox gives it, without its per-access checks for
        the plain data every report passes: a field of a table or cell view, a counter
        of ``loop``, a key of a dict.  The sandbox would allow them all anyway (no
        underscore, no method); the tables template reads thousands of them a report."""
        fields = _VIEW_FIELDS.get(type(obj))
        if fields is not None and attribute in fields:
            return getattr(obj, attribute)
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass  # the sandbox's own path makes the undefined value
        return super().getattr(obj, attribute)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's signature
        # str.format reaches here wrapped by the sandbox; the str is the wrapped method's owner.
        owner = getattr(getattr(__obj, "__wrapped__", __obj), "__self__", None)
        name = getattr(__obj, "__name__", "")
        if isinstance(owner, str):
            numbers = [a for a in (*args, *kwargs.values()) if isinstance(a, int)]
            if name in _PADDING_METHODS and any(n > LIMITS.max_output_bytes for n in numbers):
                raise _current_budget().too_large(f"{name}() 生成的文字")
            if name in ("format", "format_map") and _HUGE_FORMAT_WIDTH.search(owner):
                raise _current_budget().too_large("format() 生成的文字")
        result = super().call(__context, __obj, *args, **kwargs)
        if (_size(result) or 0) > LIMITS.max_output_bytes:
            raise _current_budget().too_large(f"{name or '函数'}() 生成的内容")
        return result


# What compiled code depends on besides its source: this module (the sandbox rewrites
# loops and ``~``), Jinja's release (the code calls its runtime) and Python's (marshal).
_CODE_STAMP = "\0".join((hashlib.sha1(Path(__file__).read_bytes()).hexdigest(),
                         getattr(jinja2, "__version__", ""), sys.implementation.cache_tag or sys.version))


# The report data's own view classes: fields only, no methods (see ReportEnvironment.getattr).
_VIEW_FIELDS = {view: frozenset(f.name for f in dataclasses.fields(view)) for view in TEMPLATE_VIEWS}
# A for loop's ``loop``: its counters, properties computed from the loop itself.
_VIEW_FIELDS[compat.jinja_loop_type()] = frozenset({"index", "index0", "revindex", "revindex0", "first", "last", "length",
                                        "depth", "depth0", "previtem", "nextitem"})
_DICT_ATTRIBUTES = frozenset(dir(dict))


def _bounded_concat(node: nodes.Concat) -> nodes.Filter:
    return nodes.Filter(nodes.List(node.nodes, lineno=node.lineno), "reportgen_concat", [], [], None, None,
                        lineno=node.lineno)


@pass_eval_context
def _concat(eval_ctx, items: list) -> str:
    """``a ~ b ~ c`` as Jinja computes it — with autoescape on, a result holding markup
    is markup and the plain text in it is escaped — refusing a result beyond the output
    limit before building it."""
    texts = [soft_str(item) for item in items]
    if sum(len(t) for t in texts) > LIMITS.max_output_bytes:
        raise _current_budget().too_large("拼接（~）的文字")
    if eval_ctx.autoescape and any(hasattr(t, "__html__") for t in texts):
        return Markup("").join(texts)
    return "".join(str(t) for t in texts)


def _huge_power(base: Any, exponent: Any) -> bool:
    """Whether ``base ** exponent`` would be a number of more than about 10 000 digits."""
    if not (isinstance(base, int) and isinstance(exponent, int)) or exponent <= 0 or abs(base) <= 1:
        return False
    return exponent * math.log10(abs(base)) > 10_000


def _bounded_filter(func: Callable) -> Callable:
    """A built-in filter that refuses a size argument (width, count) or a result beyond the output limit."""

    shown = f"过滤器 {func.__name__.removeprefix('do_')} 生成的内容"

    def bounded(*args: Any, **kwargs: Any) -> Any:
        values = (*args, *kwargs.values())
        if any(isinstance(a, int) and not isinstance(a, bool) and a > LIMITS.max_output_bytes for a in values):
            raise _current_budget().too_large(shown)
        if any(isinstance(a, str) and _HUGE_FORMAT_WIDTH.search(a) for a in values) and "format" in func.__name__:
            raise _current_budget().too_large(shown)
        result = func(*args, **kwargs)
        if (_size(result) or 0) > LIMITS.max_output_bytes:
            raise _current_budget().too_large(shown)
        return result

    bounded.__name__ = func.__name__
    bounded.__doc__ = func.__doc__
    bounded.__dict__.update(func.__dict__)  # keeps Jinja's pass_context/pass_environment mark
    return bounded


@lru_cache(maxsize=None)
def docx_environment() -> ReportEnvironment:
    return ReportEnvironment()


@lru_cache(maxsize=16)
def html_environment(user_dir: str | None) -> ReportEnvironment:
    loader = ConfinedLoader(template_dirs(Path(user_dir) if user_dir else None))
    # Compiled templates are cached on disk by file name, path and source (ReportEnvironment.compile).
    return ReportEnvironment(loader=loader, autoescape=_escape_unless_css)


def _escape_unless_css(name: str | None) -> bool:
    return not (name or "").endswith(".css")


def export_templates(target: Path, force: bool = False) -> list[Path]:
    """Copy the built-in templates into ``target`` for IT staff to edit."""
    source = builtin_templates_dir()
    target.mkdir(parents=True, exist_ok=True)
    existing = [name for name in TEMPLATE_FILES if (target / name).exists()]
    if existing and not force:
        raise TemplateProblem(f"{target} 中已有 {'、'.join(existing)}。如需覆盖，请加 --force。")
    written = []
    for name in TEMPLATE_FILES:
        shutil.copyfile(source / name, target / name)
        written.append(target / name)
    return written
