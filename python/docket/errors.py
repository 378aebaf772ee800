"""docket's exceptions.

Every error docket raises about a rule, a rulebook or the data is a
:class:`docket.Error`:

* :class:`CompileError` -- a mistake in rule text or a rulebook (unknown
  column, type mismatch, bad YAML, unknown param).  ``str(e)`` is the full
  message with the source line and a caret under the problem; ``e.line`` and
  ``e.column`` are 1-based positions (in the expression, or in the rulebook
  file), ``e.message`` is what was found and ``e.hint`` how to fix it.
* :class:`DataError` -- the data does not fit (an unsupported dtype, a
  duplicate key, a column a rulebook declares but the frame lacks, a
  configured limit hit).

Plain usage mistakes in Python arguments (a malformed ``as_of`` string, an
unknown time zone) raise ``ValueError`` / ``TypeError`` as usual.
"""

from __future__ import annotations

from typing import Any, Optional

__all__ = ["Error", "CompileError", "DataError", "DocketWarning"]


class Error(Exception):
    """Base class of docket's errors.

    Attributes:
        message: what went wrong, without position or hint.
        hint: how to fix it (may be None).
        file: the file the mistake is in (a rulebook or schema), or None.
        line, column: 1-based position of the mistake, or None.
        source_line: the offending line of source, or None.
        code: the absl status code name ("INVALID_ARGUMENT", ...), or None.
    """

    def __init__(
        self,
        text: str,
        *,
        code: Optional[str] = None,
        detail: Optional[str] = None,
        hint: Optional[str] = None,
        file: Optional[str] = None,
        line: Optional[int] = None,
        column: Optional[int] = None,
        source_line: Optional[str] = None,
    ) -> None:
        super().__init__(text)
        self.code = code
        self.message: str = detail if detail is not None else text.split("\n", 1)[0]
        self.hint = hint
        self.file = file
        self.line = line
        self.column = column
        self.source_line = source_line

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""

    def __reduce__(self) -> Any:
        kwargs = dict(code=self.code, detail=self.message, hint=self.hint, file=self.file,
                      line=self.line, column=self.column, source_line=self.source_line)
        return (_rebuild, (type(self), str(self), kwargs))


def _rebuild(cls: type, text: str, kwargs: dict) -> "Error":
    return cls(text, **kwargs)


class CompileError(Error):
    """A rule or rulebook does not compile.

    ``str(e)`` shows the position, the message, a hint and the source line
    with a caret::

        1:1: unknown column 'pluse' — did you mean 'pulse'?
          pluse IS NULL
          ^~~~~
    """


class DataError(Error):
    """The data does not fit: an unsupported dtype, a bad value, a duplicate
    or NULL key, a missing declared column, or a configured limit."""


class DocketWarning(UserWarning):
    """A legal but suspicious input (an owner who owns no row, a declared
    table given no data): printed on stderr by Python's warnings machinery and
    kept in ``Result.warnings`` / ``Series.attrs["warnings"]``."""
