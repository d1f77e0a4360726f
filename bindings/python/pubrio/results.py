"""Typed results, read from the library's structs: each is a frozen
dataclass that also reads as the dict of earlier versions (record.field or
record["field"], and equal to such a dict)."""
import ctypes
import dataclasses
from typing import (Any, Callable, ClassVar, Dict, FrozenSet, List,
                    Literal, Optional)

from . import _lib

# The contact types a call takes: mypy refuses a misspelt one ("email_work").
ContactType = Literal["email-personal", "email-work", "phone"]


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
    the LinkedIn URL (normalized) this person was asked by; else None.
    `lookup_entry`, `lookup` and `lookup_confidence`: in a bulk run, the
    lookup entry this person was found by (its index in the run's
    `lookups`, the entry itself) and how the match was made ("exact",
    "similarity_domain", "similarity_company"); else None."""
    people_search_id: str
    emails: List[Contact]
    phones: List[Contact]
    linkedin_url: Optional[str] = None
    lookup_entry: Optional[int] = None
    lookup: Optional["LookupEntry"] = None
    lookup_confidence: Optional["LookupConfidence"] = None

    _added_later: ClassVar[FrozenSet[str]] = frozenset(
        {"linkedin_url", "lookup_entry", "lookup", "lookup_confidence"})


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


def person_from_c(pp: Any, linkedin_url: Optional[bytes] = None,
                  lookup: Optional["LookupAnswer"] = None) -> Person:
    """@pp: a pointer to a pubrio_person; @linkedin_url: the URL a bulk
    run's event names it by, or None; @lookup: the lookup entry it names
    it by (its index, the entry and the confidence), or None."""
    p = pp.contents
    return Person(_lib.text(p.people_search_id) or "",
                  _contacts(pp, p.email_count, _lib.person_email),
                  _contacts(pp, p.phone_count, _lib.person_phone),
                  _lib.text(linkedin_url),
                  None if lookup is None else lookup.index,
                  None if lookup is None else lookup.entry,
                  None if lookup is None else lookup.confidence)


def result_from_c(res: Any) -> QueryResult:
    """@res: a pointer to a pubrio_query_result."""
    r = res.contents
    people = [person_from_c(_lib.result_person(res, i))
              for i in range(r.people_count)]
    credits = Credits(*(getattr(r, name) if getattr(r, "has_" + name) else None
                        for name in ("credit", "topup_credit",
                                     "total_charged_credit")))
    return QueryResult(batch_from_c(r.query.contents), credits, people)




@dataclasses.dataclass(frozen=True, eq=False)
class Profile(_Record):
    """The account (Client.profile()): balance, the price of each contact
    type and the plan's request quotas (0: the plan sets none); None where
    the API did not say."""
    credit: Optional[int]
    topup_credit: Optional[int]
    plan: Optional[str]  # the plan's name
    email_price: Optional[int]
    phone_price: Optional[int]
    max_hourly_requests: Optional[int]
    max_daily_requests: Optional[int]
    max_monthly_requests: Optional[int]
    profile_id: Optional[int] = None
    api_access: Optional[bool] = None

    _added_later: ClassVar[FrozenSet[str]] = frozenset({"profile_id",
                                                        "api_access"})


@dataclasses.dataclass(frozen=True, eq=False)
class Usage(_Record):
    """Requests used and allowed in the current hour, day and month
    (Client.usage()); allowed 0 means no quota, None unknown."""
    hourly_used: Optional[int]
    hourly_allowed: Optional[int]
    daily_used: Optional[int]
    daily_allowed: Optional[int]
    monthly_used: Optional[int]
    monthly_allowed: Optional[int]
    last_refreshed: Optional[str] = None

    _added_later: ClassVar[FrozenSet[str]] = frozenset({"last_refreshed"})


@dataclasses.dataclass(frozen=True, eq=False)
class Plan(_Record):
    """What redeem() would do (Client.plan()): the people, duplicates,
    people the journal knows and left uncertain, the people and batches to
    submit, the fewest requests and the shortest time (ms) the rate allows,
    the distinct LinkedIn URLs and those to redeem; the lookup entries
    (plan(lookups=...)): distinct ones, those still to send (1 credit
    each at worst, one person each to buy; their requests are in
    `planned_requests`) and those the journal knows as found, not found
    or uncertain."""
    people: int
    duplicates: int
    people_journaled: int
    people_uncertain: int
    people_to_submit: int
    batches: int
    planned_requests: int
    min_duration_ms: int
    linkedin_urls: int
    linkedin_urls_to_redeem: int
    lookups: int = 0
    lookups_to_send: int = 0
    lookups_found: int = 0
    lookups_not_found: int = 0
    lookups_uncertain: int = 0


def _known(value: int) -> Optional[int]:
    """The library's -1 for a value the API did not say, as None."""
    return None if value < 0 else int(value)


def profile_from_c(p: _lib.Profile) -> Profile:
    return Profile(
        credit=int(p.credit) if p.has_credit else None,
        topup_credit=int(p.topup_credit) if p.has_topup_credit else None,
        plan=_lib.text(p.plan_name),
        email_price=_known(p.email_price), phone_price=_known(p.phone_price),
        max_hourly_requests=_known(p.max_hourly_requests),
        max_daily_requests=_known(p.max_daily_requests),
        max_monthly_requests=_known(p.max_monthly_requests),
        profile_id=int(p.profile_id) if p.has_profile_id else None,
        api_access=None if p.api_access < 0 else bool(p.api_access))


def usage_from_c(u: _lib.Usage) -> Usage:
    return Usage(_known(u.hourly_used), _known(u.hourly_allowed),
                 _known(u.daily_used), _known(u.daily_allowed),
                 _known(u.monthly_used), _known(u.monthly_allowed),
                 _lib.text(u.last_refreshed))


def plan_from_stats(stats: Any) -> Plan:
    """@stats: a run's counts (a mapping of pubrio_bulk_stats' fields)."""
    return Plan(**{f.name: int(stats[f.name])
                   for f in dataclasses.fields(Plan)})


# What became of a lookup entry, and how a match was made: mypy refuses a
# misspelt one ("similarity-domain").
LookupOutcome = Literal["found", "not_found", "not_looked_up", "failed",
                        "not_sent"]
LookupConfidence = Literal["exact", "similarity_domain", "similarity_company",
                           "other"]
SubmitState = Literal["not_spent", "uncertain", "accepted"]


@dataclasses.dataclass(frozen=True, eq=False)
class LookupEntry(_Record):
    """One person to look up (Client.lookup()): an `email`, a `phone`, or a
    `first_name` and `last_name` with a `domain` (a URL is reduced to its
    domain) or a `company`. A name with only a domain or a company is a
    similarity match, looked up only with similar=True. A dict with these
    keys is taken too."""
    email: Optional[str] = None
    phone: Optional[str] = None
    first_name: Optional[str] = None
    last_name: Optional[str] = None
    domain: Optional[str] = None
    company: Optional[str] = None


@dataclasses.dataclass(frozen=True, eq=False)
class LookupAnswer(_Record):
    """The answer for one entry (`index`: its place in the entries given,
    `entry`: the entry). `outcome`: "found" (the person named), "not_found"
    (free), "not_looked_up" (a name with only a domain or company while
    similarity is off: `reason` says so), "failed" (its request failed:
    `status`, `submit_state`, `reason`; "uncertain" means it may have been
    charged without an answer: never resent) or "not_sent" (the call
    stopped before its request left: nothing spent). `confidence`: how the
    match was made (None without one; "other" for a value this version
    does not know, kept in `confidence_text`). `input_value` and
    `input_type` (email-work, email-personal, phone, domain, company): the
    identifier that matched, as answered. `duplicate`: the API saw the
    input twice (not charged). `credits`: 1 for a billable match."""
    index: int
    entry: LookupEntry
    outcome: LookupOutcome
    people_search_id: Optional[str] = None
    first_name: Optional[str] = None
    last_name: Optional[str] = None
    people_name: Optional[str] = None
    company_name: Optional[str] = None
    domain: Optional[str] = None
    confidence: Optional[LookupConfidence] = None
    confidence_text: Optional[str] = None
    input_value: Optional[str] = None
    input_type: Optional[str] = None
    duplicate: bool = False
    credits: int = 0
    reason: Optional[str] = None
    status: Optional[str] = None  # "failed": its request's status's name
    submit_state: Optional[SubmitState] = None  # "failed": maybe charged?

    @property
    def found(self) -> bool:
        return self.outcome == "found"

    @property
    def uncertain(self) -> bool:
        """Its request may have been charged and got no answer."""
        return self.outcome == "failed" and self.submit_state == "uncertain"


@dataclasses.dataclass(frozen=True, eq=False)
class LookupResult(_Record):
    """The answers of Client.lookup(), one per entry in entry order, the
    credits the answered requests cost (as the API reported them) and the
    requests sent. On a failure the exception's `lookup` is this: the
    answers already received (paid for) kept, the entries maybe charged in
    `uncertain`."""
    answers: List[LookupAnswer]
    credits_charged: int
    requests: int

    @property
    def found(self) -> List[LookupAnswer]:
        return [a for a in self.answers if a.found]

    @property
    def uncertain(self) -> List[LookupAnswer]:
        """The entries whose lookup may have been charged without an
        answer: never sent again by the library; look them up again only
        knowing it may charge twice."""
        return [a for a in self.answers if a.uncertain]


@dataclasses.dataclass(frozen=True, eq=False)
class Resolved(_Record):
    """A lookup entry of a bulk run (redeem(lookups=...)) resolved to a
    person the run did not hand out: the lookup was paid (1 credit), the
    person not bought or not delivered. Kept on `run.resolved` when the
    run is left: buy the person by `people_search_id`, never look the
    entry up again. `index`: its place in `run.lookups`; `entry`: the
    entry; `confidence`: how the match was made ("other" for a value this
    version does not know, kept in `confidence_text`)."""
    index: int
    entry: LookupEntry
    people_search_id: str
    confidence: Optional[LookupConfidence] = None
    confidence_text: Optional[str] = None


@dataclasses.dataclass(frozen=True, eq=False)
class LookupPlan(_Record):
    """What Client.lookup() would do (Client.plan_lookup()), sending
    nothing: the entries it would look up, which is also the worst case in
    credits (1 each), the entries it would refuse (a name with only a
    domain or company, similarity off) and the batch requests the split
    makes (entries that could produce the same identifier go to different
    requests)."""
    lookups: int
    worst_case_credits: int
    refused: int
    requests: int


def lookup_answer_from_c(a: _lib.LookupAnswer, index: int,
                         entry: LookupEntry) -> LookupAnswer:
    def pick(values: List[Optional[str]], value: int) -> Any:
        return values[value] if 0 <= value < len(values) else None

    failed = a.outcome == 4
    return LookupAnswer(
        index=index, entry=entry,
        outcome=pick(_lib.LOOKUP_OUTCOMES, a.outcome) or "failed",
        people_search_id=_lib.text(a.people_search_id),
        first_name=_lib.text(a.first_name), last_name=_lib.text(a.last_name),
        people_name=_lib.text(a.people_name),
        company_name=_lib.text(a.company_name), domain=_lib.text(a.domain),
        confidence=pick(_lib.LOOKUP_CONFIDENCES, a.confidence),
        confidence_text=_lib.text(a.confidence_text),
        input_value=_lib.text(a.input_value),
        input_type=_lib.text(a.input_type),
        duplicate=bool(a.is_duplicate_input), credits=int(a.credits),
        reason=_lib.text(a.reason),
        status=(_lib.text(_lib.status_str(a.status)) if failed else None),
        submit_state=(pick(_lib.SUBMIT_STATES, a.submit_state)
                      if failed else None))


def lookup_result_from_c(res: Any, entries: List[LookupEntry]
                         ) -> LookupResult:
    """@res: a pubrio_lookup_result of @entries."""
    answers = []
    for i in range(int(_lib.lookup_result_count(res))):
        a = _lib.lookup_result_answer(res, i)
        answers.append(lookup_answer_from_c(a.contents, i, entries[i]))
    charged, requests = _lib.i64(), _lib.size_t()
    _lib.lookup_result_totals(res, ctypes.byref(charged),
                              ctypes.byref(requests))
    return LookupResult(answers, int(charged.value), int(requests.value))


def lookup_of_event(event: _lib.BulkEvent, entries: List[LookupEntry]
                    ) -> Optional[LookupAnswer]:
    """What a bulk run's @event says of the lookup entry it answers (one of
    @entries, the run's `lookups`), or None when it answers none: "found"
    (PERSON: its id and confidence), "not_found", "not_looked_up"
    (NOT_FOUND with the reason) or "failed" (BATCH_FAILED: the status and
    the reason)."""
    number = int(event.lookup_entry)  # the index + 1; 0: not an entry's
    if not 0 < number <= len(entries):
        return None
    index = number - 1
    entry = entries[index]
    reason = _lib.text(event.message)
    if event.kind == _lib.BULK_PERSON:
        said = _lib.text(event.lookup_confidence)
        return LookupAnswer(
            index, entry, "found",
            people_search_id=(_lib.text(event.person.contents.people_search_id)
                              if event.person else None),
            confidence=_confidence(said), confidence_text=said)
    if event.kind == _lib.BULK_NOT_FOUND:
        return LookupAnswer(index, entry,
                            "not_looked_up" if reason else "not_found",
                            reason=reason)
    if event.kind == _lib.BULK_BATCH_FAILED:
        return LookupAnswer(index, entry, "failed", reason=reason,
                            status=_lib.text(_lib.status_str(event.status)))
    return None


def _confidence(said: Optional[str]) -> LookupConfidence:
    """The library's lookup_confidence text as a LookupConfidence ("other"
    for one this version does not know)."""
    known: Dict[Optional[str], LookupConfidence] = {
        "exact": "exact", "similarity_domain": "similarity_domain",
        "similarity_company": "similarity_company"}
    return known.get(said, "other")


def resolved_of_event(event: _lib.BulkEvent, entries: List[LookupEntry]
                      ) -> Optional[Resolved]:
    """The lookup entry a RESOLVED event of pubrio_bulk_drained() names (one
    of @entries, the run's `lookups`), or None for any other event."""
    number = int(event.lookup_entry)  # the index + 1
    if event.kind != _lib.BULK_RESOLVED or not event.person or \
            not 0 < number <= len(entries):
        return None
    said = _lib.text(event.lookup_confidence)
    return Resolved(number - 1, entries[number - 1],
                    _lib.text(event.person.contents.people_search_id) or "",
                    _confidence(said), said)
