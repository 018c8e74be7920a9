"""``python -m reportgen``: the same as the ``reportgen`` command."""

from .cli.base import run

if __name__ == "__main__":  # spawned worker processes import this module too
    run()
