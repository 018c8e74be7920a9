"""``python -m reportgen.cli``: the same as the ``reportgen`` command."""

from reportgen.cli.base import run

if __name__ == "__main__":  # spawned worker processes import this module too
    run()
