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
