"""Where templates come from, and how their files are read.

Built-in templates live in the repository's top-level ``templates/`` (installed as
``reportgen/templates``).  A ``--templates DIR`` folder overrides them file by
file, like an mkdocs theme: a file missing there falls back to the built-in one.

Templates are untrusted input (IT staff install them from elsewhere), so files are read
only from inside their folder (a symlink or ``..`` leading out is refused by name), only
regular files, only UTF-8 text or a valid Word package (through the zip guard).  Jinja's
English messages are said in Chinese here too.  Each refusal is a plain-Chinese
:class:`TemplateProblem` naming the file.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
import zlib
from pathlib import Path
from typing import Iterable

from jinja2 import (BaseLoader, TemplateError, TemplateNotFound, TemplateSyntaxError,
                    UndefinedError)
from jinja2.sandbox import SecurityError

from reportgen.core.errors import TemplateProblem, UnusableInput
from reportgen.core.fileio import read_regular_file
from reportgen.core.limits import LIMITS, MB
from reportgen.core.zipguard import open_package, read_member

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
