"""Errors whose text a user may see. Anything else is a bug: logged, and the user gets an incident id."""

from __future__ import annotations


class UserFacingError(Exception):
    """An error whose str() is a friendly sentence fit to show the user as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidInput(UserFacingError):
    """What the user typed or uploaded cannot be used."""


class NotFound(UserFacingError):
    """The thing asked for does not exist (in this server)."""


class PermissionDenied(UserFacingError):
    """The user may not do this here."""


class Conflict(UserFacingError):
    """The action clashes with the current state (e.g. a review already exists)."""


class OnCooldown(UserFacingError):
    """The user must wait before doing this again."""

    def __init__(self, retry_after: float, message: str | None = None) -> None:
        self.retry_after = max(0.0, retry_after)
        seconds = max(1, round(self.retry_after))
        super().__init__(message or f"Slow down a little: try again in {seconds} s.")


class Unavailable(UserFacingError):
    """Something kansou relies on is out of reach for now; the user may retry later."""


class StorageUnavailable(Unavailable):
    """kansou's database cannot take the request now (busy, full, read-only, failing, unreachable); nothing
    was changed, except with reason "uncertain" (a write whose connection was lost before its outcome was known).

    `reason` is one of STORAGE_REASONS; `detail` is the database's own words, for the operator's log line.
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(STORAGE_REASONS.get(reason, STORAGE_REASONS["failing"]))


STORAGE_REASONS = {
    "busy": "kansou's storage is busy right now, so nothing was changed. Try again in a minute.",
    "full": "kansou's storage is full, so nothing was saved; a server admin has been told in the log.",
    "read-only": (
        "kansou's storage is read-only right now, so nothing was saved; a server admin has been told in the log."
    ),
    "failing": "kansou could not use its storage, so nothing was saved; a server admin has been told in the log.",
    "unreachable": (
        "kansou cannot reach its storage right now, so nothing was saved; a server admin has been told in the log."
    ),
    "uncertain": (
        "kansou lost its connection to its storage while saving this, so it cannot tell whether it was saved. "
        "Check in a minute, and try again if it is missing."
    ),
}
