r"""Translate a DuckDB expression (from DuckDB's sqllogictest cases) into
docket's language — only where the meaning is exactly the same.

`translate(case)` parses the DuckDB text (PostgreSQL's precedence, as DuckDB's
parser has it), infers each node's type and emits a fully parenthesized docket
expression, or raises `Untranslatable(category, detail)` saying why the case is
not expressible.  The test counts those by category.

What is translated, and why each is exact:
- `x::T`, `CAST(x AS T)`: an int to an int type (the value is unchanged: DuckDB
  errors on a value out of range, and such a case has no result here); an int to
  DOUBLE is `x * 1.0` (both round to the nearest double); a literal to DATE,
  TIMESTAMP, a number or a bool; a value to its own type.  Casts to FLOAT/REAL
  (float32) only for literals float32 holds exactly.
- `IS [NOT] DISTINCT FROM`, `IS [NOT] TRUE/FALSE`, `ISNULL`, `NOTNULL`: with
  coalesce and IS NULL.
- aliases: ucase/lcase, prefix/suffix, `^@`, ceiling, ifnull, if, char_length,
  mod, dayofmonth, isodow, `~`/regexp_matches (RE2 partial match),
  regexp_full_match (anchored), `~~`/`~~*`, date_add.
- date parts docket computes: year, month, day, quarter, isodow, dow/dayofweek
  (`day_of_week(d) % 7`: DuckDB counts from Sunday = 0), doy/dayofyear,
  decade/century/millennium (years 1 … 9999), epoch of a date, last_day.
- LIKE/ILIKE: DuckDB has no default escape character, docket's is `\`: a
  constant pattern's backslashes are doubled; `ESCAPE 'c'` is rewritten to `\`.
- DuckDB's implicit casts of literals: an int literal where a condition is
  needed (0 is FALSE), a string literal compared with a number or bool.
- a timestamp compared with a date: only `>=` and `<` (and their mirrors), where
  docket's rule (the timestamp's civil date) gives DuckDB's answer (the date's
  midnight).
"""

import math
import re
import struct

INT_TYPES = {
    "TINYINT": (-2**7, 2**7 - 1), "INT1": (-2**7, 2**7 - 1),
    "SMALLINT": (-2**15, 2**15 - 1), "INT2": (-2**15, 2**15 - 1), "SHORT": (-2**15, 2**15 - 1),
    "INTEGER": (-2**31, 2**31 - 1), "INT": (-2**31, 2**31 - 1), "INT4": (-2**31, 2**31 - 1),
    "SIGNED": (-2**31, 2**31 - 1),
    "BIGINT": (-2**63, 2**63 - 1), "INT8": (-2**63, 2**63 - 1), "LONG": (-2**63, 2**63 - 1),
    "HUGEINT": (-2**127, 2**127 - 1), "INT128": (-2**127, 2**127 - 1),
    "UTINYINT": (0, 2**8 - 1), "USMALLINT": (0, 2**16 - 1), "UINTEGER": (0, 2**32 - 1),
    "UBIGINT": (0, 2**64 - 1), "UHUGEINT": (0, 2**128 - 1),
}
FLOAT64 = {"DOUBLE", "FLOAT8"}
FLOAT32 = {"FLOAT", "REAL", "FLOAT4"}
STRINGS = {"VARCHAR", "STRING", "TEXT", "CHAR", "BPCHAR"}
TIMESTAMPS = {"TIMESTAMP", "DATETIME", "TIMESTAMP_US", "TIMESTAMP_MS", "TIMESTAMP_S", "TIMESTAMP_NS"}
INT64 = (-2**63, 2**63 - 1)
EXACT_FLOAT_INT = 2**53


class Untranslatable(Exception):
    def __init__(self, category, detail=""):
        super().__init__(f"{category}: {detail}")
        self.category = category
        self.detail = detail


# ---------------------------------------------------------------- tokens

TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<str>'(?:[^']|'')*')
  | (?P<estr>[eE]'(?:[^'\\]|\\.|'')*')
  | (?P<qid>"(?:[^"]|"")*")
  | (?P<num>(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?)
  | (?P<id>[A-Za-z_\u0080-\U0010ffff][A-Za-z_0-9$\u0080-\U0010ffff]*)
  | (?P<op>::|//|\^@|!~~\*|!~~|~~\*|~~|!~\*|!~|~\*|<>|!=|<=|>=|==|\|\||[-+*/%<>=~(),.\[\]^])
""", re.X)


def tokenize(text):
    out, i = [], 0
    while i < len(text):
        m = TOKEN.match(text, i)
        if not m:
            raise Untranslatable("syntax docket lacks", f"character {text[i]!r}")
        i = m.end()
        kind = m.lastgroup
        if kind == "ws":
            continue
        if kind == "estr":
            raise Untranslatable("syntax docket lacks", "E'…' escape strings")
        out.append((kind, m.group()))
    out.append(("end", ""))
    return out


# ---------------------------------------------------------------- parser (PostgreSQL precedence)

KW_STOP = {"AND", "OR", "NOT", "IS", "ISNULL", "NOTNULL", "IN", "BETWEEN", "LIKE", "ILIKE", "ESCAPE",
           "THEN", "WHEN", "ELSE", "END", "FROM", "AS", "SIMILAR", "GLOB"}


class Parser:
    def __init__(self, text):
        self.toks = tokenize(text)
        self.i = 0

    def peek(self, k=0):
        return self.toks[self.i + k]

    def word(self, k=0):
        kind, text = self.peek(k)
        return text.upper() if kind == "id" else None

    def take(self):
        t = self.toks[self.i]
        self.i += 1
        return t

    def expect(self, text):
        kind, t = self.take()
        if t.upper() != text:
            raise Untranslatable("syntax docket lacks", f"expected {text}, found {t!r}")

    def accept_word(self, *words):
        if self.word() in words:
            return self.take()[1].upper()
        return None

    def accept_op(self, *ops):
        kind, t = self.peek()
        if kind == "op" and t in ops:
            self.take()
            return t
        return None

    def parse(self):
        e = self.or_()
        if self.peek()[0] != "end":
            raise Untranslatable("syntax docket lacks", f"unexpected {self.peek()[1]!r}")
        return e

    def or_(self):
        e = self.and_()
        while self.accept_word("OR"):
            e = ("or", e, self.and_())
        return e

    def and_(self):
        e = self.not_()
        while self.accept_word("AND"):
            e = ("and", e, self.not_())
        return e

    def not_(self):
        if self.accept_word("NOT"):
            return ("not", self.not_())
        return self.is_()

    def is_(self):
        e = self.cmp()
        while True:
            if self.accept_word("ISNULL"):
                e = ("isnull", e, False)
            elif self.accept_word("NOTNULL"):
                e = ("isnull", e, True)
            elif self.accept_word("IS"):
                neg = bool(self.accept_word("NOT"))
                w = self.accept_word("NULL", "TRUE", "FALSE", "DISTINCT", "UNKNOWN")
                if w == "NULL" or w == "UNKNOWN":
                    e = ("isnull", e, neg)
                elif w in ("TRUE", "FALSE"):
                    e = ("istruth", e, w == "TRUE", neg)
                elif w == "DISTINCT":
                    self.expect("FROM")
                    e = ("distinct", e, self.cmp(), neg)
                else:
                    raise Untranslatable("syntax docket lacks", f"IS {self.peek()[1]}")
            else:
                return e

    def cmp(self):
        e = self.pred()
        op = self.accept_op("=", "==", "<>", "!=", "<", "<=", ">", ">=")
        if op:
            e = ("cmp", {"==": "=", "!=": "<>"}.get(op, op), e, self.pred())
        if self.accept_op("=", "==", "<>", "!=", "<", "<=", ">", ">="):
            raise Untranslatable("syntax docket lacks", "chained comparison")
        return e

    def pred(self):
        e = self.other()
        while True:
            neg = False
            save = self.i
            if self.accept_word("NOT"):
                neg = True
            w = self.accept_word("IN", "BETWEEN", "LIKE", "ILIKE", "SIMILAR", "GLOB")
            if w is None:
                self.i = save
                return e
            if w == "IN":
                self.expect("(")
                items = [self.or_()]
                while self.accept_op(","):
                    items.append(self.or_())
                self.expect(")")
                e = ("in", e, items, neg)
            elif w == "BETWEEN":
                if self.accept_word("SYMMETRIC", "ASYMMETRIC"):
                    raise Untranslatable("syntax docket lacks", "BETWEEN SYMMETRIC")
                lo = self.other()
                self.expect("AND")
                e = ("between", e, lo, self.other(), neg)
            elif w in ("LIKE", "ILIKE"):
                pat = self.other()
                esc = self.other() if self.accept_word("ESCAPE") else None
                e = ("like", w, e, pat, esc, neg)
            else:
                raise Untranslatable("syntax docket lacks", w)

    def other(self):  # any other operator: ^@, ~, ||, //, ~~ …
        e = self.add()
        while True:
            kind, t = self.peek()
            if kind == "op" and t in ("^@", "~", "!~", "~*", "!~*", "||", "//", "~~", "!~~", "~~*", "!~~*"):
                self.take()
                e = ("op", t, e, self.add())
            else:
                return e

    def add(self):
        e = self.mul()
        while True:
            op = self.accept_op("+", "-")
            if not op:
                return e
            e = ("arith", op, e, self.mul())

    def mul(self):
        e = self.unary()
        while True:
            op = self.accept_op("*", "/", "%")
            if not op:
                return e
            e = ("arith", op, e, self.unary())

    def unary(self):
        op = self.accept_op("-", "+")
        if op:
            x = self.unary()
            if op == "+":
                return x
            if x[0] == "num":  # a negative literal, as DuckDB folds it
                return ("num", "-" + x[1])
            return ("neg", x)
        if self.accept_op("^"):
            raise Untranslatable("syntax docket lacks", "^ (power)")
        return self.postfix()

    def postfix(self):
        e = self.primary()
        while True:
            if self.accept_op("::"):
                e = ("cast", e, self.typename())
            elif self.peek()[1] == "[":
                raise Untranslatable("syntax docket lacks", "subscripts")
            else:
                return e

    def typename(self):
        kind, t = self.take()
        if kind != "id":
            raise Untranslatable("syntax docket lacks", f"type {t!r}")
        name = t.upper()
        if name == "DOUBLE" and self.word() == "PRECISION":
            self.take()
        if name == "TIMESTAMP" and self.word() == "WITH":
            raise Untranslatable("type docket lacks", "TIMESTAMP WITH TIME ZONE")
        if self.accept_op("("):
            args = [self.take()[1]]
            while self.accept_op(","):
                args.append(self.take()[1])
            self.expect(")")
            name += "(" + ",".join(args) + ")"
        return name

    def primary(self):
        kind, t = self.take()
        if kind == "num":
            return ("num", t)
        if kind == "str":
            return ("str", t[1:-1].replace("''", "'"))
        if kind == "qid":
            return ("col", t[1:-1].replace('""', '"'))
        if kind == "op" and t == "(":
            e = self.or_()
            if self.accept_op(","):
                raise Untranslatable("syntax docket lacks", "row values")
            self.expect(")")
            return e
        if kind != "id":
            raise Untranslatable("syntax docket lacks", f"{t!r}")
        u = t.upper()
        if u == "NULL":
            return ("null",)
        if u in ("TRUE", "FALSE"):
            return ("bool", u == "TRUE")
        if u == "CASE":
            return self.case()
        if u in ("DATE", "TIMESTAMP", "TIME", "TIMESTAMPTZ", "TIMETZ", "INTERVAL") and self.peek()[0] == "str":
            s = self.take()[1][1:-1].replace("''", "'")
            if u == "INTERVAL":
                unit = self.accept_word(*UNIT_WORDS)
                return ("interval_str", s, unit)
            return ("typed", u, s)
        if u == "INTERVAL":
            amount = self.unary() if self.peek()[1] == "(" else self.primary()
            unit = self.accept_word(*UNIT_WORDS)
            if unit is None:
                raise Untranslatable("syntax docket lacks", "INTERVAL without a unit")
            return ("interval", amount, unit)
        if u in ("CAST", "TRY_CAST") and self.peek()[1] == "(":
            self.take()
            x = self.or_()
            self.expect("AS")
            ty = self.typename()
            self.expect(")")
            if u == "TRY_CAST":
                raise Untranslatable("syntax docket lacks", "TRY_CAST")
            return ("cast", x, ty)
        if u == "EXTRACT" and self.peek()[1] == "(":
            self.take()
            kind2, field = self.take()
            field = field[1:-1] if kind2 == "str" else field
            self.expect("FROM")
            x = self.or_()
            self.expect(")")
            return ("call", "date_part", [("str", field), x])
        if self.peek()[1] == "(":
            self.take()
            args = []
            if self.accept_word("DISTINCT"):
                raise Untranslatable("syntax docket lacks", "DISTINCT arguments")
            if self.peek()[1] == "*":
                raise Untranslatable("function docket lacks", f"{t.lower()}(*)")
            if not self.accept_op(")"):
                args.append(self.or_())
                while self.accept_op(","):
                    args.append(self.or_())
                self.expect(")")
            return ("call", t.lower(), args)
        if self.peek()[1] == ".":
            self.take()
            return ("qual", t, self.take()[1])
        if u in KW_STOP:
            raise Untranslatable("syntax docket lacks", u)
        return ("col", t)

    def case(self):
        base = None
        if self.word() != "WHEN":
            base = self.or_()
        whens = []
        while self.accept_word("WHEN"):
            c = self.or_()
            self.expect("THEN")
            whens.append((c, self.or_()))
        other = self.or_() if self.accept_word("ELSE") else None
        self.expect("END")
        return ("case", base, whens, other)


UNIT_WORDS = ("DAY", "DAYS", "WEEK", "WEEKS", "MONTH", "MONTHS", "QUARTER", "QUARTERS", "YEAR", "YEARS",
              "HOUR", "HOURS", "MINUTE", "MINUTES", "SECOND", "SECONDS", "MILLISECOND", "MILLISECONDS",
              "MICROSECOND", "MICROSECONDS", "DECADE", "DECADES", "CENTURY", "CENTURIES", "MILLENNIUM",
              "MILLENNIA", "MILLENNIUMS")
DOCKET_UNITS = {"DAY": "DAY", "DAYS": "DAY", "WEEK": "WEEK", "WEEKS": "WEEK", "MONTH": "MONTH",
                "MONTHS": "MONTH", "QUARTER": "QUARTER", "QUARTERS": "QUARTER", "YEAR": "YEAR",
                "YEARS": "YEAR"}


# ---------------------------------------------------------------- emitter

def q(s):
    return "'" + s.replace("'", "''") + "'"


def num_value(text):
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    return float(text)


DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
TS_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?")


def valid_date(s):
    import datetime
    m = DATE_RE.fullmatch(s.strip())
    if not m:
        return None
    try:
        return datetime.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


class Emitter:
    """Emits docket text and the type of each node: int, float, bool, string,
    date, timestamp, interval or null."""

    def __init__(self, cols, row=None, quals=()):
        self.cols = {n.lower(): (n, t) for n, t in cols}
        self.row = row  # the one row of a scalar case: values of columns, by name
        self.quals = {x.lower() for x in quals}
        self.used = set()

    # -- helpers
    def const_value(self, node):
        """A node's constant value when it is a literal (or a scalar case's column)."""
        if node[0] == "str":
            return node[1]
        if node[0] == "null" or (node[0] == "cast" and node[1][0] == "null"):
            return None
        if node[0] == "col" and self.row is not None:
            name = self.column(node)[0]
            return self.row.get(name, ...)
        if node[0] == "qual":
            return self.const_value(("col", node[2]))
        return ...

    def column(self, node):
        name = node[1]
        hit = self.cols.get(name.lower())
        if hit is None:
            raise Untranslatable("syntax docket lacks", f"name {name!r} (not a column)")
        self.used.add(hit[0])
        return hit

    def emit(self, node):
        f = getattr(self, "e_" + node[0])
        return f(node)

    def cond(self, node):
        """A node where a condition is needed: DuckDB casts an int or 'true' literal."""
        if node[0] == "num" and re.fullmatch(r"-?\d+", node[1]):
            return ("FALSE" if int(node[1]) == 0 else "TRUE"), "bool"
        if node[0] == "str" and node[1].strip().lower() in ("true", "false", "t", "f"):
            return ("TRUE" if node[1].strip().lower() in ("true", "t") else "FALSE"), "bool"
        text, ty = self.emit(node)
        if ty not in ("bool", "null"):
            raise Untranslatable("implicit cast docket lacks", f"{ty} used as a condition")
        return text, ty

    # -- leaves
    def e_num(self, node):
        v = num_value(node[1])
        if isinstance(v, int):
            if not INT64[0] <= v <= INT64[1]:
                raise Untranslatable("type docket lacks", "integer past int64 (HUGEINT/DECIMAL)")
            if v == INT64[0]:
                return "(-9223372036854775807 - 1)", "int"
            return f"({v})" if v < 0 else str(v), "int"
        if math.isinf(v):
            raise Untranslatable("type docket lacks", "decimal literal past double")
        return (f"({node[1]})" if v < 0 else node[1]), "float"

    def e_str(self, node):
        return q(node[1]), "string"

    def e_null(self, node):
        return "NULL", "null"

    def e_bool(self, node):
        return ("TRUE" if node[1] else "FALSE"), "bool"

    def e_col(self, node):
        name, typ = self.column(node)
        ty = {"int": "int", "float": "float", "bool": "bool", "string": "string", "date": "date",
              "timestamp": "timestamp", "decimal:0": "int", "x:float": "float"}.get(typ)
        if ty is None and typ.startswith("x:timestamp"):
            ty = "timestamp"
        if ty is None:
            raise Untranslatable("type docket lacks", f"column type {typ}")
        return '"' + name.replace('"', '""') + '"', ty

    def e_qual(self, node):
        if node[1].lower() not in self.quals:
            raise Untranslatable("syntax docket lacks", f"qualified name {node[1]}.{node[2]}")
        return self.e_col(("col", node[2]))

    def e_typed(self, node):
        u, s = node[1], node[2]
        if u == "DATE":
            d = valid_date(s)
            if d is None:
                raise Untranslatable("value docket's types cannot hold", f"DATE {s!r}")
            return f"DATE '{d.isoformat()}'", "date"
        if u == "TIMESTAMP":
            return self.timestamp_literal(s)
        raise Untranslatable("type docket lacks", u)

    def timestamp_literal(self, s):
        s = re.sub(r"\s+", " ", s.strip())
        m = re.fullmatch(r"(.*?)(Z|[+-]\d{2}(:?\d{2})?)", s)
        if m and TS_RE.fullmatch(m[1]):
            zone = m[2]
            if zone != "Z":
                zone = zone[:3] + ":" + (zone[3:].lstrip(":") or "00")
            text, ty = self.timestamp_literal(m[1])
            return text[:-1] + zone + "'", ty
        if valid_date(s):
            s += " 00:00:00"
        m = TS_RE.fullmatch(s)
        if not m or valid_date(s[:10]) is None or int(m[4]) > 23 or int(m[5]) > 59 or int(m[6]) > 59:
            raise Untranslatable("value docket's types cannot hold", f"TIMESTAMP {s!r}")
        return f"TIMESTAMP '{s}'", "timestamp"

    def e_interval(self, node):
        amount, unit = node[1], node[2]
        if unit not in DOCKET_UNITS:
            raise Untranslatable("type docket lacks", f"INTERVAL in {unit.lower()}s (time of day)")
        text, ty = self.emit(amount)
        if ty != "int":
            raise Untranslatable("type docket lacks", "INTERVAL with a fractional amount")
        return f"(INTERVAL {text} {DOCKET_UNITS[unit]})", "interval"

    def e_interval_str(self, node):
        s, unit = node[1].strip(), node[2]
        m = re.fullmatch(r"(-?\d+)\s*([A-Za-z]+)?", s)
        if not m:
            raise Untranslatable("type docket lacks", "INTERVAL text with several parts")
        u = unit or (m[2] or "").upper()
        return self.e_interval(("interval", ("num", m[1]), u))

    # -- operators
    def e_or(self, node):
        a, _ = self.cond(node[1])
        b, _ = self.cond(node[2])
        return f"({a} OR {b})", "bool"

    def e_and(self, node):
        a, _ = self.cond(node[1])
        b, _ = self.cond(node[2])
        return f"({a} AND {b})", "bool"

    def e_not(self, node):
        a, _ = self.cond(node[1])
        return f"(NOT {a})", "bool"

    def e_isnull(self, node):
        a, _ = self.emit(node[1])
        return f"({a} IS {'NOT ' if node[2] else ''}NULL)", "bool"

    def e_istruth(self, node):
        a, _ = self.cond(node[1])
        want, neg = node[2], node[3]
        inner = f"coalesce({a}, FALSE)" if want else f"coalesce(NOT {a}, FALSE)"
        return (f"(NOT {inner})" if neg else f"({inner})"), "bool"

    def e_distinct(self, node):
        (a, ta), (b, tb) = self.unify(node[1], node[2])
        if ta == "null" and tb == "null":
            same = "TRUE"
        elif ta == "null":
            same = f"({b} IS NULL)"
        elif tb == "null":
            same = f"({a} IS NULL)"
        else:
            same = f"(coalesce({a} = {b}, FALSE) OR ({a} IS NULL AND {b} IS NULL))"
        return (same if node[3] else f"(NOT {same})"), "bool"

    def unify(self, x, y):
        """Both sides of a comparison, with DuckDB's implicit casts of literals."""
        a, ta = self.emit(x)
        b, tb = self.emit(y)
        if ta == tb or "null" in (ta, tb) or {ta, tb} == {"int", "float"}:
            return (a, ta), (b, tb)
        for (lit, lt), (other, ot), node in (((a, ta), (b, tb), x), ((b, tb), (a, ta), y)):
            if lt == "string" and node[0] == "str":
                conv = self.literal_as(node[1], ot)
                if conv is not None:
                    if lit is a:
                        return (conv, ot), (b, tb)
                    return (a, ta), (conv, ot)
        if {ta, tb} == {"date", "timestamp"}:
            return (a, ta), (b, tb)  # the caller decides (only some comparisons are exact)
        raise Untranslatable("implicit cast docket lacks", f"{ta} with {tb}")

    def literal_as(self, s, ty):
        t = s.strip()
        if ty == "int" and re.fullmatch(r"[-+]?\d+", t):
            v = int(t)
            return f"({v})" if v < 0 else str(v)
        if ty == "float" and re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", t):
            return f"({t})"
        if ty == "bool" and t.lower() in ("true", "false", "t", "f"):
            return "TRUE" if t.lower() in ("true", "t") else "FALSE"
        if ty == "date":
            d = valid_date(t)
            return None if d is None else f"DATE '{d.isoformat()}'"
        if ty == "timestamp":
            try:
                return self.timestamp_literal(t)[0]
            except Untranslatable:
                return None
        return None

    def e_cmp(self, node):
        op = node[1]
        (a, ta), (b, tb) = self.unify(node[2], node[3])
        if {ta, tb} == {"date", "timestamp"}:
            # docket compares a timestamp with a date by the timestamp's civil
            # date, DuckDB by the date's midnight: the same only for >= and <.
            ts_left = ta == "timestamp"
            eff = op if ts_left else {"<": ">", ">": "<", "<=": ">=", ">=": "<="}.get(op, op)
            if eff not in (">=", "<"):
                raise Untranslatable("not an exact equivalent",
                                     "timestamp compared with a date (docket compares civil dates)")
        return f"({a} {op} {b})", "bool"

    def e_between(self, node):
        x, lo, hi, neg = node[1:]
        (a, ta), (l, tl) = self.unify(x, lo)
        (a2, ta2), (h, th) = self.unify(x, hi)
        if "timestamp" in (ta, tl, th) and "date" in (ta, tl, th):
            raise Untranslatable("not an exact equivalent", "timestamp BETWEEN dates")
        return f"({a} {'NOT ' if neg else ''}BETWEEN {l} AND {h})", "bool"

    def e_in(self, node):
        x, items, neg = node[1:]
        a, ta = self.emit(x)
        outs = []
        for it in items:
            (a2, ta2), (b, tb) = self.unify(x, it)
            if {ta2, tb} == {"date", "timestamp"}:
                raise Untranslatable("not an exact equivalent", "timestamp IN dates")
            outs.append(b)
        return f"({a} {'NOT ' if neg else ''}IN ({', '.join(outs)}))", "bool"

    def like_pattern(self, pat, esc):
        """The pattern in docket's form (escape `\\`), when it is a constant."""
        if esc is not None:
            e = self.const_value(esc)
            if e is ... or e is None:
                raise Untranslatable("syntax docket lacks", "a non-constant ESCAPE")
            if len(e) > 1:
                raise Untranslatable("syntax docket lacks", "ESCAPE longer than one character")
        else:
            e = ""
        p = self.const_value(pat)
        if p is ...:
            return None
        if p is None:
            return "NULL"
        out, i = [], 0
        while i < len(p):
            c = p[i]
            if e and c == e:
                if i + 1 >= len(p):
                    raise Untranslatable("value docket's types cannot hold", "pattern ending in its escape")
                out.append("\\" + p[i + 1])
                i += 2
                continue
            out.append("\\\\" if c == "\\" else c)
            i += 1
        return q("".join(out))

    def e_like(self, node):
        op, x, pat, esc, neg = node[1:]
        a, ta = self.emit(x)
        p = self.like_pattern(pat, esc)
        if p is None:
            if esc is not None:
                raise Untranslatable("syntax docket lacks", "ESCAPE with a column pattern")
            p, tp = self.emit(pat)
            vals = self.known_strings(pat) if pat[0] in ("col", "qual") else None
            if vals is None or any("\\" in v for v in vals):
                raise Untranslatable("not an exact equivalent",
                                     "a LIKE pattern that may hold \\ (docket's escape; DuckDB has none)")
        if ta not in ("string", "null"):
            raise Untranslatable("implicit cast docket lacks", f"LIKE on {ta}")
        return f"({a} {'NOT ' if neg else ''}{op} {p})", "bool"

    def e_op(self, node):
        op, x, y = node[1:]
        if op == "^@":
            return self.e_call(("call", "starts_with", [x, y]))
        if op in ("~", "!~"):
            t, ty = self.regex(x, y, "")
            return (f"(NOT {t})" if op == "!~" else t), ty
        if op in ("~*", "!~*"):
            t, ty = self.regex(x, y, "i")
            return (f"(NOT {t})" if op == "!~*" else t), ty
        if op in ("~~", "!~~", "~~*", "!~~*"):
            return self.e_like(("like", "ILIKE" if "*" in op else "LIKE", x, y, None, op.startswith("!")))
        if op == "//":
            return self.intdiv(x, y)
        raise Untranslatable("syntax docket lacks", f"operator {op}")

    def known_ints(self, node):
        """All values an int operand can take in this case, when they are known."""
        if node[0] == "num":
            return [int(node[1])]
        if node[0] in ("col", "qual"):
            if self.row is not None:
                v = self.const_value(node)
                return [] if v is None else [int(v)]
            return self.col_values(node) if self.col_values else None
        if node[0] == "cast":
            return self.known_ints(node[1])
        return None

    col_values = None

    def integral(self, node):
        if node[0] == "call" and self.ALIAS.get(node[1], node[1]) in ("ceil", "floor") and len(node[2]) == 1:
            return True
        if node[0] == "call" and node[1] == "round" and len(node[2]) == 1:
            return True
        return node[0] == "cast" and node[2].split("(")[0] in INT_TYPES

    def known_strings(self, node):
        if node[0] == "str":
            return [node[1]]
        if self.row is not None:
            v = self.const_value(node)
            return [] if v is None else [v]
        return self.col_values(node, str) if self.col_values else None

    def known_floats(self, node):
        """All values a float operand can take in this case, when they are known."""
        if node[0] == "num":
            return [float(node[1])]
        if node[0] in ("col", "qual"):
            if self.row is not None:
                v = self.const_value(node)
                return [] if v is None else [float(v)]
            return self.col_values(node, float) if self.col_values else None
        if node[0] == "cast" and node[2].split("(")[0] in FLOAT64:
            return self.known_floats(node[1])
        return None

    def intdiv(self, x, y):
        a, ta = self.emit(x)
        b, tb = self.emit(y)
        if ta != "int" or tb != "int":
            raise Untranslatable("syntax docket lacks", "// on non-integers")
        for side in (x, y):
            vals = self.known_ints(side)
            if vals is None or any(abs(v) >= EXACT_FLOAT_INT for v in vals):
                raise Untranslatable("syntax docket lacks", "// (integer division) past 2^53")
        # Truncating integer division, exact below 2^53 (the remainder is exact).
        return f"(({a} - {a} % {b}) / {b})", "float"

    def regex(self, x, pat, opts):
        a, ta = self.emit(x)
        p = self.const_value(pat)
        if p is ...:
            raise Untranslatable("not an exact equivalent", "a non-constant regular expression")
        if p is None:
            raise Untranslatable("not an exact equivalent", "a NULL regular expression (docket needs a constant)")
        flags = ""
        for o in opts:
            if o == "c":  # case-sensitive: the default
                continue
            if o == "i":
                flags += "i"
            elif o == "s":
                flags += "s"
            else:
                raise Untranslatable("syntax docket lacks", f"regex option {o!r}")
        if ta not in ("string", "null"):
            raise Untranslatable("implicit cast docket lacks", f"regex on {ta}")
        return f"({a} MATCHES {q(('(?' + flags + ')' if flags else '') + p)})", "bool"

    def e_arith(self, node):
        op, x, y = node[1:]
        a, ta = self.emit(x)
        b, tb = self.emit(y)
        if "interval" in (ta, tb):
            d = ta if tb == "interval" else tb
            if d not in ("date", "null") or op not in "+-" or (ta == "interval" and op == "-"):
                raise Untranslatable("not an exact equivalent",
                                     f"{ta} {op} {tb} (docket adds intervals to dates only)")
            return f"({a} {op} {b})", "date"
        if "timestamp" in (ta, tb):
            raise Untranslatable("not an exact equivalent", "timestamp arithmetic (docket works in days)")
        if ta == "date" or tb == "date":
            if ta == "date" and tb == "date" and op == "-":
                return f"({a} - {b})", "int"
            if (ta, tb) in (("date", "int"), ("int", "date")) and (op == "+" or ta == "date"):
                return f"({a} {op} {b})", "date"
            raise Untranslatable("implicit cast docket lacks", f"{ta} {op} {tb}")
        for t in (ta, tb):
            if t not in ("int", "float", "null"):
                raise Untranslatable("implicit cast docket lacks", f"{t} in arithmetic")
        ty = "float" if op == "/" or "float" in (ta, tb) else ("int" if "int" in (ta, tb) else "null")
        return f"({a} {op} {b})", ty

    def e_neg(self, node):
        a, ta = self.emit(node[1])
        if ta not in ("int", "float", "null"):
            raise Untranslatable("implicit cast docket lacks", f"-{ta}")
        return f"(-{a})", ta

    def e_case(self, node):
        base, whens, other = node[1:]
        parts, types = [], []
        for c, v in whens:
            if base is not None:
                (b, _), (cc, _) = self.unify(base, c)
                ct = f"({b} = {cc})"
            else:
                ct, _ = self.cond(c)
            vt, vty = self.emit(v)
            parts.append((ct, vt))
            types.append(vty)
        et = None
        if other is not None:
            et, ety = self.emit(other)
            types.append(ety)
        ty = self.common(types)
        text = "(CASE " + " ".join(f"WHEN {c} THEN {v}" for c, v in parts)
        if et is not None:
            text += f" ELSE {et}"
        return text + " END)", ty

    def common(self, types):
        ts = {t for t in types if t != "null"}
        if not ts:
            return "null"
        if ts == {"int", "float"}:
            return "float"
        if len(ts) == 1:
            return ts.pop()
        raise Untranslatable("implicit cast docket lacks", " and ".join(sorted(ts)) + " in one result")

    # -- casts
    def e_cast(self, node):
        x, ty = node[1], node[2]
        base = ty.split("(")[0]
        if base in ("DECIMAL", "NUMERIC"):
            raise Untranslatable("type docket lacks", "DECIMAL")
        if x[0] == "null":
            if base in INT_TYPES:
                return "NULL", "int"
            if base in FLOAT64:
                return "NULL", "float"
            if base in STRINGS:
                return "NULL", "string"
            if base == "DATE":
                return "NULL", "date"
            if base in TIMESTAMPS:
                return "NULL", "timestamp"
            if base in ("BOOLEAN", "BOOL"):
                return "NULL", "bool"
            raise Untranslatable("type docket lacks", base)
        if x[0] == "str" or (x[0] == "num" and base not in INT_TYPES and base not in FLOAT64):
            return self.cast_literal(x[1], base)
        a, ta = self.emit(x)
        if base in INT_TYPES:
            lo, hi = INT_TYPES[base]
            if ta == "int":
                if x[0] == "num" and not lo <= int(x[1]) <= hi:
                    raise Untranslatable("value docket's types cannot hold", f"{x[1]} as {base}")
                return a, "int"
            if ta == "null":
                return a, "int"
            if ta == "float" and self.integral(x):
                return a, "float"  # a whole float (ceil, floor, round, a cast to an int type) casts exactly
            if ta == "float":
                # DuckDB rounds to the nearest integer; docket's round(x) too,
                # except at ties (x.5: half away from zero vs half to even).
                vals = self.known_floats(x)
                if vals is None or any(abs(v - math.trunc(v)) == 0.5 for v in vals):
                    raise Untranslatable("not an exact equivalent", f"cast float to {base} (a tie, or unknown values)")
                if any(not lo <= round(v) <= hi for v in vals):
                    raise Untranslatable("value docket's types cannot hold", f"a float out of {base}")
                return f"round({a})", "float"
            raise Untranslatable("not an exact equivalent", f"cast {ta} to {base}")
        if base in FLOAT64:
            if ta == "int":
                return f"({a} * 1.0)", "float"
            if ta in ("float", "null"):
                return a, "float"
            raise Untranslatable("implicit cast docket lacks", f"cast {ta} to {base}")
        if base in FLOAT32:
            if x[0] == "num":
                return self.cast_literal(x[1], base)
            raise Untranslatable("type docket lacks", "FLOAT/REAL (float32) arithmetic")
        if base in STRINGS:
            if ta in ("string", "null"):
                return a, "string"
            raise Untranslatable("function docket lacks", f"cast {ta} to text")
        if base == "DATE":
            if ta == "date":
                return a, "date"
            if ta == "timestamp":
                return f"date({a})", "date"
            raise Untranslatable("implicit cast docket lacks", f"cast {ta} to DATE")
        if base in TIMESTAMPS:
            if ta == "timestamp" and base in ("TIMESTAMP", "DATETIME", "TIMESTAMP_US"):
                return a, "timestamp"
            raise Untranslatable("type docket lacks", f"cast {ta} to {base}")
        if base in ("BOOLEAN", "BOOL"):
            if ta == "bool":
                return a, "bool"
            raise Untranslatable("implicit cast docket lacks", f"cast {ta} to BOOLEAN")
        raise Untranslatable("type docket lacks", base)

    def cast_literal(self, s, base):
        t = s.strip()
        if base in INT_TYPES:
            if not re.fullmatch(r"[-+]?\d+", t):
                raise Untranslatable("not an exact equivalent", f"{s!r} as {base}")
            v = int(t)
            lo, hi = INT_TYPES[base]
            if not lo <= v <= hi or not INT64[0] <= v <= INT64[1]:
                raise Untranslatable("value docket's types cannot hold", f"{s!r} as {base}")
            return self.e_num(("num", str(v)))
        if base in FLOAT64 or base in FLOAT32:
            if not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", t):
                raise Untranslatable("value docket's types cannot hold", f"{s!r} as {base}")
            v = float(t)
            if math.isinf(v):
                raise Untranslatable("value docket's types cannot hold", f"{s!r} as {base}")
            if base in FLOAT32 and struct.unpack("f", struct.pack("f", v))[0] != v:
                raise Untranslatable("type docket lacks", "FLOAT/REAL (float32) rounding")
            return (f"({v!r})" if v < 0 else repr(v)), "float"
        if base in STRINGS:
            return q(s), "string"
        if base == "DATE":
            return self.e_typed(("typed", "DATE", t))
        if base in ("TIMESTAMP", "DATETIME", "TIMESTAMP_US"):
            return self.timestamp_literal(t)
        if base in ("TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS"):
            if "." in t:
                raise Untranslatable("type docket lacks", f"{base} precision")
            return self.timestamp_literal(t)
        if base in ("BOOLEAN", "BOOL") and t.lower() in ("true", "false", "t", "f", "1", "0"):
            return ("TRUE" if t.lower() in ("true", "t", "1") else "FALSE"), "bool"
        if base == "INTERVAL":
            return self.e_interval_str(("interval_str", s, None))
        raise Untranslatable("type docket lacks", base)

    # -- functions
    SAME = {"coalesce", "nullif", "lower", "upper", "length", "contains", "starts_with", "ends_with",
            "abs", "round", "floor", "ceil", "least", "greatest", "year", "month", "day", "quarter",
            "trim", "ltrim", "rtrim", "date_trunc"}
    ALIAS = {"ucase": "upper", "lcase": "lower", "prefix": "starts_with", "suffix": "ends_with",
             "ceiling": "ceil", "char_length": "length", "character_length": "length", "ifnull": "coalesce",
             "dayofmonth": "day", "datetrunc": "date_trunc", "datepart": "date_part"}
    SUBDAY_PARTS = {"hour", "minute", "second", "millisecond", "microsecond", "milliseconds", "microseconds",
                    "seconds", "minutes", "hours", "timezone", "timezone_hour", "timezone_minute"}
    PARTS = {"year", "month", "day", "quarter", "dayofweek", "dow", "isodow", "weekday", "dayofyear", "doy",
             "decade", "century", "millennium", "epoch", "dayofmonth", "week", "weekofyear", "yearweek", "isoyear",
             "era", "julian", "monthname", "dayname", "hour", "minute", "second", "millisecond", "microsecond",
             "timezone", "timezone_hour", "timezone_minute", "epoch_ms", "epoch_us", "epoch_ns"}

    def e_call(self, node):
        name, args = node[1], node[2]
        name = self.ALIAS.get(name, name)
        if name in self.PARTS and len(args) == 1:
            return self.date_part(name, args[0])
        if name == "date_part":
            if len(args) != 2:
                raise Untranslatable("function docket lacks", "date_part with a list of parts")
            part = self.const_value(args[0])
            if part is ...:
                raise Untranslatable("not an exact equivalent", "a non-constant date part")
            if part is None:
                raise Untranslatable("not an exact equivalent", "a NULL date part (docket needs a constant)")
            return self.date_part(part.lower(), args[1])
        if name == "if":
            if len(args) != 3:
                raise Untranslatable("function docket lacks", "if with other arity")
            return self.e_case(("case", None, [(args[0], args[1])], args[2]))
        if name == "sign" and len(args) == 1:
            a, ta = self.emit(args[0])
            if ta not in ("int", "float", "null"):
                raise Untranslatable("implicit cast docket lacks", f"sign of {ta}")
            return f"(CASE WHEN {a} > 0 THEN 1 WHEN {a} < 0 THEN -1 WHEN {a} = 0 THEN 0 END)", "int"
        if name == "mod":
            return self.e_arith(("arith", "%", args[0], args[1]))
        if name in ("regexp_matches", "regexp_full_match"):
            opts = ""
            if len(args) == 3:
                o = self.const_value(args[2])
                if not isinstance(o, str):
                    raise Untranslatable("not an exact equivalent", "non-constant regex options")
                opts = o
            if name == "regexp_full_match":
                p = self.const_value(args[1])
                if isinstance(p, str):
                    args = [args[0], ("str", r"\A(?:" + p + r")\z")]
            return self.regex(args[0], args[1], opts)
        if name == "date_add" and len(args) == 2:
            return self.e_arith(("arith", "+", args[0], args[1]))
        if name == "last_day" and len(args) == 1:
            a, ta = self.date_arg(args[0])
            return f"(add_months(date_trunc('month', {a}), 1) - 1)", "date"
        if name == "date" and len(args) == 1:
            a, ta = self.date_arg(args[0])
            return f"date({a})", "date"
        if name == "date_trunc":
            return self.date_trunc(args)
        if name in ("trim", "ltrim", "rtrim") and len(args) == 1:
            # DuckDB strips spaces, docket ASCII whitespace: the same on text without tabs or newlines.
            vals = self.known_strings(args[0]) if args[0][0] in ("str", "col", "qual") else None
            if args[0][0] == "null":
                vals = []
            if vals is None or any(c in v for v in vals for c in "\t\n\r\f\v"):
                raise Untranslatable("not an exact equivalent",
                                     f"{name} of text that may hold tabs or newlines (docket strips them too)")
        if name not in self.SAME:
            raise Untranslatable("function docket lacks", name)
        emitted = [self.emit(a) for a in args]
        types = [t for _, t in emitted]
        texts = [t for t, _ in emitted]
        if name in ("coalesce", "least", "greatest", "nullif"):
            ty = self.common(types) if name != "nullif" else types[0]
            return f"{name}({', '.join(texts)})", ty
        if name in ("lower", "upper", "trim", "ltrim", "rtrim"):
            return f"{name}({', '.join(texts)})", "string"
        if name == "length":
            return f"length({', '.join(texts)})", "int"
        if name in ("contains", "starts_with", "ends_with"):
            return f"{name}({', '.join(texts)})", "bool"
        if name in ("abs", "floor", "ceil", "round"):
            return f"{name}({', '.join(texts)})", types[0] if types[0] != "null" else "null"
        if name in ("year", "month", "day", "quarter"):
            return self.date_part(name, args[0])
        raise Untranslatable("function docket lacks", name)

    SUBDAY = {"hour", "hours", "minute", "minutes", "second", "seconds", "millisecond", "milliseconds",
              "microsecond", "microseconds", "epoch"}

    def date_trunc(self, args):
        unit = self.const_value(args[0]) if args else ...
        if unit is ...:
            raise Untranslatable("not an exact equivalent", "a non-constant date_trunc unit")
        if unit is None:
            raise Untranslatable("not an exact equivalent", "a NULL date_trunc unit (docket needs a constant)")
        u = unit.lower()
        a, ta = self.date_arg(args[1])
        d = f"date({a})" if ta == "timestamp" else a
        # DuckDB returns a TIMESTAMP at midnight (compared as docket's date).
        if u in ("week", "month", "quarter", "year"):
            return f"date_trunc('{u}', {a})", "date"
        if u in ("day", "days", "dow", "isodow", "doy", "julian"):  # DuckDB truncates these to the day.
            return f"date({a})", "date"
        if u in self.SUBDAY and ta == "date":  # a date is its own midnight
            return d, "date"
        if u == "yearweek":
            return f"date_trunc('week', {a})", "date"
        if u in ("decade", "century", "millennium"):  # years 1 … 9999
            n = {"decade": 10, "century": 100, "millennium": 1000}[u]
            return f"add_months(date_trunc('year', {a}), -12 * (year({d}) % {n}))", "date"
        raise Untranslatable("function docket lacks", f"date_trunc unit {u!r}" + (" of a timestamp" if u in self.SUBDAY else ""))

    def date_arg(self, node):
        """A date function's argument.  A date cast to TIMESTAMP is its
        midnight, whose civil date (UTC) is the date itself."""
        if node[0] == "cast" and node[2].split("(")[0] in TIMESTAMPS:
            a, ta = self.date_arg(node[1]) if node[1][0] != "str" else self.emit(node)
            if ta in ("date", "timestamp", "null"):
                return a, ta
        if node[0] == "str":
            d = valid_date(node[1])
            if d is None:
                if TS_RE.fullmatch(node[1].strip()):
                    return self.timestamp_literal(node[1])
                raise Untranslatable("value docket's types cannot hold", f"date {node[1]!r}")
            return f"DATE '{d.isoformat()}'", "date"
        a, ta = self.emit(node)
        if ta not in ("date", "timestamp", "null"):
            raise Untranslatable("implicit cast docket lacks", f"{ta} as a date")
        return a, ta

    def date_part(self, part, node):
        a, ta = self.date_arg(node)
        d = f"date({a})" if ta in ("timestamp", "null") else a
        simple = {"year": "year", "month": "month", "day": "day", "dayofmonth": "day", "quarter": "quarter",
                  "isodow": "day_of_week"}
        if part in simple:
            return f"{simple[part]}({d})", "int"
        if part in ("dow", "dayofweek", "weekday"):
            return f"(day_of_week({d}) % 7)", "int"
        if part in ("doy", "dayofyear"):
            return f"({d} - date_trunc('year', {d}) + 1)", "int"
        # Years 1 … 9999 (all docket's date literals and frames can hold).
        if part == "decade":
            return f"floor(year({d}) / 10)", "float"
        if part == "century":
            return f"(floor((year({d}) - 1) / 100) + 1)", "float"
        if part == "millennium":
            return f"(floor((year({d}) - 1) / 1000) + 1)", "float"
        if part in ("week", "weekofyear", "yearweek", "isoyear"):
            # ISO 8601: the week (and its year) of the Thursday of d's week.
            thu = f"({d} - day_of_week({d}) + 4)"
            week = f"(floor(({thu} - date_trunc('year', {thu})) / 7) + 1)"
            if part == "isoyear":
                return f"year({thu})", "int"
            if part == "yearweek":
                return f"(year({thu}) * 100 + {week})", "float"
            return week, "float"
        if part == "era":  # AD (docket's dates are years 1 … 9999)
            return f"(CASE WHEN year({d}) > 0 THEN 1 WHEN year({d}) <= 0 THEN 0 END)", "int"
        if part == "julian" and ta != "timestamp":  # the Julian day number of a date
            return f"(({d} - DATE '1970-01-01') + 2440588)", "int"
        if part in ("monthname", "dayname"):
            names = (["January", "February", "March", "April", "May", "June", "July", "August", "September",
                      "October", "November", "December"] if part == "monthname" else
                     ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])
            key = f"month({d})" if part == "monthname" else f"day_of_week({d})"
            return "(CASE " + key + " " + " ".join(f"WHEN {i + 1} THEN {q(n)}" for i, n in enumerate(names)) + " END)", "string"
        if part in self.SUBDAY_PARTS and ta != "timestamp":  # a date's midnight, a naive zone: 0
            return f"(year({d}) * 0)", "int"
        if part in ("epoch_ms", "epoch_us", "epoch_ns") and ta != "timestamp":
            scale = {"epoch_ms": 1000, "epoch_us": 10**6, "epoch_ns": 10**9}[part]
            return f"(({d} - DATE '1970-01-01') * {86400 * scale})", "int"
        if part == "epoch" and ta == "date":
            return f"(({d} - DATE '1970-01-01') * 86400)", "int"
        raise Untranslatable("function docket lacks", f"date part {part!r}" + (" of a timestamp" if part == "epoch" else ""))


def translate(case, col_values=None):
    """(docket text, result type, the columns it reads) for a case's expression."""
    tree = Parser(case["expr"]).parse()
    row = None
    if case["kind"] == "scalar" and case.get("cols"):
        row = {}
        for (n, t), v in zip(case["cols"], case.get("row") or []):
            row[n] = None if v in (None, "NULL") else (v["unrep"] if isinstance(v, dict) else v)
    em = Emitter(case.get("cols") or [], row, case.get("quals") or [])
    if col_values is None and case.get("rows"):
        names = [n for n, _ in case["cols"]]

        def col_values(node, conv=int):
            j = names.index(em.column(node)[0])
            out = []
            for r in case["rows"]:
                v = r[j]
                v = v["unrep"] if isinstance(v, dict) else v
                if v in (None, "NULL"):
                    continue
                try:
                    out.append(conv(v))
                except ValueError:
                    return None
            return out
    em.col_values = col_values
    text, ty = em.emit(tree)
    return text, ty, em.used
