"""``reportgen serve``: the web intake (网上报送) — agencies upload through personal
links, the office watches, accepts, renders and sums.  Needs ``pip install "reportgen[web]"``;
Django is imported only inside the command function."""

from __future__ import annotations

import os
from pathlib import Path

import click

from reportgen.cli.base import fail, main

INSTALL_HINT = '网上报送需要另外安装：pip install "reportgen[web]"'


@main.command()
@click.option("--data", type=click.Path(file_okay=False, path_type=Path), default=Path("reportgen-data"),
              show_default=True, help="数据文件夹：数据库（SQLite）、上传的全部文件、密钥。")
@click.option("--host", default="127.0.0.1", show_default=True, metavar="地址", help="监听的地址（0.0.0.0 表示本机所有网卡）。")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, metavar="端口", help="端口。")
@click.option("--database", envvar="REPORTGEN_DATABASE_URL", metavar="数据库地址",
              help="PostgreSQL 数据库地址，如 postgresql://用户:密码@主机/库名（也可用环境变量 REPORTGEN_DATABASE_URL；"
                   "不给则使用数据文件夹里的 SQLite）。")
@click.option("--proxy", is_flag=True,
              help="在 HTTPS 反向代理之后运行：信任代理的 X-Forwarded-Proto/For，Cookie 只经 HTTPS 发送。")
@click.option("--workers", type=click.IntRange(0, 64), default=None, metavar="个数",
              help="检查上传工作簿的工作进程数（默认每个处理器核一个，最多 4 个；0 表示在服务进程内检查）。")
@click.option("--export", "export_to", type=click.Path(dir_okay=False, path_type=Path),
              help="把全部记录导出为 JSON 文件后退出（用于迁移到 PostgreSQL；上传的文件留在数据文件夹）。")
@click.option("--import", "import_from", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="把 --export 导出的 JSON 导入（新的、空的）数据库后退出。")
def serve(data: Path, host: str, port: int, database: str | None, proxy: bool, workers: int | None,
          export_to: Path | None, import_from: Path | None) -> None:
    """启动网上报送：各机关用个人链接上传工作簿、立即看到检查结果；汇总单位查看、接收或退回、生成全部报告和汇总。"""
    try:
        import django  # noqa: F401
        import waitress  # noqa: F401
    except ImportError:
        fail(INSTALL_HINT)
    from reportgen.web import server

    # The server's compiled templates live with its data (the user's cache folder may not be
    # writable for a service account), unless REPORTGEN_CACHE_DIR says otherwise; workers inherit it.
    os.environ.setdefault("REPORTGEN_CACHE_DIR", str(Path(data).resolve() / "cache"))
    try:
        server.prepare(data, database, proxy=proxy)
    except Exception as exc:  # the database cannot be reached or opened: say so plainly
        from django.db import DatabaseError

        if isinstance(exc, DatabaseError) or exc.__class__.__module__.startswith(("psycopg", "sqlite3")):
            fail(f"无法打开数据库：{str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}")
        raise
    if export_to is not None:
        rows = server.export_data(export_to)
        click.echo(f"已导出 {rows} 条报送记录（及账号）到 {export_to}。上传的文件在 {data}，迁移时一并保留。")
        return
    if import_from is not None:
        server.import_data(import_from)
        click.echo(f"已导入 {import_from}。")
        return
    address = f"http://{host if ':' not in host else f'[{host}]'}:{port}"
    click.echo(f"网上报送已启动：{address}/office/")
    click.echo(f"数据文件夹：{os.path.abspath(data)}")
    link = server.first_admin_link()
    if link:
        click.secho(f"请在浏览器中打开下面的一次性链接，创建第一个管理员账号：\n  {address}{link}", bold=True)
    click.echo("按 Ctrl-C 停止。")
    try:
        server.serve(host, port, proxy=proxy, workers=workers)
    finally:  # Ctrl-C or SIGTERM arrives as an exception (exit 130/143 by cli.base): say so first
        click.echo("网上报送已停止。")
