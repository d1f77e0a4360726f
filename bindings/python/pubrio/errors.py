"""The exceptions and warnings of the package.

Every failure the library reports is a PubrioError subclass named after its
pubrio_status; bad input is InvalidArgument (a ValueError) or InvalidType
(also a TypeError), raised before anything is sent.
"""
import ctypes
import json
from typing import Any, Dict, List, NamedTuple, Optional, Type

from . import _lib
from .results import LookupResult


class Uncollected(NamedTuple):
    """A batch that was paid for and not collected: collect it with
    client.wait(redeem_query_id) or `pubrio query ID --wait`."""
    redeem_query_id: str
    people_count: int


class PubrioError(Exception):
    """A failed call. Attributes: status (name), status_code (the C enum),
    message, http_status, code (the 400 body's code), api_message, details
    (dict or None), request_id, retry_after_ms, attempts; for a submit,
    submit_state ("not_spent", "uncertain": the API may have charged, or
    "accepted": charged, collect redeem_query_id instead of resubmitting)
    and redeem_query_id; for a bulk run, uncollected: the batches paid for
    and not collected (Uncollected tuples); for a lookup, lookup: the
    LookupResult of the call (the answers already received, paid for,
    kept; lookup.uncertain: the entries maybe charged without an answer),
    None when nothing was sent."""

    status_code = 0  # the pubrio_status of the class; see _BY_STATUS

    def __init__(self, message: str, *, status_code: Optional[int] = None,
                 http_status: Optional[int] = None,
                 code: Optional[int] = None,
                 api_message: Optional[str] = None,
                 details: Optional[Dict[str, Any]] = None,
                 request_id: Optional[str] = None,
                 retry_after_ms: Optional[int] = None, attempts: int = 0,
                 submit_state: Optional[str] = None,
                 redeem_query_id: Optional[str] = None) -> None:
        if status_code is not None:
            self.status_code = status_code
        self.status: str = _status_name(self.status_code)
        self.message = message
        self.http_status = http_status
        self.code = code
        self.api_message = api_message
        self.details = details
        self.request_id = request_id
        self.retry_after_ms = retry_after_ms
        self.attempts = attempts
        self.submit_state = submit_state
        self.redeem_query_id = redeem_query_id
        self.uncollected: List[Uncollected] = []
        self.lookup: Optional[LookupResult] = None
        # Said once: a message that starts with the status's name has it.
        said = message
        if not said.startswith(self.status):
            said = "%s: %s" % (self.status, said) if said else self.status
        super().__init__(said)


def _status_name(code: int) -> str:
    return _lib.text(_lib.status_str(code)) or "unknown status"


class InvalidArgument(PubrioError, ValueError):
    """Bad input, refused before anything was sent."""
    status_code = 1


class InvalidType(InvalidArgument, TypeError):
    """An argument of the wrong type (one string where a list is expected,
    a number where a string is): a TypeError too."""


class ClientClosed(InvalidArgument):
    """The client was closed; a run open on it stops at its next step."""


class ClientBusy(InvalidArgument):
    """A call on a client while one of its bulk runs is open: close the run
    first (run.close(), or use it as a context manager)."""


class NoApiKey(PubrioError):
    status_code = 3


class TransportError(PubrioError, ConnectionError):
    status_code = 4


class Timeout(PubrioError, TimeoutError):
    status_code = 5


class TlsError(PubrioError):
    status_code = 6


class BadRequest(PubrioError):
    status_code = 7


class Unauthorized(PubrioError):
    status_code = 8


class PaymentRequired(PubrioError):
    status_code = 9


class RateLimited(PubrioError):
    status_code = 10


class ServerError(PubrioError):
    status_code = 11


class HttpError(PubrioError):
    status_code = 12


class ProtocolError(PubrioError):
    status_code = 13


class ResponseTooLarge(PubrioError):
    status_code = 14


class WaitTimeout(PubrioError, TimeoutError):
    status_code = 15


class Cancelled(PubrioError):
    status_code = 16


class CreditBudget(PubrioError):
    status_code = 17


class JournalError(PubrioError):
    status_code = 18


class UncertainWarning(UserWarning):
    """A bulk run holds people whose earlier submit got no answer: they may
    have been charged, so they are neither sent again nor handed out
    (resubmit_uncertain=True sends them again, at the risk of paying
    twice)."""


# Indexed by pubrio_status: its values are fixed forever in the C header.
_BY_STATUS: List[Optional[Type[PubrioError]]] = [
    None, InvalidArgument, None, NoApiKey, TransportError, Timeout, TlsError,
    BadRequest, Unauthorized, PaymentRequired, RateLimited, ServerError,
    HttpError, ProtocolError, ResponseTooLarge, WaitTimeout, Cancelled,
    CreditBudget, JournalError]
_OUT_OF_MEMORY = 2


def python_calls(message: str, redeem_query_id: Optional[str]) -> str:
    """@message with the C library's advice said in Python: a user of this
    package calls client.wait(), not pubrio_redeem_people_batch_wait() nor
    the CLI's `pubrio query ID --wait`."""
    wait = ("client.wait(%r)" % redeem_query_id if redeem_query_id
            else "client.wait(redeem_query_id)")
    for said in ("pubrio_redeem_people_batch_wait()",
                 "`pubrio query ID --wait`"):
        message = message.replace(said, wait)
    return message


def from_c(status: int, err: _lib.Error) -> BaseException:
    """The exception for a failed call's status and error detail (which it
    copies; the caller clears @err)."""
    if status == _OUT_OF_MEMORY:
        return MemoryError("libpubrio: out of memory")
    cls = _BY_STATUS[status] if 0 < status < len(_BY_STATUS) else None
    details = _lib.text(err.details_json)
    redeem_query_id = _lib.text(err.redeem_query_id)
    submit_state = (_lib.SUBMIT_STATES[err.submit_state]
                    if 0 <= err.submit_state < len(_lib.SUBMIT_STATES)
                    else None)
    return (cls or PubrioError)(
        python_calls(_lib.text(err.message) or "", redeem_query_id),
        status_code=status,
        http_status=err.http_status or None, code=err.api_code or None,
        api_message=_lib.text(err.api_message),
        details=json.loads(details) if details else None,
        request_id=_lib.text(err.request_id),
        retry_after_ms=(err.retry_after_ms if err.retry_after_ms >= 0
                        else None),
        attempts=err.attempts, submit_state=submit_state,
        redeem_query_id=redeem_query_id)


def check(status: int, err: _lib.Error) -> None:
    """Raise the failure of a call that returned @status, clearing @err."""
    if status == 0:
        return
    exc = from_c(status, err)
    _lib.error_clear(ctypes.byref(err))
    raise exc
