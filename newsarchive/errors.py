"""Errors a user can cause. The CLI prints their message on one line and exits non-zero."""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix; its message says what is wrong and what to do."""

    exit_code = 2


class ConfigError(UserError):
    """The configuration file is missing or invalid."""


class NotFoundError(UserError):
    """An article, source or file the user named does not exist."""

    exit_code = 3
