"""The one exception tree of foryou.

`SkippableError`s mark a unit of work (one event, one component, one request) as failed while the
process goes on; `FatalError`s mean state can no longer be trusted and the process must stop.
"""

from __future__ import annotations


class ForYouError(Exception):
    """Root of every error foryou raises on purpose."""


class SkippableError(ForYouError):
    """One unit of work failed; the caller counts it and carries on."""


class FatalError(ForYouError):
    """State is corrupt or configuration unusable; stop."""


class ConfigError(FatalError):
    """A parameter is unknown, mistyped or out of bounds. The message names the parameter."""


class InvalidInputError(SkippableError):
    """A request or event is malformed; the message says which field and why."""


class NotFoundError(SkippableError):
    """A referenced entity (user, post, request trace) does not exist."""


class UnavailableError(SkippableError):
    """A dependency (store, service) cannot answer right now."""


class ResourceExhaustedError(SkippableError):
    """Load shedding: the server is at capacity or cannot meet the deadline."""


class ComponentTimeoutError(SkippableError):
    """A pipeline component exceeded its time budget."""


class CorruptDataError(FatalError):
    """A file or snapshot on disk is truncated or malformed; the message names file and offset."""


class RequestAbortedError(UnavailableError):
    """A pipeline component decided the request cannot be served safely (e.g. the viewer's block
    list is unreadable). Unlike every other component error, the executor lets it fail the request."""
