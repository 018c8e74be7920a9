"""The ``reportgen`` command: a thin layer over the library's functions.

One module per command group; each registers its commands on :data:`main`:

- :mod:`.workbook`: ``new-workbook``, ``dump``
- :mod:`.check`: ``check``
- :mod:`.render`: ``render``
- :mod:`.templates`: ``templates export|check``, ``docs``
- :mod:`.offices`: commands for offices that collect workbooks
- :mod:`.clerk`: commands that help a clerk finish a workbook
- :mod:`.audit`: importing and auditing published reports
- :mod:`.serve`: ``serve``, the web intake (Django, only when installed)

Command modules import heavy libraries inside the command functions, so that
``reportgen --help`` and ``check`` start fast.
"""

from reportgen.cli import audit, check, clerk, offices, render, serve, templates, workbook  # noqa: F401  (registers commands)
from reportgen.cli.base import EXIT_CANCELLED, EXIT_ERRORS, EXIT_INTERNAL, EXIT_OK, EXIT_UNUSABLE, fail, fail_os, main, run

__all__ = ["EXIT_CANCELLED", "EXIT_ERRORS", "EXIT_INTERNAL", "EXIT_OK", "EXIT_UNUSABLE", "fail", "fail_os", "main",
           "run"]
