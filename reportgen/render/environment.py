"""The one Jinja environment that renders every template (where templates come from:
:mod:`reportgen.render.template_files`).

Templates are untrusted input (IT staff install them from elsewhere), so every render
is bounded (:class:`RenderBudget`): loop iterations counted across the whole render
(nested loops and includes too), output size, time, the size of what ``*``, ``+`` and
``**`` or a padding method may build, and recursion.

Each refusal is a plain-Chinese :class:`TemplateProblem` naming the file.
"""

from __future__ import annotations

import contextvars
import dataclasses
import hashlib
import marshal
import math
import re
import sys
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import jinja2
from jinja2 import (StrictUndefined, Template, nodes, pass_eval_context)
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup
from markupsafe import escape as markupsafe_escape
from markupsafe import soft_str

from reportgen.core import compat
from reportgen.core.cache import user_cache
from reportgen.core.errors import TemplateProblem
from reportgen.core.limits import LIMITS, MB
from reportgen.render.context import TEMPLATE_VIEWS
from reportgen.render.template_files import ConfinedLoader, template_dirs

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
