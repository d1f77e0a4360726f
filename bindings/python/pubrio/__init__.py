"""Python bindings for libpubrio through ctypes: no compiler needed.

    >>> import pubrio
    >>> with pubrio.Client() as client:       # PUBRIO_API_KEY, PUBRIO_BASE_URL
    ...     batch = client.submit([JANE], ["email-work", "phone"])
    ...     result = client.wait(batch.redeem_query_id)
    >>> for person in result.people:
    ...     print(person.people_search_id, person.emails[0].value)
    540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11 w.540574d1@work.example

`client.redeem(people, types)` runs any number of people (batched,
concurrent, journaled); `client.lookup(entries)` resolves emails, phones
and names to people_search_ids; `pubrio.AsyncClient` is the same for
asyncio.

The shared library is found through $PUBRIO_LIBRARY (a path), else a copy
beside this module, else the system's library search (libpubrio.so.0).
Errors raise PubrioError subclasses carrying the HTTP status, the API's
code and message, and the request id; bad input raises InvalidArgument (a
ValueError) or InvalidType (a TypeError) before anything is sent.
"""
from typing import List

from . import _lib
from .aio import AsyncClient, AsyncRedemption
from .client import Client, Redemption
from .errors import (BadRequest, Cancelled, ClientBusy, ClientClosed,
                     CreditBudget, HttpError, InvalidArgument, InvalidType,
                     JournalError, NoApiKey, PaymentRequired, ProtocolError,
                     PubrioError, RateLimited, ResponseTooLarge, ServerError,
                     Timeout, TlsError, TransportError, Unauthorized,
                     UncertainWarning, Uncollected, WaitTimeout)
from .results import (Batch, Contact, ContactType, Credits, LookupAnswer,
                      LookupConfidence, LookupEntry, LookupOutcome,
                      LookupPlan, LookupResult, Person, Plan, Profile,
                      QueryResult, Resolved, Usage)

__version__ = "0.2.0"  # the C library's (CMakeLists.txt): one version, tested

__all__: List[str] = [
    "AsyncClient", "AsyncRedemption", "BadRequest", "Batch", "Cancelled",
    "Client", "ClientBusy", "ClientClosed", "Contact", "ContactType",
    "CreditBudget", "Credits", "HttpError", "InvalidArgument", "InvalidType",
    "JournalError", "LookupAnswer", "LookupConfidence", "LookupEntry",
    "LookupOutcome", "LookupPlan", "LookupResult", "NoApiKey",
    "PaymentRequired", "Person", "Plan", "Profile", "ProtocolError",
    "PubrioError", "QueryResult", "RateLimited", "Redemption", "Resolved",
    "ResponseTooLarge", "ServerError", "Timeout", "TlsError",
    "TransportError", "Unauthorized", "UncertainWarning", "Uncollected",
    "Usage", "WaitTimeout", "__version__", "version"]


def version() -> str:
    """The version of the loaded shared library.

    >>> pubrio.version().count(".")
    2
    """
    return _lib.text(_lib.version()) or ""
