"""Checks of arguments coming from Python, before anything reaches C:
wrong types are InvalidType (a TypeError), bad values InvalidArgument (a
ValueError). The C library validates what it understands (UUIDs, ranges);
these catch what ctypes would otherwise mangle (a NUL byte cutting a string
short, an int wrapping around, NaN)."""
import math
import os
from typing import Any, Iterable, List, Optional, Union

from . import _lib
from .errors import InvalidArgument, InvalidType

_INT64_MAX = 2 ** 63 - 1
_INT_MAX = 2 ** 31 - 1


def text(value: Any, what: str) -> bytes:
    """A str (or bytes) argument as the bytes C gets."""
    if isinstance(value, str):
        raw = value.encode("utf-8", "surrogateescape")
    elif isinstance(value, bytes):
        raw = value
    else:
        raise InvalidType("%s must be a string, not %s"
                          % (what, type(value).__name__))
    if b"\0" in raw:
        raise InvalidArgument("%s holds a NUL character" % what)
    return raw


def optional_text(value: Any, what: str) -> Optional[bytes]:
    return None if value is None else text(value, what)


def path(value: Union[str, "os.PathLike[str]"], what: str) -> bytes:
    try:
        raw = os.fsencode(value)
    except TypeError:
        raise InvalidType("%s must be a path, not %s"
                          % (what, type(value).__name__)) from None
    if b"\0" in raw:
        raise InvalidArgument("%s holds a NUL character" % what)
    return raw


def strings(value: Any, what: str) -> List[bytes]:
    """A list of strings; one string is refused (it would be iterated)."""
    if isinstance(value, (str, bytes)):
        raise InvalidType("%s must be a list of strings, not one string"
                          % what)
    try:
        items = list(value)
    except TypeError:
        raise InvalidType("%s must be a list of strings, not %s"
                          % (what, type(value).__name__)) from None
    return [text(item, "%s[%d]" % (what, i)) for i, item in enumerate(items)]


def integer(value: Any, what: str, maximum: int = _INT_MAX,
            minimum: int = -_INT_MAX - 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidType("%s must be an int, not %s"
                          % (what, type(value).__name__))
    if not minimum <= value <= maximum:
        raise InvalidArgument("%s is %d, out of range [%d, %d]"
                              % (what, value, minimum, maximum))
    return value


def int64(value: Any, what: str) -> int:
    return integer(value, what, _INT64_MAX, -_INT64_MAX - 1)


def seconds_ms(value: Any, what: str) -> int:
    """A duration in seconds (int or float, finite, >= 0) in milliseconds."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidType("%s must be a number of seconds, not %s"
                          % (what, type(value).__name__))
    if not math.isfinite(value) or value < 0:
        raise InvalidArgument("%s must be a finite number of seconds >= 0, "
                              "not %r" % (what, value))
    return min(int(value * 1000), _INT64_MAX // 2)


def contact_types(value: Iterable[str]) -> int:
    """The pubrio_contact_type bits of @value's names."""
    mask = 0
    names = strings(value, "types")
    if not names:
        raise InvalidArgument("types is empty: give at least one of "
                              "email-personal, email-work, phone")
    for name in names:
        bit = int(_lib.type_from_str(name))
        if not bit:
            raise InvalidArgument("unknown contact type %r: use "
                                  "email-personal, email-work, phone"
                                  % name.decode("utf-8", "replace"))
        mask |= bit
    return mask
