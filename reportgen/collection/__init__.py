"""Collections: many workbooks (or published reports) at once — the office's layer.

- :mod:`~reportgen.collection.files`: files, folders and globs → the files to work on;
- :mod:`~reportgen.collection.pool`: spawn worker processes, results in input order, progress;
- :mod:`~reportgen.collection.status`: what happened to one file (:class:`FileStatus`);
- :mod:`~reportgen.collection.batch`: checking a collection;
- :mod:`~reportgen.collection.rules`: what only the batch shows (a duplicate, another year, 未交), ``--use``,
  and how every command counts a batch; :mod:`~reportgen.collection.roster`: the office's list of agencies;
- :mod:`~reportgen.collection.render`: ``render FOLDER`` in one pass;
- :mod:`~reportgen.collection.status_sheet`, :mod:`~reportgen.collection.aggregate` (汇总),
  :mod:`~reportgen.collection.distribute` and :mod:`~reportgen.collection.prefill` (sending workbooks out),
  :mod:`~reportgen.collection.audit` (the worker of ``audit``).

The names below are the layer's public API, imported on first use::

    from reportgen.collection import collect, check_collection, check_and_render_collection
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportgen.core.lazy import lazy_exports

_FILES, _POOL, _STATUS = "reportgen.collection.files", "reportgen.collection.pool", "reportgen.collection.status"
_BATCH, _RENDER = "reportgen.collection.batch", "reportgen.collection.render"
_RULES, _ROSTER = "reportgen.collection.rules", "reportgen.collection.roster"
_LAZY = {
    "Collected": _FILES, "collect": _FILES, "WORKBOOK_SUFFIXES": _FILES, "RESAVE_SUFFIXES": _FILES,
    "default_jobs": _POOL, "run_parallel": _POOL, "start_worker": _POOL, "Progress": _POOL,
    "describe_failure": _POOL, "MIN_TASKS_FOR_WORKERS": _POOL, "WORKER_GC_THRESHOLD": _POOL,
    **{name: _STATUS for name in ("FileStatus", "status_of_check", "sort_for_action", "refresh_status", "counts",
                                  "UNUSABLE", "NOT_XLSX", "INTERNAL", "ERRORS", "RENDER_FAILED", "WARNINGS", "OK",
                                  "NOT_WORKBOOK", "DUPLICATE", "OTHER_YEAR", "NOT_RETURNED", "SET_ASIDE",
                                  "STATUS_ORDER", "STATUS_LABELS", "NEEDS_ACTION")},
    **{name: _BATCH for name in ("check_one", "identify_one", "annotate_one", "internal_error", "index_by_agency",
                                 "normalise_agency", "check_collection", "rejected_statuses")},
    **{name: _RULES for name in ("judge_batch", "resolve_use", "batch_year", "tally", "Tally")},
    "Roster": _ROSTER, "read_roster": _ROSTER,
    "check_and_render_collection": _RENDER, "check_and_render_one": _RENDER, "unique_names": _RENDER,
}

if TYPE_CHECKING:  # for editors and type checkers
    from reportgen.collection.batch import (annotate_one, check_collection, check_one, identify_one, index_by_agency,
                                            internal_error, normalise_agency, rejected_statuses)
    from reportgen.collection.roster import Roster, read_roster
    from reportgen.collection.rules import Tally, batch_year, judge_batch, resolve_use, tally
    from reportgen.collection.files import Collected, collect
    from reportgen.collection.pool import Progress, default_jobs, describe_failure, run_parallel, start_worker
    from reportgen.collection.render import check_and_render_collection, check_and_render_one, unique_names
    from reportgen.collection.status import FileStatus, counts, refresh_status, sort_for_action, status_of_check

__getattr__ = lazy_exports(__name__, _LAZY, globals())
__all__ = ["Collected", "DUPLICATE", "ERRORS", "FileStatus", "INTERNAL", "MIN_TASKS_FOR_WORKERS", "NEEDS_ACTION",
    "NOT_RETURNED", "NOT_WORKBOOK", "NOT_XLSX", "OK", "OTHER_YEAR", "Progress", "RENDER_FAILED", "RESAVE_SUFFIXES",
    "Roster", "SET_ASIDE", "STATUS_LABELS", "STATUS_ORDER", "Tally", "UNUSABLE", "WARNINGS", "WORKBOOK_SUFFIXES",
    "WORKER_GC_THRESHOLD", "annotate_one", "batch_year", "check_and_render_collection", "check_and_render_one",
    "check_collection", "check_one", "collect", "counts", "default_jobs", "describe_failure", "identify_one",
    "index_by_agency", "internal_error", "judge_batch", "normalise_agency", "read_roster", "refresh_status",
    "rejected_statuses", "resolve_use", "run_parallel", "sort_for_action", "start_worker", "status_of_check",
    "tally", "unique_names"]
