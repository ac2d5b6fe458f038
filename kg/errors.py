"""Exceptions raised by the library. The CLI turns each into one readable line and exit status 2."""


class KgError(Exception):
    """Base class: every error the library raises on purpose is a KgError."""


class InputError(KgError):
    """An input file is missing, unreadable, or not in a format we can read."""


class ConfigError(KgError):
    """A bad option value (unknown format, bad flag combination)."""


class QueryError(KgError):
    """A SPARQL query failed to parse or run, or a named query does not exist."""


class ExportError(KgError):
    """An output could not be written."""


class MissingExtraError(KgError):
    """An optional dependency is needed: the message names the extra to install."""

    def __init__(self, what: str, extra: str):
        super().__init__(f"{what} needs an optional dependency: pip install 'paper-kg[{extra}]'")
