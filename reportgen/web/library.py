"""The library functions the web layer calls — the same ones the commands call.

Every import of the rest of reportgen by the web package goes through here, so the
web face never reaches into a module's private parts and never restates a rule,
label or message: checks, findings and their wording, annotation, rendering, the
status sheet, 汇总, pre-filled workbooks and the roster all come from the library."""

from reportgen import __version__  # noqa: F401
from reportgen.aggregate import aggregate, write_aggregate  # noqa: F401
from reportgen.collection import (ERRORS, INTERNAL, NOT_WORKBOOK, NOT_XLSX, OK, STATUS_LABELS, UNUSABLE,  # noqa: F401
                                  WARNINGS, Collected, FileStatus, check_and_render_collection, check_one,
                                  collect, normalise_agency, rejected_statuses, sort_for_action, unique_names)
from reportgen.distribute import distribute_one, read_names  # noqa: F401
from reportgen.errors import UnusableInput  # noqa: F401
from reportgen.findings import CATALOGUE, Finding, Location, finding_groups  # noqa: F401
from reportgen.console import verdict  # noqa: F401
from reportgen.safety import safe_filename, write_cell  # noqa: F401
from reportgen.status import write_status  # noqa: F401
from reportgen.workbook import annotate_workbook, read_workbook  # noqa: F401
from reportgen.render import render_report  # noqa: F401
