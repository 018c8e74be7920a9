"""The library functions the web layer calls — the same ones the commands call.

Every import of the rest of reportgen by the web package goes through here, so the
web face never reaches into a module's private parts and never restates a rule,
label or message: checks, findings and their wording, annotation, rendering, the
status sheet, 汇总, pre-filled workbooks and the roster all come from the library."""

from reportgen.collection.aggregate import aggregate, write_aggregate  # noqa: F401
from reportgen.collection.batch import check_one, normalise_agency, rejected_statuses  # noqa: F401
from reportgen.collection.distribute import distribute_one  # noqa: F401
from reportgen.collection.files import Collected, collect  # noqa: F401
from reportgen.collection.pool import FileTimedOut, describe_failure, start_worker  # noqa: F401
from reportgen.collection.render import check_and_render_collection, unique_names  # noqa: F401
from reportgen.collection.roster import Roster, read_roster  # noqa: F401
from reportgen.collection.rules import foreign_agency, judge_batch  # noqa: F401
from reportgen.collection.status import (ERRORS, INTERNAL, NOT_WORKBOOK, NOT_XLSX, OK, STATUS_LABELS,  # noqa: F401
                                         UNUSABLE, WARNINGS, FileStatus, sort_for_action, verdict)
from reportgen.collection.status_sheet import write_status  # noqa: F401
from reportgen.checks import check_report  # noqa: F401  (imported up front by the check workers)
from reportgen.core.compat import end_pool_processes, pool_processes  # noqa: F401
from reportgen.core.errors import UnusableInput  # noqa: F401
from reportgen.core.limits import LIMITS  # noqa: F401
from reportgen.core.safety import safe_filename, write_cell  # noqa: F401
from reportgen.core.zipguard import open_package, read_member  # noqa: F401
from reportgen.core.version import __version__  # noqa: F401
from reportgen.data.workbook import annotate_workbook, read_workbook  # noqa: F401
from reportgen.formats.findings import CATALOGUE, Finding, Location  # noqa: F401
from reportgen.formats.grouping import SHOWN_PER_GROUP, finding_groups  # noqa: F401
from reportgen.render import render_report  # noqa: F401
