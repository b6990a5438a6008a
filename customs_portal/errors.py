"""Domain errors raised by services; the API and the HTML views translate them."""


class DomainError(Exception):
    pass


class DomainConflict(DomainError):
    """The action is not allowed in the object's current state (HTTP 409)."""

    def __init__(self, message: str, *, code: str = "conflict", data: dict | None = None):
        super().__init__(message)
        self.code = code
        # Details the API returns beside `detail` and `code` (JSON-ready), e.g. what to pay.
        self.data = data or {}


class DomainValidationError(DomainError):
    """Input that fails a business rule; `errors` maps field paths to lists of messages (HTTP 400)."""

    def __init__(self, errors: dict):
        super().__init__(str(errors))
        self.errors = errors
