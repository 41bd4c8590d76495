"""Errors the CLI reports as one line and exit status 2, never as a traceback."""


class UsageError(Exception):
    """Bad arguments or an unusable config: exit status 2."""
