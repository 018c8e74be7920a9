"""Errors that end a command with one plain-Chinese line (exit code 2)."""

from __future__ import annotations


class UnusableInput(Exception):
    """The input cannot be used at all: not a workbook, not ours, unreadable, encrypted.

    ``str(error)`` is the plain-Chinese sentence shown to the clerk.
    """


class TemplateProblem(Exception):
    """A template cannot be used (missing, unreadable); the message is plain Chinese."""
