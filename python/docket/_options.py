"""Argument conversions shared by the public API (as_of, time zones)."""

from __future__ import annotations

import datetime as _dt
from typing import Any, Optional, Tuple, Union

import numpy as np
import pandas as pd

AsOf = Union[str, _dt.date, _dt.datetime, pd.Timestamp, np.datetime64, None]


def today_in(time_zone: Optional[str]) -> _dt.date:
    """Today's date in `time_zone` (UTC when None): the CLI's default too."""
    if time_zone is None:
        return _dt.datetime.now(_dt.timezone.utc).date()
    from zoneinfo import ZoneInfo

    try:
        return _dt.datetime.now(ZoneInfo(time_zone)).date()
    except Exception as e:  # zoneinfo raises several kinds
        raise ValueError(f"unknown time zone '{time_zone}'") from e


def parse_day(value: Any, bad_text: str, nat: str) -> Any:
    """A day from "YYYY-MM-DD" (exactly), or a datetime/Timestamp/datetime64
    returned as a datetime for the caller to check, or a date; `bad_text`
    and `nat` are the messages for a malformed string and for NaT.  Other
    types are returned unchanged for the caller to refuse."""
    if isinstance(value, str):
        try:
            if len(value) != 10:
                raise ValueError
            return _dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(bad_text) from None
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, _dt.datetime) and pd.isna(value):  # Includes pandas.Timestamp.
        raise ValueError(nat)
    return value


def as_of_date(as_of: AsOf, time_zone: Optional[str]) -> _dt.date:
    """The evaluation date from "YYYY-MM-DD", a date, a datetime/Timestamp
    (its calendar date) or a numpy datetime64; None means today in
    `time_zone`."""
    if as_of is None:
        return today_in(time_zone)
    as_of = parse_day(as_of, f"as_of must be a date written YYYY-MM-DD, not {as_of!r}", "as_of is NaT")
    if isinstance(as_of, _dt.datetime):
        return as_of.date()
    if isinstance(as_of, _dt.date):
        return as_of
    raise TypeError(f"as_of must be 'YYYY-MM-DD', a datetime.date or a pandas.Timestamp, not {type(as_of).__name__}")


def as_of_tuple(day: _dt.date) -> Tuple[int, int, int]:
    return (day.year, day.month, day.day)
