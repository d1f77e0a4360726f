"""Typed results, read from the library's structs: each is a frozen
dataclass that also reads as the dict of earlier versions (record.field or
record["field"], and equal to such a dict)."""
import dataclasses
from typing import Any, Callable, ClassVar, FrozenSet, List, Optional

from . import _lib


class _Record:
    def __getitem__(self, key: str) -> Any:
        if key in {f.name for f in dataclasses.fields(self)}:
            return getattr(self, key)
        raise KeyError(key)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, dict):
            # A field added later (default None) that is unset equals a
            # dict of an earlier version, which lacks it.
            mine = {name: value
                    for name, value in dataclasses.asdict(self).items()
                    if value is not None or name in other
                    or name not in self._added_later}
            return mine == other
        if type(other) is type(self):
            return bool(dataclasses.astuple(self)
                        == dataclasses.astuple(other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]
    _added_later: ClassVar[FrozenSet[str]] = frozenset()


@dataclasses.dataclass(frozen=True, eq=False)
class Contact(_Record):
    """One email or phone of a person."""
    value: Optional[str]
    type: Optional[str]  # "email-work", ...; as sent
    status: Optional[str]  # e.g. "Verified"


@dataclasses.dataclass(frozen=True, eq=False)
class Person(_Record):
    """A redeemed person and their contacts. `linkedin_url`: in a bulk run,
    the LinkedIn URL (normalized) this person was asked by; else None."""
    people_search_id: str
    emails: List[Contact]
    phones: List[Contact]
    linkedin_url: Optional[str] = None

    _added_later: ClassVar[FrozenSet[str]] = frozenset({"linkedin_url"})


@dataclasses.dataclass(frozen=True, eq=False)
class Batch(_Record):
    """A batch's state, as the submit and query answers give it."""
    redeem_query_id: str
    is_completed: bool
    estimated_time: Optional[int]
    estimated_time_type: Optional[str]
    estimated_time_ms: Optional[int]


@dataclasses.dataclass(frozen=True, eq=False)
class Credits(_Record):
    """The profile's credits in a query answer (None: not sent)."""
    credit: Optional[int]
    topup_credit: Optional[int]
    total_charged_credit: Optional[int]


@dataclasses.dataclass(frozen=True, eq=False)
class QueryResult(_Record):
    """A query answer: the batch's state, the credits, the people."""
    query: Batch
    credits: Credits
    people: List[Person]


def batch_from_c(job: _lib.Job) -> Batch:
    return Batch(
        redeem_query_id=_lib.text(job.redeem_query_id) or "",
        is_completed=bool(job.is_completed),
        estimated_time=job.estimated_time if job.estimated_time >= 0 else None,
        estimated_time_type=_lib.text(job.estimated_time_type),
        estimated_time_ms=(job.estimated_time_ms
                           if job.estimated_time_ms >= 0 else None))


def _contacts(person: Any, count: int,
              getter: Callable[..., Any]) -> List[Contact]:
    out = []
    for i in range(count):
        c = getter(person, i).contents
        out.append(Contact(_lib.text(c.value), _lib.text(c.type_raw),
                           _lib.text(c.status)))
    return out


def person_from_c(pp: Any, linkedin_url: Optional[bytes] = None) -> Person:
    """@pp: a pointer to a pubrio_person; @linkedin_url: the URL a bulk
    run's event names it by, or None."""
    p = pp.contents
    return Person(_lib.text(p.people_search_id) or "",
                  _contacts(pp, p.email_count, _lib.person_email),
                  _contacts(pp, p.phone_count, _lib.person_phone),
                  _lib.text(linkedin_url))


def result_from_c(res: Any) -> QueryResult:
    """@res: a pointer to a pubrio_query_result."""
    r = res.contents
    people = [person_from_c(_lib.result_person(res, i))
              for i in range(r.people_count)]
    credits = Credits(*(getattr(r, name) if getattr(r, "has_" + name) else None
                        for name in ("credit", "topup_credit",
                                     "total_charged_credit")))
    return QueryResult(batch_from_c(r.query.contents), credits, people)


