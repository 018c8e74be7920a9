"""Starting the web face: migrate, the first administrator's one-time link, waitress."""

from __future__ import annotations

import os
from pathlib import Path

from reportgen.web.conf import setup
from reportgen.web.middleware import BODY_LIMIT

THREADS = 8  # uploads wait on the disk and the database more than on the processor


def prepare(data: Path, database_url: str | None = None, *, proxy: bool = False) -> None:
    """Configure Django for ``data`` and bring the database to the current schema."""
    setup(Path(data), database_url, proxy=proxy)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def first_admin_link() -> str | None:
    """A one-time path to create the first administrator, while there is none (a new one
    each start; earlier unused ones stop working)."""
    from django.contrib.auth import get_user_model

    from reportgen.web.models import Invite
    from reportgen.web.services import new_invite

    if get_user_model().objects.filter(is_staff=True).exists():
        return None
    Invite.objects.filter(administrator=True, used_at__isnull=True).delete()
    return f"/setup/{new_invite(administrator=True)}/"


def export_data(target: Path) -> int:
    """Every row (accounts, rounds, agencies, versions, decisions, the log) as JSON, for
    moving an instance to another database; the files stay in the data folder.  It holds
    the accounts' password hashes: private (0600), and whole or not at all."""
    from django.core.management import call_command

    from reportgen.core.fileio import atomic_path
    from reportgen.web.models import Agency, Decision, Event, Invite, Round, Version

    with atomic_path(Path(target)) as scratch:
        os.chmod(scratch, 0o600)  # before a byte is written
        with open(scratch, "w", encoding="utf-8") as handle:
            call_command("dumpdata", "auth.user", "web", natural_foreign=True, indent=1, stdout=handle,
                         verbosity=0)
            handle.flush()
            os.fsync(handle.fileno())
    return sum(m.objects.count() for m in (Round, Agency, Version, Decision, Event, Invite))


def import_data(source: Path) -> None:
    """Load what :func:`export_data` wrote into an empty database (one transaction).
    A file that is not such an export (another kind, or cut short) is refused plainly,
    before anything is loaded."""
    import json

    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.core.serializers.base import DeserializationError
    from django.db import connection, transaction

    from reportgen.web.library import UnusableInput
    from reportgen.web.models import Round

    source = Path(source)
    not_export = f"{source.name} 不是 reportgen serve --export 导出的 .json 文件（或不完整）：没有导入任何记录。"
    if source.suffix.lower() != ".json":
        raise UnusableInput(not_export)
    try:
        rows = json.loads(source.read_bytes())
    except (UnicodeDecodeError, ValueError):
        raise UnusableInput(not_export) from None
    if not isinstance(rows, list):
        raise UnusableInput(not_export)
    if Round.objects.exists():
        raise UnusableInput("目标数据库里已有报送数据；导入只能用于新的空数据库。")
    try:
        with transaction.atomic():
            call_command("loaddata", str(source), verbosity=0)
    except (DeserializationError, CommandError) as exc:  # rows of another shape: nothing was kept
        raise UnusableInput(not_export) from exc
    if connection.vendor == "postgresql":  # ids were given: move every sequence past them
        from django.core.management.color import no_style
        from django.apps import apps

        models = list(apps.get_app_config("web").get_models()) + [apps.get_model("auth", "User")]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)


def application():
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def serve(host: str, port: int, *, proxy: bool = False, workers: int | None = None) -> None:
    """waitress on ``host:port``; uploads are checked in ``workers`` processes (default:
    :func:`.checker.default_workers`; 0: in the server's threads)."""
    from waitress import serve as waitress_serve

    from reportgen.web import checker

    checker.start(checker.default_workers() if workers is None else workers)

    options = dict(host=host, port=port, threads=THREADS, max_request_body_size=BODY_LIMIT,
                   ident="reportgen", channel_timeout=120, connection_limit=200)
    if proxy:
        options.update(trusted_proxy="*", trusted_proxy_headers={"x-forwarded-proto", "x-forwarded-for"},
                       clear_untrusted_proxy_headers=True)
    try:
        waitress_serve(application(), **options)
    finally:
        checker.stop()
