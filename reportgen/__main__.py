from .cli.base import run

run()
