// The row-at-a-time reference evaluator and the differential case generator
// (see reference_evaluator.h).  The reference favours the obvious over the
// fast: absl civil-time arithmetic for calendars, __int128 for overflow, a
// dynamic program for LIKE, std::regex for MATCHES.
#include "security/reference_evaluator.h"

#include <utf8proc.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <regex>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "docket/bitmap.h"
#include "docket/builder.h"
#include "docket/program.h"

namespace docket::reference {
namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;

// ---------------------------------------------------------------------------
// Values.

RValue Null(TypeId t) {
  RValue v;
  v.type = t;
  return v;
}
RValue Bool(bool b) {
  RValue v;
  v.type = TypeId::kBool;
  v.null = false;
  v.b = b;
  return v;
}
RValue Int(int64_t i) {
  RValue v;
  v.type = TypeId::kInt;
  v.null = false;
  v.i = i;
  return v;
}
RValue Float(double f) {
  RValue v;
  v.type = TypeId::kFloat;
  v.null = false;
  v.f = f;
  return v;
}
RValue Str(std::string s) {
  RValue v;
  v.type = TypeId::kString;
  v.null = false;
  v.s = std::move(s);
  return v;
}
RValue DateDays(int64_t days) {
  // A date outside the int32 day range is an overflow: NULL.
  if (days < std::numeric_limits<int32_t>::min() || days > std::numeric_limits<int32_t>::max()) {
    return Null(TypeId::kDate);
  }
  RValue v;
  v.type = TypeId::kDate;
  v.null = false;
  v.i = days;
  return v;
}
RValue TsMicros(int64_t us) {
  RValue v;
  v.type = TypeId::kTimestamp;
  v.null = false;
  v.i = us;
  return v;
}
// An int result computed exactly; outside int64 it overflowed: NULL.
RValue IntChecked(__int128 x) {
  if (x > kInt64Max || x < kInt64Min) return Null(TypeId::kInt);
  return Int(static_cast<int64_t>(x));
}

const absl::CivilDay kEpoch(1970, 1, 1);

absl::CivilDay DayOf(int64_t days) { return kEpoch + days; }
int64_t DaysOf(absl::CivilDay d) { return d - kEpoch; }

double AsDouble(const RValue& v) {
  return v.type == TypeId::kFloat ? v.f : static_cast<double>(v.i);
}

// Converts a value to `t` (int → float, timestamp → its civil date).
RValue Convert(const RValue& v, TypeId t, const Case& c) {
  if (v.type == t) return v;
  if (v.null) return Null(t);
  if (v.type == TypeId::kInt && t == TypeId::kFloat) return Float(static_cast<double>(v.i));
  if (v.type == TypeId::kTimestamp && t == TypeId::kDate) {
    return DateDays(DaysOf(absl::ToCivilDay(absl::FromUnixMicros(v.i), c.time_zone)));
  }
  return v;  // Unreachable for well-typed cases.
}

// -1, 0, 1 for two non-NULL values of the same type.  Strings compare
// bytewise (as unsigned bytes), FALSE < TRUE.
int Cmp3(const RValue& a, const RValue& b) {
  switch (a.type) {
    case TypeId::kBool:
      return a.b == b.b ? 0 : (a.b ? 1 : -1);
    case TypeId::kFloat:
      return a.f < b.f ? -1 : (a.f > b.f ? 1 : 0);
    case TypeId::kString: {
      int r = a.s.compare(b.s);  // std::string compares chars as unsigned (char_traits<char>).
      return r < 0 ? -1 : (r > 0 ? 1 : 0);
    }
    default:
      return a.i < b.i ? -1 : (a.i > b.i ? 1 : 0);
  }
}

TypeId CommonNumeric(TypeId a, TypeId b) {
  return (a == TypeId::kFloat || b == TypeId::kFloat) ? TypeId::kFloat : TypeId::kInt;
}

// The type two operands are compared in (after implicit conversions).
TypeId ComparisonType(TypeId a, TypeId b) {
  if ((a == TypeId::kInt || a == TypeId::kFloat) && (b == TypeId::kInt || b == TypeId::kFloat)) {
    return CommonNumeric(a, b);
  }
  if ((a == TypeId::kDate || a == TypeId::kTimestamp) &&
      (b == TypeId::kDate || b == TypeId::kTimestamp)) {
    return (a == TypeId::kDate || b == TypeId::kDate) ? TypeId::kDate : TypeId::kTimestamp;
  }
  return a;
}

Tri ToTri(const RValue& v) { return v.null ? Tri::kNull : (v.b ? Tri::kTrue : Tri::kFalse); }
RValue FromTri(Tri t) { return t == Tri::kNull ? Null(TypeId::kBool) : Bool(t == Tri::kTrue); }
Tri Not(Tri t) {
  return t == Tri::kNull ? Tri::kNull : (t == Tri::kTrue ? Tri::kFalse : Tri::kTrue);
}
// Kleene AND / OR.
Tri And(Tri a, Tri b) {
  if (a == Tri::kFalse || b == Tri::kFalse) return Tri::kFalse;
  if (a == Tri::kNull || b == Tri::kNull) return Tri::kNull;
  return Tri::kTrue;
}
Tri Or(Tri a, Tri b) {
  if (a == Tri::kTrue || b == Tri::kTrue) return Tri::kTrue;
  if (a == Tri::kNull || b == Tri::kNull) return Tri::kNull;
  return Tri::kFalse;
}

Tri Compare(const std::string& op, RValue a, RValue b, const Case& c) {
  if (a.null || b.null) return Tri::kNull;
  TypeId t = ComparisonType(a.type, b.type);
  a = Convert(a, t, c);
  b = Convert(b, t, c);
  if (a.null || b.null) return Tri::kNull;
  int r = Cmp3(a, b);
  bool out = op == "="    ? r == 0
             : op == "!=" ? r != 0
             : op == "<"  ? r < 0
             : op == "<=" ? r <= 0
             : op == ">"  ? r > 0
                          : r >= 0;
  return out ? Tri::kTrue : Tri::kFalse;
}

// Bytes of the UTF-8 code point starting at s[i] (1 for a stray byte).
size_t CodePointBytes(const std::string& s, size_t i) {
  unsigned char ch = static_cast<unsigned char>(s[i]);
  size_t n = ch < 0x80           ? 1
             : (ch >> 5) == 0x6  ? 2
             : (ch >> 4) == 0xE  ? 3
             : (ch >> 3) == 0x1E ? 4
                                 : 1;
  return std::min(n, s.size() - i);
}

// Unicode simple case mapping, code point by code point (utf8proc), as the
// language specifies; invalid bytes are kept.
std::string MapCaseRef(const std::string& in, bool lower) {
  std::string out;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(in.data());
  utf8proc_ssize_t n = static_cast<utf8proc_ssize_t>(in.size()), i = 0;
  while (i < n) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t len = utf8proc_iterate(p + i, n - i, &cp);
    if (len <= 0) {
      out.push_back(in[static_cast<size_t>(i++)]);
      continue;
    }
    utf8proc_uint8_t buf[4];
    utf8proc_ssize_t w =
        utf8proc_encode_char(lower ? utf8proc_tolower(cp) : utf8proc_toupper(cp), buf);
    out.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(w));
    i += len;
  }
  return out;
}

char AsciiLower(char ch) {
  return (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
}

// SQL LIKE: `%` any run of characters, `_` exactly one character (a UTF-8
// code point), `\` escapes the next pattern character (a trailing `\` is a
// literal backslash).  ILIKE folds ASCII letters only.  A dynamic program
// over (string position, pattern position): match[i][j] is true when
// s[i..] matches p[j..].
bool Like(const std::string& s0, const std::string& p0, bool ci) {
  const std::string s = ci ? MapCaseRef(s0, true) : s0;
  const std::string p = ci ? MapCaseRef(p0, true) : p0;
  struct Item {
    enum { kAny, kOne, kByte } kind;
    char byte;
  };
  std::vector<Item> items;
  for (size_t j = 0; j < p.size(); ++j) {
    if (p[j] == '%') {
      items.push_back({Item::kAny, 0});
    } else if (p[j] == '_') {
      items.push_back({Item::kOne, 0});
    } else if (p[j] == '\\' && j + 1 < p.size()) {
      items.push_back({Item::kByte, p[++j]});
    } else {
      items.push_back({Item::kByte, p[j]});
    }
  }
  const size_t n = s.size(), m = items.size();
  // Code-point boundaries: `%` and `_` consume whole code points.
  std::vector<std::vector<char>> match(n + 1, std::vector<char>(m + 1, 0));
  match[n][m] = 1;
  for (size_t j = m; j-- > 0;) match[n][j] = items[j].kind == Item::kAny && match[n][j + 1];
  for (size_t i = n; i-- > 0;) {
    const size_t step = CodePointBytes(s, i);
    for (size_t j = m; j-- > 0;) {
      const Item& it = items[j];
      bool r = false;
      if (it.kind == Item::kAny) {
        r = match[i][j + 1] || match[i + step][j];
      } else if (it.kind == Item::kOne) {
        r = match[i + step][j + 1];
      } else {
        char a = s[i], b = it.byte;
        if (ci) a = AsciiLower(a), b = AsciiLower(b);
        r = a == b && match[i + 1][j + 1];
      }
      match[i][j] = r;
    }
  }
  return match[0][0];
}

// Whole calendar months from `from` to `to`, truncated toward zero:
// for to >= from, the largest m >= 0 with from + m months <= to; for
// to < from, minus the largest k >= 0 with from - k months >= to.  The
// searches start from the difference of the year*12 + month numbers.
int64_t AddMonthsDays(int64_t days, int64_t months) {
  absl::CivilDay d = DayOf(days);
  absl::CivilMonth m = absl::CivilMonth(d) + months;
  absl::CivilDay first(m);  // Day 1 of the target month.
  absl::CivilDay next_first(m + 1);
  int64_t dim = next_first - first;
  return DaysOf(first) + std::min<int64_t>(d.day(), dim) - 1;
}

int64_t MonthsBetween(int64_t from, int64_t to) {
  absl::CivilDay a = DayOf(from), b = DayOf(to);
  int64_t m = (b.year() - a.year()) * 12 + (b.month() - a.month());
  if (to >= from) {
    if (m < 0) m = 0;
    while (m > 0 && AddMonthsDays(from, m) > to) --m;
    while (AddMonthsDays(from, m + 1) <= to) ++m;
    return m;
  }
  int64_t k = -m;
  if (k < 0) k = 0;
  while (k > 0 && AddMonthsDays(from, -k) < to) --k;
  while (AddMonthsDays(from, -(k + 1)) >= to) ++k;
  return -k;
}

// A month count that surely leaves the int32 day range (±5.8 million
// years) is an overflow without computing it.
constexpr int64_t kMonthsOutOfRange = int64_t{12} * 10000000;

RValue AddMonths(const RValue& d, const RValue& n) {
  if (d.null || n.null) return Null(TypeId::kDate);
  if (n.i > kMonthsOutOfRange || n.i < -kMonthsOutOfRange) return Null(TypeId::kDate);
  return DateDays(AddMonthsDays(d.i, n.i));
}

std::string TrimAscii(const std::string& s, bool leading = true, bool trailing = true) {
  auto space = [](char ch) {
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
  };
  size_t b = 0, e = s.size();
  while (leading && b < e && space(s[b])) ++b;
  while (trailing && e > b && space(s[e - 1])) --e;
  return s.substr(b, e - b);
}

}  // namespace

// ---------------------------------------------------------------------------
// The reference.

const TableSchema& SchemaOf(const Case& c, int table) {
  return table == 0 ? c.schema : c.related[table - 1].schema;
}
const std::vector<std::vector<RValue>>& RowsOf(const Case& c, int table) {
  return table == 0 ? c.rows : c.related[table - 1].rows;
}

namespace {

// Related records, the naive way.  Table k > 0 is a child of table k - 1:
// its column `via` holds a key of the parent (the parent's `key` column).

int KeyColumn(const Case& c, int table) {
  return SchemaOf(c, table).FindColumn(SchemaOf(c, table).key);
}

// SQL equality of a child's via value and a parent's key (same type; a NULL
// via matches nothing; -0.0 equals 0.0).
bool KeyMatches(const RValue& via, const RValue& key) {
  return !via.null && !key.null && Cmp3(via, key) == 0;
}

// The row of table - 1 whose key equals the via of `row` of `table`: a loop
// over every parent row.  -1 when the via is NULL or no parent has it (an orphan).
int64_t ParentRow(const Case& c, int table, int64_t row) {
  const RValue& via = RowsOf(c, table)[row][c.related[table - 1].via];
  const std::vector<std::vector<RValue>>& parents = RowsOf(c, table - 1);
  const int key = KeyColumn(c, table - 1);
  for (size_t p = 0; p < parents.size(); ++p) {
    if (KeyMatches(via, parents[p][key])) return static_cast<int64_t>(p);
  }
  return -1;
}

// The rows of descendant table `target` below `row` of `table`, in the
// target's row order: one level at a time, every row of the next table whose
// via equals the key of a row found at this level.
std::vector<int64_t> RowsBelow(const Case& c, int table, int64_t row, int target) {
  std::vector<int64_t> level = {row};
  for (int k = table + 1; k <= target; ++k) {
    const std::vector<std::vector<RValue>>& children = RowsOf(c, k);
    const std::vector<std::vector<RValue>>& parents = RowsOf(c, k - 1);
    const int via = c.related[k - 1].via, key = KeyColumn(c, k - 1);
    std::vector<int64_t> next;
    for (size_t r = 0; r < children.size(); ++r) {
      for (int64_t p : level) {
        if (KeyMatches(children[r][via], parents[p][key])) {
          next.push_back(static_cast<int64_t>(r));
          break;
        }
      }
    }
    level = std::move(next);
  }
  return level;
}

}  // namespace

RelatedTally& Tally() {
  static RelatedTally tally;
  return tally;
}

namespace {

// exists / count / sum / avg / min / max over the rows of e.table below `row`
// of `table` where the WHERE is TRUE (and, with a column, its value is not NULL).
RValue Aggregate(const Case& c, const Expr& e, int table, int64_t row) {
  const std::string& fn = e.op;
  int64_t n = 0;
  __int128 isum = 0;
  double fsum = 0;
  RValue best = Null(e.type);
  bool left_int64 = false;
  RelatedTally& tally = Tally();
  ++tally.aggregates;
  for (int64_t r : RowsBelow(c, table, row, e.table)) {
    if (e.has_where) {
      Tri keep = ToTri(EvaluateIn(c, *e.args[0], e.table, r));
      tally.where_null += keep == Tri::kNull;
      if (keep != Tri::kTrue) continue;
    }
    if (e.column < 0) {
      ++n;
      continue;
    }
    const RValue& v = RowsOf(c, e.table)[r][e.column];
    if (v.null) continue;  // NULLs are ignored.
    ++n;
    if (fn == "sum" || fn == "avg") {
      if (v.type == TypeId::kInt) {
        isum += v.i;
        left_int64 |= isum > kInt64Max || isum < kInt64Min;
      } else {
        fsum += v.f;  // In the child's row order.
      }
    } else if (fn == "min" || fn == "max") {
      if (best.null || (fn == "min" ? Cmp3(v, best) < 0 : Cmp3(v, best) > 0)) best = v;
    }
  }
  tally.empty += n == 0;
  tally.several += n >= 2;
  if (fn == "exists") return Bool(n > 0);
  if (fn == "count") return Int(n);
  if (n == 0) return Null(e.type);  // sum / avg / min / max of nothing.
  const bool int_values = SchemaOf(c, e.table).columns[e.column].type.id == TypeId::kInt;
  if (fn == "sum" && int_values) {
    const bool out = isum > kInt64Max || isum < kInt64Min;
    tally.sum_overflow += out;
    tally.sum_comes_back += left_int64 && !out;
  }
  if (fn == "sum") return int_values ? IntChecked(isum) : Float(fsum);  // An int sum is exact.
  if (fn == "avg")
    return Float((int_values ? static_cast<double>(isum) : fsum) / static_cast<double>(n));
  return best;
}

}  // namespace

RValue Evaluate(const Case& c, const Expr& e, int64_t row) { return EvaluateIn(c, e, 0, row); }

RValue EvaluateIn(const Case& c, const Expr& e, int table, int64_t row) {
  auto arg = [&](size_t k) { return EvaluateIn(c, *e.args[k], table, row); };
  switch (e.kind) {
    case ExprKind::kLiteral:
      return e.value;
    case ExprKind::kColumn:
      return RowsOf(c, table)[row][e.column];
    case ExprKind::kParentField: {
      int at = table;
      int64_t r = row;
      ++Tally().parent_fields;
      for (; at > e.table; --at) {
        r = ParentRow(c, at, r);
        if (r < 0) {
          ++Tally().parent_missing;
          return Null(e.type);  // No parent: NULL.
        }
      }
      return RowsOf(c, at)[r][e.column];
    }
    case ExprKind::kAggregate:
      return Aggregate(c, e, table, row);
    case ExprKind::kToday:
      return DateDays(DaysOf(c.as_of));
    case ExprKind::kNot:
      return FromTri(Not(ToTri(arg(0))));
    case ExprKind::kAnd: {
      Tri t = Tri::kTrue;
      for (size_t k = 0; k < e.args.size(); ++k) t = And(t, ToTri(arg(k)));
      return FromTri(t);
    }
    case ExprKind::kOr: {
      Tri t = Tri::kFalse;
      for (size_t k = 0; k < e.args.size(); ++k) t = Or(t, ToTri(arg(k)));
      return FromTri(t);
    }
    case ExprKind::kCompare:
      return FromTri(Compare(e.op, arg(0), arg(1), c));
    case ExprKind::kIsNull:
      return Bool(arg(0).null != e.negated);
    case ExprKind::kIn: {
      // SQL: TRUE when an item equals x; otherwise NULL when x or an item is NULL; else FALSE.
      // x and every item are compared in one type, the type of them all
      // (as in SQL and PostgreSQL): an int list with one float item compares
      // in float, so 9223372036854775807 IN (0.5, 9223372036854775806) is
      // TRUE (both ints round to 2^63), as the engine's binder unifies them.
      RValue x = Convert(arg(0), e.operand_type, c);
      Tri t = Tri::kFalse;
      for (size_t k = 1; k < e.args.size(); ++k)
        t = Or(t, Compare("=", x, Convert(arg(k), e.operand_type, c), c));
      return FromTri(e.negated ? Not(t) : t);
    }
    case ExprKind::kBetween: {
      RValue x = arg(0);
      Tri t = And(Compare(">=", x, arg(1), c), Compare("<=", x, arg(2), c));
      return FromTri(e.negated ? Not(t) : t);
    }
    case ExprKind::kLike: {
      RValue s = arg(0), p = arg(1);
      if (s.null || p.null) return Null(TypeId::kBool);
      bool m = Like(s.s, p.s, e.ci);
      return Bool(m != e.negated);
    }
    case ExprKind::kMatches: {
      RValue s = arg(0);
      if (s.null) return Null(TypeId::kBool);
      // The generator only uses patterns whose meaning is the same in RE2 and ECMAScript.
      bool m = std::regex_search(s.s, std::regex(e.text, std::regex::ECMAScript));
      return Bool(m != e.negated);
    }
    case ExprKind::kCase: {
      size_t pairs = (e.args.size() - (e.has_else ? 1 : 0)) / 2;
      for (size_t k = 0; k < pairs; ++k) {
        if (ToTri(arg(2 * k)) == Tri::kTrue) return Convert(arg(2 * k + 1), e.type, c);
      }
      return e.has_else ? Convert(arg(e.args.size() - 1), e.type, c) : Null(e.type);
    }
    case ExprKind::kNeg: {
      RValue x = arg(0);
      if (x.null) return Null(e.type);
      if (x.type == TypeId::kFloat) return Float(-x.f);
      return IntChecked(-static_cast<__int128>(x.i));
    }
    case ExprKind::kArith: {
      RValue a = arg(0), b = arg(1);
      if (a.null || b.null) return Null(e.type);
      const std::string& op = e.op;
      if (op == "/") {
        // `/` is float division; x / 0 is NULL.
        double y = AsDouble(b);
        if (y == 0) return Null(TypeId::kFloat);
        return Float(AsDouble(a) / y);
      }
      if (e.type == TypeId::kFloat) {
        double x = AsDouble(a), y = AsDouble(b);
        if (op == "+") return Float(x + y);
        if (op == "-") return Float(x - y);
        if (op == "*") return Float(x * y);
        if (y == 0) return Null(TypeId::kFloat);
        return Float(std::fmod(x, y));  // The dividend's sign.
      }
      __int128 x = a.i, y = b.i;
      if (op == "+") return IntChecked(x + y);
      if (op == "-") return IntChecked(x - y);
      if (op == "*") return IntChecked(x * y);
      if (y == 0) return Null(TypeId::kInt);
      return IntChecked(x % y);  // C++ (and SQL) remainder: the dividend's sign; exact in 128 bits.
    }
    case ExprKind::kDateAddDays: {
      RValue d = Convert(arg(0), TypeId::kDate, c), n = arg(1);
      if (d.null || n.null) return Null(TypeId::kDate);
      __int128 days =
          static_cast<__int128>(d.i) + (e.op == "-" ? -static_cast<__int128>(n.i) : n.i);
      if (e.op == "-" && n.i == kInt64Min) return Null(TypeId::kDate);  // -n overflows int.
      if (days > kInt64Max || days < kInt64Min) return Null(TypeId::kDate);
      return DateDays(static_cast<int64_t>(days));
    }
    case ExprKind::kDateDiff: {
      RValue a = Convert(arg(0), TypeId::kDate, c), b = Convert(arg(1), TypeId::kDate, c);
      if (a.null || b.null) return Null(TypeId::kInt);
      return Int(a.i - b.i);
    }
    case ExprKind::kDateInterval: {
      RValue d = Convert(arg(0), TypeId::kDate, c), n = arg(1);
      if (d.null || n.null) return Null(TypeId::kDate);
      const std::string& unit = e.text;
      int64_t mult = unit == "DAY"       ? 1
                     : unit == "WEEK"    ? 7
                     : unit == "MONTH"   ? 1
                     : unit == "QUARTER" ? 3
                                         : 12;
      bool days = unit == "DAY" || unit == "WEEK";
      // n * unit, then negated for `-`: each step overflows to NULL like int arithmetic.
      RValue amount = IntChecked(static_cast<__int128>(n.i) * mult);
      if (amount.null) return Null(TypeId::kDate);
      if (e.op == "-") amount = IntChecked(-static_cast<__int128>(amount.i));
      if (amount.null) return Null(TypeId::kDate);
      if (days) {
        __int128 r = static_cast<__int128>(d.i) + amount.i;
        if (r > kInt64Max || r < kInt64Min) return Null(TypeId::kDate);
        return DateDays(static_cast<int64_t>(r));
      }
      return AddMonths(d, amount);
    }
    case ExprKind::kTsToDate:
      return Convert(arg(0), TypeId::kDate, c);
    case ExprKind::kCall:
      break;
  }
  // Functions.
  const std::string& fn = e.op;
  if (fn == "coalesce") {
    for (size_t k = 0; k < e.args.size(); ++k) {
      RValue v = arg(k);
      if (!v.null) return Convert(v, e.type, c);
    }
    return Null(e.type);
  }
  if (fn == "least" || fn == "greatest") {
    // NULLs are ignored; all NULL gives NULL.
    RValue best = Null(e.type);
    for (size_t k = 0; k < e.args.size(); ++k) {
      RValue v = Convert(arg(k), e.type, c);
      if (v.null) continue;
      if (best.null || (fn == "least" ? Cmp3(v, best) < 0 : Cmp3(v, best) > 0)) best = v;
    }
    return best;
  }
  if (fn == "nullif") {
    RValue a = Convert(arg(0), e.type, c), b = Convert(arg(1), e.type, c);
    if (a.null) return a;
    if (!b.null && Cmp3(a, b) == 0) return Null(e.type);
    return a;
  }
  std::vector<RValue> a;
  for (size_t k = 0; k < e.args.size(); ++k) a.push_back(arg(k));
  for (const RValue& v : a) {
    if (v.null) return Null(e.type);  // Every other function is strict.
  }
  const int64_t today = DaysOf(c.as_of);
  auto date_arg = [&](size_t k) { return Convert(a[k], TypeId::kDate, c); };
  if (fn == "days_since" || fn == "days_until" || fn == "months_since" || fn == "year" ||
      fn == "month" || fn == "day" || fn == "quarter" || fn == "day_of_week" || fn == "date") {
    RValue d = date_arg(0);
    if (d.null) return Null(e.type);
    absl::CivilDay cd = DayOf(d.i);
    if (fn == "days_since") return Int(today - d.i);
    if (fn == "days_until") return Int(d.i - today);
    if (fn == "months_since") return Int(MonthsBetween(d.i, today));
    if (fn == "year") return Int(cd.year());
    if (fn == "month") return Int(cd.month());
    if (fn == "day") return Int(cd.day());
    if (fn == "quarter") return Int((cd.month() - 1) / 3 + 1);
    if (fn == "date") return d;
    // ISO: Monday = 1 … Sunday = 7.
    switch (absl::GetWeekday(cd)) {
      case absl::Weekday::monday:
        return Int(1);
      case absl::Weekday::tuesday:
        return Int(2);
      case absl::Weekday::wednesday:
        return Int(3);
      case absl::Weekday::thursday:
        return Int(4);
      case absl::Weekday::friday:
        return Int(5);
      case absl::Weekday::saturday:
        return Int(6);
      case absl::Weekday::sunday:
        return Int(7);
    }
  }
  if (fn == "add_days") {
    RValue d = date_arg(0);
    if (d.null) return d;
    __int128 r = static_cast<__int128>(d.i) + a[1].i;
    if (r > kInt64Max || r < kInt64Min) return Null(TypeId::kDate);
    return DateDays(static_cast<int64_t>(r));
  }
  if (fn == "add_months") return AddMonths(date_arg(0), a[1]);
  if (fn == "date_trunc") {
    RValue d = date_arg(1);
    if (d.null) return d;
    absl::CivilDay cd = DayOf(d.i);
    const std::string& unit = a[0].s;
    if (unit == "week") return DateDays(DaysOf(absl::PrevWeekday(cd + 1, absl::Weekday::monday)));
    if (unit == "month") return DateDays(DaysOf(absl::CivilDay(absl::CivilMonth(cd))));
    if (unit == "quarter")
      return DateDays(DaysOf(absl::CivilDay(cd.year(), (cd.month() - 1) / 3 * 3 + 1, 1)));
    return DateDays(DaysOf(absl::CivilDay(absl::CivilYear(cd))));
  }
  if (fn == "next_anniversary") {
    // The first date >= today that is d plus a positive multiple of `months`;
    // a non-positive period has no anniversary: NULL.
    RValue d = date_arg(0);
    if (d.null) return d;
    int64_t months = a[1].i;
    if (months <= 0) return Null(TypeId::kDate);
    // Even the first anniversary leaves the int32 day range (and absl's month
    // arithmetic must not overflow): NULL.
    if (months > kMonthsOutOfRange) return Null(TypeId::kDate);
    int64_t k = 1;
    if (today > d.i) k = std::max<int64_t>(1, MonthsBetween(d.i, today) / months - 1);
    while (k > 1 && AddMonthsDays(d.i, (k - 1) * months) >= today) --k;
    while (AddMonthsDays(d.i, k * months) < today) ++k;
    return DateDays(AddMonthsDays(d.i, k * months));
  }
  if (fn == "lower" || fn == "upper") {
    std::string s = a[0].s;
    s = MapCaseRef(s, fn == "lower");
    return Str(s);
  }
  if (fn == "trim") return Str(TrimAscii(a[0].s));
  if (fn == "ltrim") return Str(TrimAscii(a[0].s, true, false));
  if (fn == "rtrim") return Str(TrimAscii(a[0].s, false, true));
  if (fn == "length") {
    int64_t n = 0;
    for (size_t i = 0; i < a[0].s.size(); i += CodePointBytes(a[0].s, i)) ++n;
    return Int(n);
  }
  if (fn == "contains") return Bool(a[0].s.find(a[1].s) != std::string::npos);
  if (fn == "starts_with")
    return Bool(a[0].s.compare(0, a[1].s.size(), a[1].s) == 0 && a[0].s.size() >= a[1].s.size());
  if (fn == "ends_with") {
    return Bool(a[0].s.size() >= a[1].s.size() &&
                a[0].s.compare(a[0].s.size() - a[1].s.size(), a[1].s.size(), a[1].s) == 0);
  }
  if (fn == "abs") {
    if (a[0].type == TypeId::kFloat) return Float(std::fabs(a[0].f));
    return IntChecked(a[0].i < 0 ? -static_cast<__int128>(a[0].i) : a[0].i);
  }
  if (fn == "floor") return a[0].type == TypeId::kFloat ? Float(std::floor(a[0].f)) : a[0];
  if (fn == "ceil") return a[0].type == TypeId::kFloat ? Float(std::ceil(a[0].f)) : a[0];
  if (fn == "round") {
    // Half away from zero.
    if (a.size() == 1) return a[0].type == TypeId::kFloat ? Float(std::round(a[0].f)) : a[0];
    int64_t digits = a[1].i;
    if (a[0].type == TypeId::kFloat) {
      double scale = std::pow(10.0, static_cast<double>(digits));
      return Float(std::round(a[0].f * scale) / scale);
    }
    if (digits >= 0) return a[0];
    if (digits < -18) return Int(0);
    __int128 p = 1;
    for (int64_t k = 0; k < -digits; ++k) p *= 10;
    __int128 x = a[0].i, q = x / p, r = x % p;
    if (2 * (r < 0 ? -r : r) >= p) q += x < 0 ? -1 : 1;
    return IntChecked(q * p);
  }
  return Null(e.type);
}

Tri EvaluateRow(const Case& c, const Expr& e, int64_t row) { return ToTri(Evaluate(c, e, row)); }
Tri EvaluateRowIn(const Case& c, const Expr& e, int table, int64_t row) {
  return ToTri(EvaluateIn(c, e, table, row));
}

// ---------------------------------------------------------------------------
// Printing.

namespace {

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char ch : s) {
    if (ch == '\'') out += '\'';
    out += ch;
  }
  return out + "'";
}

// A column name, quoted when it is not a plain identifier.
std::string Name(const std::string& name) {
  return name.find(' ') != std::string::npos ? "\"" + name + "\"" : name;
}

std::string DateText(int64_t days) {
  absl::CivilDay d = DayOf(days);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d", static_cast<long long>(d.year()), d.month(),
                d.day());
  return buf;
}

std::string FloatText(double f) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", f);
  std::string s = buf;
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  if (s.find("e") != std::string::npos && s.find('.') == std::string::npos) {
    s.insert(s.find('e'), ".0");
  }
  // The lexer reads 1e+20 as 1e20.
  size_t plus = s.find("e+");
  if (plus != std::string::npos) s.erase(plus + 1, 1);
  return s;
}

std::string LiteralText(const RValue& v, bool date_as_string, bool ts_has_zone, const Case& c) {
  switch (v.type) {
    case TypeId::kBool:
      return v.b ? "TRUE" : "FALSE";
    case TypeId::kInt:
      // -9223372036854775808 cannot be written as a literal today (the lexer
      // refuses 9223372036854775808 before the minus is applied; reported).
      if (v.i == kInt64Min) return "(-9223372036854775807 - 1)";
      return v.i < 0 ? "(" + std::to_string(v.i) + ")" : std::to_string(v.i);
    case TypeId::kFloat: {
      std::string t = FloatText(v.f);
      return std::signbit(v.f) ? "(" + t + ")" : t;
    }
    case TypeId::kString:
      return Quote(v.s);
    case TypeId::kDate:
      return date_as_string ? Quote(DateText(v.i)) : "DATE " + Quote(DateText(v.i));
    case TypeId::kTimestamp: {
      if (ts_has_zone) {
        absl::CivilSecond cs = absl::ToCivilSecond(absl::FromUnixMicros(v.i), absl::UTCTimeZone());
        return "TIMESTAMP '" + DateText(DaysOf(absl::CivilDay(cs))) +
               absl::FormatCivilTime(cs).substr(absl::FormatCivilTime(cs).find('T')) + "Z'";
      }
      absl::CivilSecond cs = absl::ToCivilSecond(absl::FromUnixMicros(v.i), c.time_zone);
      std::string t = absl::FormatCivilTime(cs);
      return "TIMESTAMP '" + DateText(DaysOf(absl::CivilDay(cs))) + " " +
             t.substr(t.find('T') + 1) + "'";
    }
  }
  return "NULL";
}

}  // namespace

std::string Print(const Expr& e, const Case& c) {
  auto p = [&](size_t k) { return Print(*e.args[k], c); };
  auto join = [&](size_t from) {
    std::string out;
    for (size_t k = from; k < e.args.size(); ++k) out += (k > from ? ", " : "") + p(k);
    return out;
  };
  const std::string neg = e.negated ? "NOT " : "";
  switch (e.kind) {
    case ExprKind::kLiteral: {
      if (e.value.null) {
        if (e.bare_null) return "NULL";
        // A typed NULL: nullif(x, x) has x's type.
        RValue v = e.value;
        v.null = false;
        if (v.type == TypeId::kString) v.s = "n";
        if (v.type == TypeId::kDate) v.i = 0;
        std::string lit = LiteralText(v, false, true, c);
        return "nullif(" + lit + ", " + lit + ")";
      }
      return LiteralText(e.value, e.date_as_string, e.op == "Z", c);
    }
    case ExprKind::kColumn:
      return Name(SchemaOf(c, e.table).columns[e.column].name);
    case ExprKind::kParentField: {
      // One `as` name per step up: parent.f1 from c, ch.qty and ch.parent.f1 from g.
      std::string path;
      for (int k = e.from; k > e.table; --k) path += SchemaOf(c, k).parent->as + ".";
      return path + Name(SchemaOf(c, e.table).columns[e.column].name);
    }
    case ExprKind::kAggregate: {
      const TableSchema& ts = SchemaOf(c, e.table);
      std::string out = e.op + "(" + ts.name;
      if (e.column >= 0) out += "." + Name(ts.columns[e.column].name);
      if (e.has_where) out += " WHERE " + p(0);
      return out + ")";
    }
    case ExprKind::kToday:
      return e.op.empty() ? "today" : e.op;
    case ExprKind::kNot:
      return "(NOT " + p(0) + ")";
    case ExprKind::kAnd:
    case ExprKind::kOr: {
      std::string out = "(";
      for (size_t k = 0; k < e.args.size(); ++k) {
        if (k > 0) out += e.kind == ExprKind::kAnd ? " AND " : " OR ";
        out += p(k);
      }
      return out + ")";
    }
    case ExprKind::kCompare:
      return "(" + p(0) + " " + (e.text.empty() ? e.op : e.text) + " " + p(1) + ")";
    case ExprKind::kIsNull:
      return "(" + p(0) + (e.negated ? " IS NOT NULL)" : " IS NULL)");
    case ExprKind::kIn:
      return "(" + p(0) + " " + neg + "IN (" + join(1) + "))";
    case ExprKind::kBetween:
      return "(" + p(0) + " " + neg + "BETWEEN " + p(1) + " AND " + p(2) + ")";
    case ExprKind::kLike:
      return "(" + p(0) + " " + neg + (e.ci ? "ILIKE " : "LIKE ") + p(1) + ")";
    case ExprKind::kMatches:
      return "(" + p(0) + " " + neg + "MATCHES " + Quote(e.text) + ")";
    case ExprKind::kCase: {
      std::string out = "(CASE";
      size_t pairs = (e.args.size() - (e.has_else ? 1 : 0)) / 2;
      for (size_t k = 0; k < pairs; ++k) out += " WHEN " + p(2 * k) + " THEN " + p(2 * k + 1);
      if (e.has_else) out += " ELSE " + p(e.args.size() - 1);
      return out + " END)";
    }
    case ExprKind::kNeg:
      return "(-" + p(0) + ")";
    case ExprKind::kArith:
      return "(" + p(0) + " " + e.op + " " + p(1) + ")";
    case ExprKind::kDateAddDays:
      if (e.text == "add_days") return "add_days(" + p(0) + ", " + p(1) + ")";
      if (e.text == "swap") return "(" + p(1) + " + " + p(0) + ")";
      return "(" + p(0) + " " + e.op + " " + p(1) + ")";
    case ExprKind::kDateDiff:
      return "(" + p(0) + " - " + p(1) + ")";
    case ExprKind::kDateInterval:
      return "(" + p(0) + " " + e.op + " INTERVAL " + p(1) + " " + e.text + ")";
    case ExprKind::kTsToDate:
      return e.implicit ? p(0) : "date(" + p(0) + ")";
    case ExprKind::kCall:
      return e.op + "(" + join(0) + ")";
  }
  return "NULL";
}

// ---------------------------------------------------------------------------
// The generator.

namespace {

constexpr int64_t kInts[] = {0,
                             1,
                             -1,
                             2,
                             -2,
                             3,
                             5,
                             7,
                             -7,
                             10,
                             12,
                             31,
                             90,
                             100,
                             -100,
                             1000,
                             kInt64Max,
                             kInt64Min,
                             kInt64Max - 1,
                             int64_t{1} << 32,
                             -(int64_t{1} << 40),
                             int64_t{1} << 62,
                             3037000500,
                             -3037000500};
const char* const kStrings[] = {
    "",    "a",   "A",      "ab",    "abc",         "Abc",         "ABC",
    "red", "Red", "yellow", " pad ", "\tx\n",       "x%y",         "a_b",
    "b",   "zz",  "it's",   "a\\b",  "caf\xc3\xa9", "CAF\xc3\x89", "\xe2\x82\xac"};
const char* const kPatterns[] = {"%",     "a%",        "%b",  "%a%", "a_c", "_",    "__",
                                 "%\\%%", "a\\_b",     "",    "A%",  "%C",  "r_d",  "%_%",
                                 "caf_",  "%\xc3\xa9", "x%y", "%%",  "_%_", "ab%c%"};
// Patterns whose meaning is the same in RE2 (UTF-8) and ECMAScript on bytes.
const char* const kRegexes[] = {"^a",    "b$",     "ab",        "^$",    "[xy]",
                                "(ab)+", "^[A-Z]", "e(d|llow)", "[0-9]", "a|z"};
const int kAsOfs[][3] = {
    {2026, 11, 22}, {2024, 2, 29}, {2025, 1, 31}, {2026, 12, 31}, {2027, 3, 31}};
const int kFixedDays[][3] = {{2024, 1, 31},  {2024, 2, 29},  {2025, 2, 28}, {2026, 3, 31},
                             {2026, 12, 31}, {2026, 11, 30}, {2000, 2, 29}, {1970, 1, 1},
                             {1, 1, 1},      {9999, 12, 31}, {2026, 5, 31}, {1969, 12, 31},
                             {2100, 2, 28}};
const int kDayOffsets[] = {0,   1,   -1, 2,  -2, 6,   7,   -7,  29,  30,   31,
                           -30, -31, 89, 90, 91, -90, -91, 120, 365, -365, 400};
const char* const kZones[] = {"UTC", "America/New_York", "Asia/Kolkata", "Pacific/Kiritimati",
                              "America/Los_Angeles"};

enum Col { kB1, kB2, kI1, kI2, kI3, kF1, kF2, kS1, kS2, kD1, kD2, kTs1, kRenewal, kNumCols };

class Generator {
 public:
  Generator(ByteSource& bytes, Case& c) : in_(bytes), c_(c) {}

  std::unique_ptr<Expr> Gen(TypeId t, int depth) {
    if (depth <= 0 || in_.Chance(25)) return Leaf(t);
    switch (t) {
      case TypeId::kBool:
        return GenBool(depth);
      case TypeId::kInt:
        return GenInt(depth);
      case TypeId::kFloat:
        return GenFloat(depth);
      case TypeId::kString:
        return GenString(depth);
      case TypeId::kDate:
        return GenDate(depth);
      case TypeId::kTimestamp:
        return GenTimestamp(depth);
    }
    return Leaf(t);
  }

  RValue RandomValue(TypeId t) {
    switch (t) {
      case TypeId::kBool:
        return Bool(in_.Chance(50));
      case TypeId::kInt: {
        int k = in_.Below(100);
        if (k < 70) return Int(kInts[in_.Below(16)]);
        if (k < 85) return Int(kInts[in_.Below(std::size(kInts))]);
        return Int(static_cast<int64_t>(in_.Below(2001)) - 1000);
      }
      case TypeId::kFloat: {
        int k = in_.Below(100);
        if (k < 80) return Float((in_.Below(801) - 400) * 0.25);
        if (k < 85) return Float(0.1);
        if (k < 90) return Float(-0.0);
        if (k < 95) return Float(1e15);
        return Float(static_cast<double>(kInts[in_.Below(16)]));
      }
      case TypeId::kString:
        return Str(kStrings[in_.Below(std::size(kStrings))]);
      case TypeId::kDate:
        return DateDays(RandomDay(/*narrow=*/false));
      case TypeId::kTimestamp: {
        static constexpr int64_t kSeconds[] = {0, 1, 5 * 3600, 12 * 3600, 86399, 3 * 3600 + 1800};
        return TsMicros(RandomDay(/*narrow=*/true) * kMicrosPerDay +
                        kSeconds[in_.Below(6)] * 1000000);
      }
    }
    return Null(t);
  }

 private:
  int64_t RandomDay(bool narrow) {
    int64_t today = DaysOf(c_.as_of);
    if (in_.Chance(60)) return today + kDayOffsets[in_.Below(std::size(kDayOffsets))];
    const int* d = kFixedDays[in_.Below(narrow ? 8 : std::size(kFixedDays))];
    if (narrow && d[0] < 1900) return today;
    return DaysOf(absl::CivilDay(d[0], d[1], d[2]));
  }

  std::unique_ptr<Expr> Make(ExprKind k, TypeId t) {
    auto e = std::make_unique<Expr>();
    e->kind = k;
    e->type = t;
    return e;
  }

  std::unique_ptr<Expr> Literal(RValue v) {
    auto e = Make(ExprKind::kLiteral, v.type);
    if (v.type == TypeId::kTimestamp && in_.Chance(50)) {
      e->op = "Z";  // Written with Z: an absolute instant.
    } else if (v.type == TypeId::kTimestamp) {
      // Written without a zone: a civil time in the evaluation time zone, at noon
      // (never inside a daylight-saving gap or overlap).
      absl::CivilDay day = absl::ToCivilDay(absl::FromUnixMicros(v.i), absl::UTCTimeZone());
      v.i = absl::ToUnixMicros(absl::FromCivil(
          absl::CivilSecond(day.year(), day.month(), day.day(), 12, 0, 0), c_.time_zone));
    }
    e->value = std::move(v);
    return e;
  }

  std::unique_ptr<Expr> NullLiteral(TypeId t, bool bare) {
    auto e = Make(ExprKind::kLiteral, t);
    e->value = Null(t);
    e->bare_null = bare;
    if (t == TypeId::kTimestamp) e->op = "Z";
    return e;
  }

  std::unique_ptr<Expr> Column(int col) {
    auto e = Make(ExprKind::kColumn, SchemaOf(c_, ctx_).columns[col].type.id);
    e->column = col;
    e->table = ctx_;
    return e;
  }

  // The columns of table `table` of type `t`.
  std::vector<int> ColumnsOfType(int table, TypeId t) const {
    std::vector<int> out;
    const TableSchema& ts = SchemaOf(c_, table);
    for (size_t k = 0; k < ts.columns.size(); ++k) {
      if (ts.columns[k].type.id == t) out.push_back(static_cast<int>(k));
    }
    return out;
  }

  int Pick(const std::vector<int>& v) {
    return v.empty() ? -1 : v[in_.Below(static_cast<int>(v.size()))];
  }

  // In a case with related tables: sometimes an aggregate over a table below
  // the current one, sometimes a field of a table above it; nullptr otherwise.
  std::unique_ptr<Expr> RelatedLeaf(TypeId t) {
    const int levels = static_cast<int>(c_.related.size());
    int k = in_.Below(100);
    if (ctx_ < levels && k < (ctx_ == 0 ? 32 : 24)) return GenAggregate(t);
    if (ctx_ > 0 && k >= 68) return GenParentField(t);
    return nullptr;
  }

  // exists / count / sum / avg / min / max over a child (or grandchild) of
  // the current table, with a WHERE written in that table.
  std::unique_ptr<Expr> GenAggregate(TypeId t) {
    const int levels = static_cast<int>(c_.related.size());
    int target = ctx_ + 1;
    if (target < levels && in_.Chance(30)) ++target;  // g straight from t.
    std::string fn;
    int col = -1;
    switch (t) {
      case TypeId::kBool:
        fn = "exists";
        break;
      case TypeId::kInt: {
        int w = in_.Below(5);
        if (w <= 1) {
          fn = "count";
          if (w == 1)
            col = in_.Below(static_cast<int>(
                SchemaOf(c_, target).columns.size()));  // count(c.col): non-NULL values.
        } else {
          fn = w == 2 ? "sum" : w == 3 ? "min" : "max";
          col = Pick(ColumnsOfType(target, TypeId::kInt));
        }
        break;
      }
      case TypeId::kFloat: {
        int w = in_.Below(4);
        fn = w == 0 ? "sum" : w == 1 ? "avg" : w == 2 ? "min" : "max";
        col = Pick(ColumnsOfType(target, TypeId::kFloat));
        if (fn == "avg" && in_.Chance(40))
          col = Pick(ColumnsOfType(target, TypeId::kInt));  // avg of ints is float.
        break;
      }
      case TypeId::kDate:
      case TypeId::kTimestamp:
        fn = in_.Chance(50) ? "min" : "max";
        col = Pick(ColumnsOfType(target, t));
        break;
      case TypeId::kString:
        return nullptr;
    }
    if (fn != "exists" && fn != "count" && col < 0) return nullptr;
    auto e = Make(ExprKind::kAggregate, t);
    e->op = fn;
    e->from = ctx_;
    e->table = target;
    e->column = col;
    e->has_where = in_.Chance(fn == "exists" ? 85 : 60);
    if (e->has_where) {
      const int saved = ctx_;
      ctx_ = target;
      e->args.push_back(Gen(TypeId::kBool, 1 + in_.Below(3)));
      ctx_ = saved;
    }
    return e;
  }

  // parent.col from c, ch.col or ch.parent.col from g.
  std::unique_ptr<Expr> GenParentField(TypeId t) {
    int target = ctx_ - 1;
    if (target > 0 && in_.Chance(50)) --target;
    int col = Pick(ColumnsOfType(target, t));
    if (col < 0 && target > 0) {
      target = 0;
      col = Pick(ColumnsOfType(target, t));
    }
    if (col < 0) return nullptr;
    auto e = Make(ExprKind::kParentField, t);
    e->from = ctx_;
    e->table = target;
    e->column = col;
    return e;
  }

  std::unique_ptr<Expr> Leaf(TypeId t, bool bare_null_ok = false) {
    if (!c_.related.empty()) {
      if (std::unique_ptr<Expr> e = RelatedLeaf(t)) return e;
    }
    int k = in_.Below(100);
    if (k < 8) return NullLiteral(t, bare_null_ok && in_.Chance(70));
    if (k < 55 && ctx_ != 0) {
      // A column of c or g (none of some types: then a literal).
      int col = Pick(ColumnsOfType(ctx_, t));
      if (col >= 0) return Column(col);
    } else if (k < 55) {
      switch (t) {
        case TypeId::kBool:
          return Column(in_.Chance(50) ? kB1 : kB2);
        case TypeId::kInt:
          return Column(kI1 + in_.Below(3));
        case TypeId::kFloat:
          return Column(in_.Chance(50) ? kF1 : kF2);
        case TypeId::kString:
          return Column(in_.Chance(50) ? kS1 : kS2);
        case TypeId::kDate: {
          int w = in_.Below(4);
          return Column(w == 0 ? kD1 : w == 1 ? kD2 : w == 2 ? kRenewal : kD1);
        }
        case TypeId::kTimestamp:
          return Column(kTs1);
      }
    }
    if (t == TypeId::kDate && k < 65) {
      auto e = Make(ExprKind::kToday, TypeId::kDate);
      if (in_.Chance(20)) e->op = "TODAY";
      return e;
    }
    return Literal(RandomValue(t));
  }

  // An operand that may be bare NULL (the other side fixes its type).
  std::unique_ptr<Expr> Operand(TypeId t, int depth, bool bare_null_ok) {
    if (bare_null_ok && in_.Chance(6)) return NullLiteral(t, true);
    return Gen(t, depth);
  }

  // A date operand in a context that converts a timestamp implicitly.
  std::unique_ptr<Expr> DateOperand(int depth) {
    if (in_.Chance(15)) {
      auto e = Make(ExprKind::kTsToDate, TypeId::kDate);
      e->implicit = in_.Chance(60);
      e->args.push_back(Gen(TypeId::kTimestamp, depth));
      return e;
    }
    return Gen(TypeId::kDate, depth);
  }

  TypeId AnyType() {
    static constexpr TypeId kTypes[] = {TypeId::kInt,  TypeId::kFloat, TypeId::kString,
                                        TypeId::kDate, TypeId::kBool,  TypeId::kTimestamp,
                                        TypeId::kInt,  TypeId::kDate};
    return kTypes[in_.Below(std::size(kTypes))];
  }

  // A pair of operands compared in `*type`.
  void ComparedPair(int depth, std::unique_ptr<Expr>* a, std::unique_ptr<Expr>* b, TypeId* type,
                    bool bare_b) {
    TypeId t = AnyType();
    *type = t;
    if (t == TypeId::kInt || t == TypeId::kFloat) {
      TypeId ta = in_.Chance(50) ? TypeId::kInt : TypeId::kFloat;
      TypeId tb = in_.Chance(50) ? TypeId::kInt : TypeId::kFloat;
      *a = Gen(ta, depth);
      *b = Operand(tb, depth, bare_b);
      *type = CommonNumeric(ta, tb);
      return;
    }
    if (t == TypeId::kDate) {
      *a = DateOperand(depth);
      if (in_.Chance(20)) {
        auto lit = Literal(RandomValue(TypeId::kDate));
        lit->date_as_string = true;
        *b = std::move(lit);
        // A timestamp met by a string literal compares as a timestamp (the
        // string is parsed as one), so make the date conversion explicit.
        if ((*a)->kind == ExprKind::kTsToDate) (*a)->implicit = false;
      } else {
        *b = Operand(TypeId::kDate, depth, bare_b);
      }
      return;
    }
    *a = Gen(t, depth);
    *b = Operand(t, depth, bare_b);
  }

  std::unique_ptr<Expr> GenBool(int depth) {
    int k = in_.Below(20);
    switch (k) {
      case 0: {
        auto e = Make(ExprKind::kNot, TypeId::kBool);
        e->args.push_back(Operand(TypeId::kBool, depth - 1, true));
        return e;
      }
      case 1:
      case 2: {
        auto e = Make(k == 1 ? ExprKind::kAnd : ExprKind::kOr, TypeId::kBool);
        int n = 2 + in_.Below(3);
        for (int i = 0; i < n; ++i) e->args.push_back(Operand(TypeId::kBool, depth - 1, true));
        return e;
      }
      case 3:
      case 4:
      case 5: {
        static const char* kOps[] = {"=", "!=", "<", "<=", ">", ">=", "==", "<>"};
        auto e = Make(ExprKind::kCompare, TypeId::kBool);
        std::string op = kOps[in_.Below(8)];
        e->op = op == "==" ? "=" : op == "<>" ? "!=" : op;
        std::unique_ptr<Expr> a, b;
        ComparedPair(depth - 1, &a, &b, &e->operand_type, true);
        e->args.push_back(std::move(a));
        e->args.push_back(std::move(b));
        if (op != e->op) e->text = op;  // Printed spelling (same meaning).
        return e;
      }
      case 6: {
        auto e = Make(ExprKind::kIsNull, TypeId::kBool);
        e->negated = in_.Chance(50);
        e->args.push_back(Operand(AnyType(), depth - 1, true));
        return e;
      }
      case 7:
      case 8: {
        auto e = Make(ExprKind::kIn, TypeId::kBool);
        e->negated = in_.Chance(40);
        std::unique_ptr<Expr> a, b;
        ComparedPair(depth - 1, &a, &b, &e->operand_type, true);
        TypeId item = e->operand_type == TypeId::kFloat ? TypeId::kFloat : b->type;
        e->args.push_back(std::move(a));
        e->args.push_back(std::move(b));
        int n = in_.Below(4);
        for (int i = 0; i < n; ++i) {
          if (item == TypeId::kFloat && in_.Chance(50)) {
            e->args.push_back(Operand(TypeId::kInt, depth - 2, true));
          } else {
            e->args.push_back(in_.Chance(70) ? Leaf(item, true) : Operand(item, depth - 2, true));
          }
        }
        return e;
      }
      case 9: {
        auto e = Make(ExprKind::kBetween, TypeId::kBool);
        e->negated = in_.Chance(40);
        std::unique_ptr<Expr> a, b;
        ComparedPair(depth - 1, &a, &b, &e->operand_type, true);
        TypeId hi = b->type == TypeId::kTimestamp && e->operand_type == TypeId::kDate
                        ? TypeId::kDate
                        : b->type;
        if (b->kind == ExprKind::kLiteral && b->date_as_string) hi = TypeId::kDate;
        e->args.push_back(std::move(a));
        e->args.push_back(std::move(b));
        e->args.push_back(Operand(
            hi == TypeId::kTimestamp && e->operand_type == TypeId::kDate ? TypeId::kDate : hi,
            depth - 1, true));
        return e;
      }
      case 10:
      case 11: {
        auto e = Make(ExprKind::kLike, TypeId::kBool);
        e->negated = in_.Chance(30);
        e->ci = in_.Chance(40);
        e->args.push_back(Gen(TypeId::kString, depth - 1));
        if (in_.Chance(85)) {
          e->args.push_back(Literal(Str(kPatterns[in_.Below(std::size(kPatterns))])));
        } else {
          e->args.push_back(Gen(TypeId::kString, depth - 1));
        }
        return e;
      }
      case 12: {
        auto e = Make(ExprKind::kMatches, TypeId::kBool);
        e->negated = in_.Chance(30);
        e->args.push_back(Gen(TypeId::kString, depth - 1));
        e->text = kRegexes[in_.Below(std::size(kRegexes))];
        return e;
      }
      case 13: {
        static const char* kFns[] = {"contains", "starts_with", "ends_with"};
        return Call(kFns[in_.Below(3)], TypeId::kBool, {TypeId::kString, TypeId::kString}, depth);
      }
      case 14:
        return GenCase(TypeId::kBool, depth);
      case 15:
        return GenCoalesce(TypeId::kBool, depth);
      case 16:
        return Call("nullif", TypeId::kBool, {TypeId::kBool, TypeId::kBool}, depth);
      default: {
        // Comparisons are the bread and butter of rules: weight them.
        auto e = Make(ExprKind::kCompare, TypeId::kBool);
        static const char* kOps[] = {"=", "!=", "<", "<=", ">", ">="};
        e->op = kOps[in_.Below(6)];
        std::unique_ptr<Expr> a, b;
        ComparedPair(depth - 1, &a, &b, &e->operand_type, true);
        e->args.push_back(std::move(a));
        e->args.push_back(std::move(b));
        return e;
      }
    }
  }

  std::unique_ptr<Expr> Call(const char* name, TypeId result, std::vector<TypeId> args, int depth) {
    auto e = Make(ExprKind::kCall, result);
    e->op = name;
    for (TypeId t : args)
      e->args.push_back(t == TypeId::kDate ? DateOperand(depth - 1) : Gen(t, depth - 1));
    return e;
  }

  std::unique_ptr<Expr> GenCase(TypeId t, int depth) {
    auto e = Make(ExprKind::kCase, t);
    int n = 1 + in_.Below(3);
    for (int i = 0; i < n; ++i) {
      e->args.push_back(Operand(TypeId::kBool, depth - 1, true));
      e->args.push_back(Gen(ValueTypeFor(t), depth - 1));
    }
    e->has_else = in_.Chance(60);
    if (e->has_else) e->args.push_back(Gen(ValueTypeFor(t), depth - 1));
    // A CASE must have a typed branch: the first THEN fixes the type when all else are NULL.
    FixFirstTyped(e.get(), t);
    return e;
  }

  // A float slot may hold an int expression (promoted).
  TypeId ValueTypeFor(TypeId t) {
    if (t == TypeId::kFloat && in_.Chance(30)) return TypeId::kInt;
    return t;
  }

  // Makes sure that a float CASE / coalesce has at least one float branch, so
  // that its type really is float.
  void FixFirstTyped(Expr* e, TypeId t) {
    if (t != TypeId::kFloat) return;
    for (size_t k = 0; k < e->args.size(); ++k) {
      bool is_value = e->kind == ExprKind::kCase
                          ? (k % 2 == 1 || (e->has_else && k + 1 == e->args.size()))
                          : true;
      if (is_value && e->args[k]->type == TypeId::kFloat) return;
    }
    size_t k = e->kind == ExprKind::kCase ? 1 : 0;
    e->args[k] = Gen(TypeId::kFloat, 1);
  }

  std::unique_ptr<Expr> GenCoalesce(TypeId t, int depth) {
    auto e = Make(ExprKind::kCall, t);
    e->op = "coalesce";
    int n = 1 + in_.Below(3);
    for (int i = 0; i < n; ++i) e->args.push_back(Gen(ValueTypeFor(t), depth - 1));
    FixFirstTyped(e.get(), t);
    return e;
  }

  std::unique_ptr<Expr> GenLeastGreatest(TypeId t, int depth) {
    auto e = Make(ExprKind::kCall, t);
    e->op = in_.Chance(50) ? "least" : "greatest";
    int n = 1 + in_.Below(3);
    for (int i = 0; i < n; ++i) e->args.push_back(Gen(ValueTypeFor(t), depth - 1));
    FixFirstTyped(e.get(), t);
    return e;
  }

  std::unique_ptr<Expr> GenInt(int depth) {
    int k = in_.Below(16);
    switch (k) {
      case 0:
      case 1:
      case 2: {
        static const char* kOps[] = {"+", "-", "*", "%"};
        auto e = Make(ExprKind::kArith, TypeId::kInt);
        e->op = kOps[in_.Below(4)];
        e->args.push_back(Gen(TypeId::kInt, depth - 1));
        e->args.push_back(Gen(TypeId::kInt, depth - 1));
        return e;
      }
      case 3: {
        auto e = Make(ExprKind::kNeg, TypeId::kInt);
        e->args.push_back(Gen(TypeId::kInt, depth - 1));
        return e;
      }
      case 4:
        return Call("length", TypeId::kInt, {TypeId::kString}, depth);
      case 5: {
        static const char* kFns[] = {"year", "month", "day", "quarter", "day_of_week"};
        return Call(kFns[in_.Below(5)], TypeId::kInt, {TypeId::kDate}, depth);
      }
      case 6: {
        static const char* kFns[] = {"days_since", "days_until", "months_since"};
        return Call(kFns[in_.Below(3)], TypeId::kInt, {TypeId::kDate}, depth);
      }
      case 7: {
        auto e = Make(ExprKind::kDateDiff, TypeId::kInt);
        e->args.push_back(DateOperand(depth - 1));
        e->args.push_back(DateOperand(depth - 1));
        return e;
      }
      case 8: {
        static const char* kFns[] = {"abs", "round", "floor", "ceil"};
        return Call(kFns[in_.Below(4)], TypeId::kInt, {TypeId::kInt}, depth);
      }
      case 9: {
        auto e = Call("round", TypeId::kInt, {TypeId::kInt}, depth);
        static constexpr int64_t kDigits[] = {-1, -2, -3, 0, 1, -19};
        e->args.push_back(Literal(Int(kDigits[in_.Below(6)])));
        return e;
      }
      case 10:
        return GenLeastGreatest(TypeId::kInt, depth);
      case 11:
        return GenCoalesce(TypeId::kInt, depth);
      case 12:
        return Call("nullif", TypeId::kInt, {TypeId::kInt, TypeId::kInt}, depth);
      case 13:
        return GenCase(TypeId::kInt, depth);
      default:
        return Leaf(TypeId::kInt);
    }
  }

  std::unique_ptr<Expr> GenFloat(int depth) {
    int k = in_.Below(12);
    switch (k) {
      case 0:
      case 1:
      case 2: {
        static const char* kOps[] = {"+", "-", "*", "/", "%"};
        auto e = Make(ExprKind::kArith, TypeId::kFloat);
        e->op = kOps[in_.Below(5)];
        bool first_float = in_.Chance(50);
        bool any_int = e->op == "/" && in_.Chance(50);
        e->args.push_back(
            Gen(first_float || any_int ? (any_int ? TypeId::kInt : TypeId::kFloat) : TypeId::kInt,
                depth - 1));
        e->args.push_back(Gen(first_float && !any_int
                                  ? (in_.Chance(50) ? TypeId::kInt : TypeId::kFloat)
                                  : (any_int ? TypeId::kInt : TypeId::kFloat),
                              depth - 1));
        if (e->op != "/" && e->args[0]->type != TypeId::kFloat &&
            e->args[1]->type != TypeId::kFloat) {
          e->args[1] = Gen(TypeId::kFloat, depth - 1);
        }
        return e;
      }
      case 3: {
        auto e = Make(ExprKind::kNeg, TypeId::kFloat);
        e->args.push_back(Gen(TypeId::kFloat, depth - 1));
        return e;
      }
      case 4: {
        static const char* kFns[] = {"abs", "round", "floor", "ceil"};
        return Call(kFns[in_.Below(4)], TypeId::kFloat, {TypeId::kFloat}, depth);
      }
      case 5: {
        auto e = Call("round", TypeId::kFloat, {TypeId::kFloat}, depth);
        e->args.push_back(Literal(Int(in_.Below(3))));
        return e;
      }
      case 6:
        return GenLeastGreatest(TypeId::kFloat, depth);
      case 7:
        return GenCoalesce(TypeId::kFloat, depth);
      case 8:
        return GenCase(TypeId::kFloat, depth);
      case 9:
        return Call("nullif", TypeId::kFloat, {TypeId::kFloat, TypeId::kFloat}, depth);
      default:
        return Leaf(TypeId::kFloat);
    }
  }

  std::unique_ptr<Expr> GenString(int depth) {
    int k = in_.Below(8);
    switch (k) {
      case 0:
      case 1: {
        static const char* kFns[] = {"lower", "upper", "trim", "ltrim", "rtrim"};
        return Call(kFns[in_.Below(5)], TypeId::kString, {TypeId::kString}, depth);
      }
      case 2:
        return GenCoalesce(TypeId::kString, depth);
      case 3:
        return GenCase(TypeId::kString, depth);
      case 4:
        return Call("nullif", TypeId::kString, {TypeId::kString, TypeId::kString}, depth);
      case 5:
        return GenLeastGreatest(TypeId::kString, depth);
      default:
        return Leaf(TypeId::kString);
    }
  }

  std::unique_ptr<Expr> GenDate(int depth) {
    int k = in_.Below(14);
    switch (k) {
      case 0:
      case 1: {
        auto e = Make(ExprKind::kDateAddDays, TypeId::kDate);
        e->op = in_.Chance(50) ? "+" : "-";
        e->args.push_back(DateOperand(depth - 1));
        e->args.push_back(Gen(TypeId::kInt, depth - 1));
        if (e->op == "+" && in_.Chance(30)) e->text = "swap";  // n + d
        return e;
      }
      case 2:
      case 3: {
        static const char* kUnits[] = {"DAY", "WEEK", "MONTH", "QUARTER", "YEAR"};
        auto e = Make(ExprKind::kDateInterval, TypeId::kDate);
        e->op = in_.Chance(50) ? "+" : "-";
        e->text = kUnits[in_.Below(5)];
        e->args.push_back(DateOperand(depth - 1));
        e->args.push_back(in_.Chance(70) ? Literal(RandomValue(TypeId::kInt))
                                         : Gen(TypeId::kInt, depth - 1));
        return e;
      }
      case 4: {
        auto e = Make(ExprKind::kDateAddDays, TypeId::kDate);
        e->op = "+";
        e->text = "add_days";
        e->args.push_back(DateOperand(depth - 1));
        e->args.push_back(Gen(TypeId::kInt, depth - 1));
        return e;
      }
      case 5:
        return Call("add_months", TypeId::kDate, {TypeId::kDate, TypeId::kInt}, depth);
      case 6: {
        static const char* kUnits[] = {"week", "month", "quarter", "year"};
        auto e = Make(ExprKind::kCall, TypeId::kDate);
        e->op = "date_trunc";
        e->args.push_back(Literal(Str(kUnits[in_.Below(4)])));
        e->args.push_back(DateOperand(depth - 1));
        return e;
      }
      case 7: {
        auto e = Make(ExprKind::kCall, TypeId::kDate);
        e->op = "next_anniversary";
        e->args.push_back(DateOperand(depth - 1));
        static constexpr int64_t kMonths[] = {1, 3, 6, 12, 0, -1, 24, 5};
        e->args.push_back(in_.Chance(80) ? Literal(Int(kMonths[in_.Below(8)]))
                                         : Gen(TypeId::kInt, depth - 1));
        return e;
      }
      case 8: {
        auto e = Make(ExprKind::kTsToDate, TypeId::kDate);
        e->args.push_back(Gen(TypeId::kTimestamp, depth - 1));
        return e;
      }
      case 9:
        return GenCoalesce(TypeId::kDate, depth);
      case 10:
        return GenCase(TypeId::kDate, depth);
      case 11:
        return GenLeastGreatest(TypeId::kDate, depth);
      default:
        return Leaf(TypeId::kDate);
    }
  }

  std::unique_ptr<Expr> GenTimestamp(int depth) {
    int k = in_.Below(6);
    if (k == 0) return GenCoalesce(TypeId::kTimestamp, depth);
    if (k == 1) return GenCase(TypeId::kTimestamp, depth);
    return Leaf(TypeId::kTimestamp);
  }

  ByteSource& in_;
  Case& c_;
  int ctx_ = 0;  // The table the expression being generated is written in.

 public:
  void set_table(int table) { ctx_ = table; }
};

// A dictionary-encoded string column viewing buffers this function owns
// (through the keepalive), as a binding would build one: distinct values in
// first-seen order, codes, and a validity bitmap when a value is NULL.  Codes
// under NULL slots point past the dictionary on purpose (they may be anything).
docket::Column DictionaryView(const std::vector<std::vector<RValue>>& rows, int col) {
  struct Buffers {
    std::vector<int64_t> offsets{0};
    std::string chars;
    std::vector<int32_t> codes;
    std::vector<uint8_t> validity;
  };
  auto buf = std::make_shared<Buffers>();
  std::vector<std::string> distinct;
  bool any_null = false;
  buf->validity.assign((rows.size() + 7) / 8 + 8, 0);
  for (size_t r = 0; r < rows.size(); ++r) {
    const RValue& v = rows[r][col];
    if (v.null) {
      any_null = true;
      buf->codes.push_back(0x7fffffff);
      continue;
    }
    SetBit(buf->validity.data(), static_cast<int64_t>(r));
    auto it = std::find(distinct.begin(), distinct.end(), v.s);
    if (it == distinct.end()) {
      distinct.push_back(v.s);
      buf->chars += v.s;
      buf->offsets.push_back(static_cast<int64_t>(buf->chars.size()));
      it = distinct.end() - 1;
    }
    buf->codes.push_back(static_cast<int32_t>(it - distinct.begin()));
  }
  docket::Column dict = docket::Column::ViewStrings(
      buf->offsets.data(), buf->chars.data(), static_cast<int64_t>(distinct.size()), nullptr, buf);
  return docket::Column::ViewDictionary(buf->codes.data(), static_cast<int64_t>(rows.size()), dict,
                                        any_null ? buf->validity.data() : nullptr, buf);
}

// A timestamp value as a column of `unit` stores it (whole units).
RValue TruncateTo(RValue v, TimeUnit unit) {
  if (v.null || v.type != TypeId::kTimestamp) return v;
  if (unit == TimeUnit::kSecond) v.i -= v.i % 1000000;
  if (unit == TimeUnit::kMilli) v.i -= v.i % 1000;
  return v;
}

// The engine's table: strings plain, dictionary (views, as a binding builds
// them) or automatic.
absl::StatusOr<Table> BuildTable(const TableSchema& schema,
                                 const std::vector<std::vector<RValue>>& rows, StringEncoding enc) {
  std::vector<docket::Column> cols;
  for (size_t k = 0; k < schema.columns.size(); ++k) {
    const DataType t = schema.columns[k].type;
    if (t.id == TypeId::kString && enc == StringEncoding::kDictionary) {
      cols.push_back(DictionaryView(rows, static_cast<int>(k)));
      continue;
    }
    ColumnBuilder b(t, enc == StringEncoding::kDictionary ? StringEncoding::kPlain : enc);
    for (size_t r = 0; r < rows.size(); ++r) {
      const RValue& v = rows[r][k];
      if (v.null) {
        b.AppendNull();
        continue;
      }
      switch (t.id) {
        case TypeId::kBool:
          b.AppendBool(v.b);
          break;
        case TypeId::kInt:
          b.AppendInt(v.i);
          break;
        case TypeId::kFloat:
          b.AppendFloat(v.f);
          break;
        case TypeId::kString:
          b.AppendString(v.s);
          break;
        case TypeId::kDate:
          b.AppendDate(static_cast<int32_t>(v.i));
          break;
        case TypeId::kTimestamp: {
          int64_t units = t.unit == TimeUnit::kSecond  ? v.i / 1000000
                          : t.unit == TimeUnit::kMilli ? v.i / 1000
                          : t.unit == TimeUnit::kNano  ? v.i * 1000
                                                       : v.i;
          b.AppendTimestamp(units);
          break;
        }
      }
    }
    cols.push_back(std::move(b).Finish());
  }
  return Table::Make(schema, std::move(cols));
}

constexpr TimeUnit kTsUnits[] = {TimeUnit::kMicro, TimeUnit::kMilli, TimeUnit::kSecond,
                                 TimeUnit::kNano};

// Key number n of a key of type t: distinct n give distinct keys (and never
// -0.0).  Small n are the awkward values (not "": an empty key is a data
// error, storage/keys.h).
RValue KeyValue(TypeId t, int64_t n) {
  switch (t) {
    case TypeId::kInt: {
      static constexpr int64_t kOdd[] = {0, -1, kInt64Max, kInt64Min, 1, 42};
      return Int(n < 6 ? kOdd[n] : 3 * n + 7);
    }
    case TypeId::kString: {
      static const char* const kOdd[] = {" ", "a", "A", "caf\xc3\xa9", "a b", "it's"};
      return Str(n < 6 ? kOdd[n] : "k" + std::to_string(n));
    }
    case TypeId::kDate:
      return DateDays(DaysOf(absl::CivilDay(2026, 1, 1)) + n - 3);
    default:
      return Float(static_cast<double>(n) * 0.5 - 3);  // n = 6 is 0.0.
  }
}

// A key type for a parent: mostly int or string.
TypeId RandomKeyType(ByteSource& in) {
  int k = in.Below(100);
  return k < 45 ? TypeId::kInt : k < 85 ? TypeId::kString : k < 95 ? TypeId::kDate : TypeId::kFloat;
}

// Keys for `rows` rows: key numbers in a random stride and direction.
std::vector<RValue> RandomKeys(ByteSource& in, TypeId t, int rows) {
  const int stride = 1 + in.Below(3), offset = in.Below(6);
  const bool reverse = in.Chance(50);
  std::vector<RValue> keys;
  for (int r = 0; r < rows; ++r)
    keys.push_back(KeyValue(t, static_cast<int64_t>(reverse ? rows - 1 - r : r) * stride + offset));
  return keys;
}

// Fills a related table: its value columns from a pool of distinct rows
// (NULLs at a random rate), its key (when `keys` is not empty) and its via
// column pointing at `parent_keys`, with NULL parent keys, orphans (keys the
// parent does not have), children grouped by parent or scattered, and so
// parents without children.
void FillRelated(ByteSource& in, Generator& gen, int rows, const std::vector<RValue>& keys,
                 int key_col, TypeId via_type, const std::vector<RValue>& parent_keys,
                 RelatedTable* rt) {
  const int null_percent = in.Below(40);
  const int null_via = in.Chance(30) ? 0 : in.Below(25);
  const int orphan_via = in.Chance(30) ? 0 : in.Below(25);
  const int distinct = std::min(rows, 24);
  const int np = static_cast<int>(parent_keys.size());
  std::vector<std::vector<RValue>> pool;
  std::vector<int> kind;    // 0: NULL via, 1: orphan, 2: a parent.
  std::vector<int> parent;  // The parent row (kind 2).
  std::vector<RValue> orphan;
  for (int r = 0; r < distinct; ++r) {
    std::vector<RValue> row;
    for (const ColumnSchema& col : rt->schema.columns) {
      const TypeId t = col.type.id;
      if (in.Chance(null_percent)) {
        row.push_back(Null(t));
      } else if (t == TypeId::kInt && in.Chance(12)) {
        // Values whose sums leave int64 (and sometimes come back).
        static constexpr int64_t kBig[] = {kInt64Max, kInt64Min, kInt64Max - 1, int64_t{1} << 62,
                                           -(int64_t{1} << 62)};
        row.push_back(Int(kBig[in.Below(std::size(kBig))]));
      } else {
        row.push_back(TruncateTo(gen.RandomValue(t), col.type.unit));
      }
    }
    pool.push_back(std::move(row));
    int k = in.Below(100);
    kind.push_back(k < null_via ? 0 : (k < null_via + orphan_via || np == 0) ? 1 : 2);
    parent.push_back(np == 0         ? 0
                     : in.Chance(60) ? std::min(np - 1, r * np / std::max(1, distinct))
                                     : in.Below(np));
    // An orphan: a key no parent has, or (strings) one that differs from a parent's only in case.
    RValue o = KeyValue(via_type, 100000 + in.Below(3));
    if (via_type == TypeId::kString && np > 0 && in.Chance(50)) {
      o = parent_keys[in.Below(np)];
      o.s = o.s.empty() ? " " : (o.s[0] == 'k' ? "K" + o.s.substr(1) : o.s + " ");
    }
    orphan.push_back(o);
  }
  for (int r = 0; r < rows; ++r) {
    const int j = r < distinct ? r : (r * 7 + r / 3) % distinct;
    std::vector<RValue> row = pool[j];
    if (key_col >= 0) row[key_col] = keys[r];
    RValue& via = row[rt->via];
    if (kind[j] == 0) {
      via = Null(via_type);
    } else if (kind[j] == 1) {
      via = orphan[j];
    } else {
      via = parent_keys[r < distinct ? parent[j] : (parent[j] + r) % np];
      if (via.type == TypeId::kFloat && via.f == 0 && (r % 2 == 1))
        via.f = -0.0;  // Equal to the key 0.0.
    }
    rt->rows.push_back(std::move(row));
  }
}

// The number of rows of a child table: none, or zero to three per parent
// row (at most 200), and at most one table per case past one 2048-row batch
// (the reference's nested loops stay cheap; an exhausted input never asks
// for one).
int RandomRows(ByteSource& in, int parents, bool* big_taken) {
  int rows = in.Chance(10) ? 0 : std::min(200, parents * in.Below(4) + in.Below(4));
  if (!*big_taken && in.Below(100) >= 96) {
    rows = 2040 + in.Below(120);
    *big_taken = true;
  }
  return rows;
}

}  // namespace

Case GenerateCase(ByteSource& in) {
  Case c;
  c.schema.name = "t";
  // About half the cases have related tables (decided first, so that the
  // rest of the input decodes the same way either way).
  const bool related = in.Chance(50);
  const std::pair<const char*, DataType> kColumns[kNumCols] = {
      {"b1", DataType::Bool()},          {"b2", DataType::Bool()},   {"i1", DataType::Int()},
      {"i2", DataType::Int()},           {"i3", DataType::Int()},    {"f1", DataType::Float()},
      {"f2", DataType::Float()},         {"s1", DataType::String()}, {"s2", DataType::String()},
      {"d1", DataType::Date()},          {"d2", DataType::Date()},   {"ts1", DataType::Timestamp()},
      {"Renewal Date", DataType::Date()}};
  const TimeUnit ts_unit = kTsUnits[in.Below(4)];
  for (const auto& [name, type] : kColumns) {
    DataType t = type;
    if (t.id == TypeId::kTimestamp) t.unit = ts_unit;
    c.schema.columns.push_back({name, t, {}});
  }
  const int* a = kAsOfs[in.Below(std::size(kAsOfs))];
  c.as_of = absl::CivilDay(a[0], a[1], a[2]);
  c.time_zone_name = kZones[in.Below(std::size(kZones))];
  if (!absl::LoadTimeZone(c.time_zone_name, &c.time_zone)) {
    c.time_zone_name = "UTC";
    c.time_zone = absl::UTCTimeZone();
  }
  c.threads = 1 + in.Below(3);

  Generator gen(in, c);
  // Rows: usually a handful; sometimes more than one 2048-row batch.
  int rows = in.Below(24);
  if (in.Chance(4)) rows = 2040 + in.Below(120);
  const int null_percent = in.Below(40);

  // Related tables are decoded before t's values, so that short inputs get
  // them too.  t gets a key; c (key cid, via tid → t, as parent) and
  // sometimes g (no key, via cref → c, as ch) get rows pointing at them.
  std::vector<RValue> t_keys;
  if (related) {
    auto type_of = [](TypeId t) {
      return t == TypeId::kInt      ? DataType::Int()
             : t == TypeId::kString ? DataType::String()
             : t == TypeId::kDate   ? DataType::Date()
                                    : DataType::Float();
    };
    const TypeId t_key = RandomKeyType(in), c_key = RandomKeyType(in);
    c.schema.key = "id";
    c.schema.columns.push_back({"id", type_of(t_key), {}});
    t_keys = RandomKeys(in, t_key, rows);
    bool big_taken = rows > 24;
    const bool grandchild = in.Chance(50);
    {
      RelatedTable rt;
      rt.schema.name = "c";
      rt.schema.key = "cid";
      rt.schema.parent = ParentRelation{"t", "tid", "parent", {}};
      DataType ts = DataType::Timestamp();
      ts.unit = kTsUnits[in.Below(4)];
      rt.schema.columns = {{"cid", type_of(c_key), {}},
                           {"tid", type_of(t_key), {}},
                           {"i1", DataType::Int(), {}},
                           {"qty", DataType::Int(), {}},
                           {"amount", DataType::Float(), {}},
                           {"label", DataType::String(), {}},
                           {"Due Date", DataType::Date(), {}},
                           {"done", DataType::Bool(), {}},
                           {"at", ts, {}}};
      rt.via = 1;
      const int nc = RandomRows(in, rows, &big_taken);
      const std::vector<RValue> keys = RandomKeys(in, c_key, nc);
      FillRelated(in, gen, nc, keys, 0, t_key, t_keys, &rt);
      c.related.push_back(std::move(rt));
    }
    if (grandchild) {
      RelatedTable rt;
      rt.schema.name = "g";
      rt.schema.parent = ParentRelation{"c", "cref", "ch", {}};
      rt.schema.columns = {{"cref", type_of(c_key), {}},      {"score", DataType::Int(), {}},
                           {"weight", DataType::Float(), {}}, {"note", DataType::String(), {}},
                           {"seen", DataType::Date(), {}},    {"ok", DataType::Bool(), {}}};
      rt.via = 0;
      std::vector<RValue> c_keys;
      for (const std::vector<RValue>& row : c.related[0].rows) c_keys.push_back(row[0]);
      const int ng = RandomRows(in, static_cast<int>(c_keys.size()), &big_taken);
      FillRelated(in, gen, ng, {}, -1, c_key, c_keys, &rt);
      c.related.push_back(std::move(rt));
    }
  }

  // Distinct rows to draw from (big tables repeat them, so they stay cheap to decode).
  const int distinct = std::min(rows, 24);
  std::vector<std::vector<RValue>> pool;
  for (int r = 0; r < distinct; ++r) {
    std::vector<RValue> row;
    for (int k = 0; k < kNumCols; ++k) {
      TypeId t = c.schema.columns[k].type.id;
      if (in.Chance(null_percent)) {
        row.push_back(Null(t));
      } else {
        row.push_back(TruncateTo(gen.RandomValue(t), ts_unit));
      }
    }
    pool.push_back(std::move(row));
  }
  for (int r = 0; r < rows; ++r)
    c.rows.push_back(pool[r < distinct ? r : (r * 7 + r / 3) % distinct]);
  for (size_t r = 0; r < t_keys.size(); ++r) c.rows[r].push_back(t_keys[r]);

  static constexpr StringEncoding kEnc[] = {StringEncoding::kAuto, StringEncoding::kPlain,
                                            StringEncoding::kDictionary};
  const StringEncoding enc = kEnc[in.Below(3)];
  for (RelatedTable& rt : c.related) {
    absl::StatusOr<Table> t = BuildTable(rt.schema, rt.rows, enc);
    if (t.ok()) rt.table = *std::move(t);
  }
  absl::StatusOr<Table> table = BuildTable(c.schema, c.rows, enc);
  if (table.ok()) c.table = *std::move(table);

  c.root = gen.Gen(TypeId::kBool, 2 + in.Below(4));
  c.text = Print(*c.root, c);
  if (related) {
    // Rules over the child tables: their own columns, parent fields, and (over c) aggregates over
    // g.
    for (int k = 1; k <= static_cast<int>(c.related.size()); ++k) {
      if (!in.Chance(k == 1 ? 60 : 50)) continue;
      gen.set_table(k);
      Rule rule;
      rule.table = k;
      rule.root = gen.Gen(TypeId::kBool, 2 + in.Below(3));
      rule.text = Print(*rule.root, c);
      c.rules.push_back(std::move(rule));
    }
    gen.set_table(0);
  }
  return c;
}

namespace {

std::string ValueText(const RValue& v) {
  if (v.null) return "NULL";
  switch (v.type) {
    case TypeId::kBool:
      return v.b ? "TRUE" : "FALSE";
    case TypeId::kInt:
      return std::to_string(v.i);
    case TypeId::kFloat:
      return FloatText(v.f);
    case TypeId::kString:
      return Quote(v.s);
    case TypeId::kDate:
      return DateText(v.i);
    case TypeId::kTimestamp:
      return absl::FormatTime(absl::FromUnixMicros(v.i), absl::UTCTimeZone());
  }
  return "?";
}

const char* TriName(Tri t) {
  return t == Tri::kTrue ? "TRUE" : t == Tri::kFalse ? "FALSE" : "NULL";
}

}  // namespace

std::string DescribeRowIn(const Case& c, int table, int64_t row) {
  const TableSchema& ts = SchemaOf(c, table);
  std::string out;
  for (size_t k = 0; k < ts.columns.size(); ++k) {
    out += ts.columns[k].name + "=" + ValueText(RowsOf(c, table)[row][k]);
    out += k + 1 < ts.columns.size() ? ", " : "";
  }
  return out;
}

std::string DescribeRow(const Case& c, int64_t row) { return DescribeRowIn(c, 0, row); }

std::string DescribeTables(const Case& c) {
  std::string out;
  for (int k = 0; k <= static_cast<int>(c.related.size()); ++k) {
    const TableSchema& ts = SchemaOf(c, k);
    const int64_t n = static_cast<int64_t>(RowsOf(c, k).size());
    out += "table " + ts.name + " (" + std::to_string(n) + " rows" +
           (ts.key.empty() ? "" : ", key " + ts.key) +
           (ts.parent
                ? ", parent " + ts.parent->table + " via " + ts.parent->via + " as " + ts.parent->as
                : "") +
           "):\n";
    for (int64_t r = 0; r < n && r < 40; ++r)
      out += "  " + std::to_string(r) + ": " + DescribeRowIn(c, k, r) + "\n";
    if (n > 40) out += "  …\n";
  }
  return out;
}

namespace {

// Compares one rule's engine result with the reference on every row of its table.
std::string CompareRows(const Case& c, int table, const Expr& root, const PredicateResult& r,
                        const std::string& header) {
  const int64_t n = static_cast<int64_t>(RowsOf(c, table).size());
  const std::string where =
      c.related.empty() ? ""
                        : "rule over " + SchemaOf(c, table).name + ": " + Print(root, c) + "\n";
  if (r.rows.size() != n) return header + where + "engine result has the wrong size";
  int64_t count = 0;
  for (int64_t row = 0; row < n; ++row) {
    Tri want = EvaluateRowIn(c, root, table, row);
    bool is_true = r.rows.Get(row);
    bool is_null = r.nulls.size() > row && r.nulls.Get(row);
    Tri got = is_true && is_null ? Tri::kNull
              : is_true          ? Tri::kTrue
              : is_null          ? Tri::kNull
                                 : Tri::kFalse;
    count += is_true;
    if (is_true && is_null)
      return header + where + "row " + std::to_string(row) + " is both TRUE and NULL";
    if (want != got) {
      std::string out = header + where + SchemaOf(c, table).name + " row " + std::to_string(row) +
                        ": " + DescribeRowIn(c, table, row) + "\nreference: " + TriName(want) +
                        "  engine: " + TriName(got);
      if (!c.related.empty()) out += "\n" + DescribeTables(c);
      return out;
    }
  }
  if (count != r.count)
    return header + where + "count " + std::to_string(r.count) + " != set bits " +
           std::to_string(count);
  return "";
}

// A related case: every rule in one program over a snapshot of every table.
std::string CheckRelated(const Case& c, const EvalOptions& opts, const std::string& header) {
  Schema schema;
  Snapshot snap;
  for (int k = 0; k <= static_cast<int>(c.related.size()); ++k) {
    schema.tables.push_back(SchemaOf(c, k));
    const Table& t = k == 0 ? c.table : c.related[k - 1].table;
    if (t.num_columns() == 0) return header + "could not build table " + SchemaOf(c, k).name;
  }
  snap.schema = schema;
  for (int k = 0; k <= static_cast<int>(c.related.size()); ++k) {
    absl::Status st = snap.AddTable(k == 0 ? c.table : c.related[k - 1].table);
    if (!st.ok())
      return header + "could not add a table to the snapshot: " + std::string(st.message());
  }
  std::vector<std::pair<int, const Expr*>> rules = {{0, c.root.get()}};
  for (const Rule& rule : c.rules) rules.push_back({rule.table, rule.root.get()});
  ProgramBuilder builder(schema);
  for (const auto& [table, root] : rules) {
    absl::StatusOr<int> id = builder.AddPredicate(SchemaOf(c, table).name, {Print(*root, c), {}});
    if (!id.ok()) {
      return header + "engine refused a well-typed expression over " + SchemaOf(c, table).name +
             ": " + std::string(id.status().message());
    }
  }
  absl::StatusOr<Program> program = std::move(builder).Build();
  if (!program.ok())
    return header + "engine refused the program: " + std::string(program.status().message());
  absl::StatusOr<ProgramResult> r = program->Evaluate(snap, opts);
  if (!r.ok()) return header + "engine evaluation failed: " + std::string(r.status().message());
  if (r->predicates.size() != rules.size())
    return header + "engine returned the wrong number of results";
  for (size_t i = 0; i < rules.size(); ++i) {
    std::string diff = CompareRows(c, rules[i].first, *rules[i].second, r->predicates[i], header);
    if (!diff.empty()) return diff;
  }
  // Again over the same snapshot (its joins now cached) on another thread
  // count: the same rows.
  EvalOptions again = opts;
  again.threads = opts.threads % 3 + 1;
  absl::StatusOr<ProgramResult> r2 = program->Evaluate(snap, again);
  if (!r2.ok())
    return header + "second engine evaluation failed: " + std::string(r2.status().message());
  for (size_t i = 0; i < rules.size(); ++i) {
    const PredicateResult& a = r->predicates[i];
    const PredicateResult& b = r2->predicates[i];
    auto bit = [](const Bitmap& m, int64_t row) { return m.size() > row && m.Get(row); };
    if (b.rows.size() != a.rows.size()) return header + "the second evaluation has another size";
    for (int64_t row = 0; row < a.rows.size(); ++row) {
      if (bit(a.rows, row) != bit(b.rows, row) || bit(a.nulls, row) != bit(b.nulls, row)) {
        return header + "rule " + std::to_string(i) + " row " + std::to_string(row) +
               " differs between " + std::to_string(opts.threads) + " and " +
               std::to_string(again.threads) + " threads on a second evaluation";
      }
    }
  }
  // The relations read: NULL parent keys and orphans, counted naively.
  for (const RelationDiagnostics& rd : r->relations) {
    int k = 1;
    while (k <= static_cast<int>(c.related.size()) && SchemaOf(c, k).name != rd.table) ++k;
    if (k > static_cast<int>(c.related.size()))
      return header + "engine reports an unknown relation " + rd.table;
    int64_t null_keys = 0, missing = 0;
    for (int64_t row = 0; row < static_cast<int64_t>(RowsOf(c, k).size()); ++row) {
      if (RowsOf(c, k)[row][c.related[k - 1].via].null) {
        ++null_keys;
      } else if (ParentRow(c, k, row) < 0) {
        ++missing;
      }
    }
    if (rd.parent != SchemaOf(c, k - 1).name || rd.null_keys != null_keys ||
        rd.missing_keys != missing) {
      return header + "relation " + rd.table + " -> " + rd.parent + ": engine null_keys " +
             std::to_string(rd.null_keys) + " missing_keys " + std::to_string(rd.missing_keys) +
             ", reference " + std::to_string(null_keys) + " / " + std::to_string(missing) + "\n" +
             DescribeTables(c);
    }
  }
  return "";
}

}  // namespace

std::string CheckAgainstEngine(const Case& c) {
  auto header = [&]() {
    std::string h = "expression: " + c.text + "\n";
    for (const Rule& rule : c.rules)
      h += "rule over " + SchemaOf(c, rule.table).name + ": " + rule.text + "\n";
    h += "as_of: " + DateText(DaysOf(c.as_of)) + "  time zone: " + c.time_zone_name +
         "  rows: " + std::to_string(c.rows.size());
    for (const RelatedTable& rt : c.related)
      h += " / " + rt.schema.name + " " + std::to_string(rt.rows.size());
    return h + "  threads: " + std::to_string(c.threads) + "\n";
  };
  if (c.table.num_columns() == 0) return header() + "could not build the table";
  EvalOptions opts;
  opts.as_of = c.as_of;
  opts.time_zone = c.time_zone;
  opts.threads = c.threads;
  opts.want_nulls = true;
  if (!c.related.empty()) return CheckRelated(c, opts, header());
  absl::StatusOr<CompiledPredicate> pred = CompiledPredicate::Compile(c.text, c.schema);
  if (!pred.ok())
    return header() +
           "engine refused a well-typed expression: " + std::string(pred.status().message());
  absl::StatusOr<PredicateResult> r = pred->EvaluateTable(c.table, opts);
  if (!r.ok()) return header() + "engine evaluation failed: " + std::string(r.status().message());
  return CompareRows(c, 0, *c.root, *r, header());
}

}  // namespace docket::reference
