// tests/lang/differential_expr.h — random, well-typed expressions for the
// differential test against SQLite (differential_test.cc).
//
// An expression is generated as a small syntax tree (DiffNode) that prints to
// both docket syntax (with the fewest parentheses SPEC section 4's precedence
// allows, random keyword case and operator spellings, so the parser is
// exercised too) and SQLite SQL (fully parenthesized).  The mapping between
// the two is documented in docs/testing.md; in short:
//
//   docket                         SQLite
//   bool TRUE / FALSE              1 / 0 (bool columns are INTEGER 0/1)
//   date, DATE '2024-02-29', today integer days since 1970-01-01
//   'YYYY-MM-DD' against a date    integer days (docket parses it at compile time)
//   d ± n, d - d                   integer arithmetic on days
//   d ± INTERVAL n DAY|WEEK        d ± n, d ± 7n
//   d ± INTERVAL n MONTH|QUARTER|YEAR, add_months(d, n)
//                                  ref_add_months(d, ±n·k)  (C++ reference UDF below)
//   next_anniversary(d, m)         ref_next_anniversary(d, m, today)  (reference UDF)
//   a / b                          CAST(a AS REAL) / b   (NULL on division by zero in both)
//   a % b                          a % b, ints only (sign of the dividend in both;
//                                  SQLite's % on REAL truncates first, so floats never get %)
//   s LIKE p                       s LIKE p with PRAGMA case_sensitive_like = ON
//   s ILIKE p                      lower(s) LIKE lower(p), ASCII-only strings (SQLite's
//                                  lower() folds ASCII only)
//   s MATCHES 're'                 ref_regexp(s, 're'): RE2::PartialMatch (reference UDF)
//   lower/upper(s)                 lower/upper, ASCII-only strings
//   length(s)                      length(s): code points of TEXT in SQLite
//   contains/starts_with/ends_with instr / substr formulations (see PrintSql)
//   days_since(d) / days_until(d)  today - d / d - today
//   year/month/day/quarter(d)      strftime('%Y'|'%m'|'%d', d*86400, 'unixepoch')
//   day_of_week(d) (ISO, Mon = 1)  (strftime('%w') + 6) % 7 + 1
//   date_trunc(unit, d)            julianday(…, 'start of month'|'start of year'|…)
//   months_since(d)                ref_months_since(d, today)  (reference UDF)
//   least/greatest (NULLs ignored) min/max over rotated coalesce lists
//   abs, round, floor, ceil,       abs, round, ref_floor, ref_ceil,
//   coalesce, nullif, CASE,        coalesce, nullif, CASE, IN, BETWEEN, IS NULL,
//   IN, BETWEEN, IS NULL, AND/OR/NOT  AND/OR/NOT (Kleene in both)
//
// What is deliberately not generated (SQLite differs by design):
//   - int overflow: docket gives NULL, SQLite silently switches to REAL.
//     Every int subexpression carries a bound on its magnitude and the
//     generator never builds one whose bound exceeds 2^50 (which also keeps
//     int/float comparisons exact: SQLite compares int with REAL exactly,
//     docket converts the int to double).
//   - float overflow and NaN: SQLite turns NaN into NULL.  Float bounds stay
//     below 1e200 and divisors are columns or literals with a known smallest
//     non-zero magnitude.
//   - % on floats (see above).
//   - lower/upper/ILIKE on non-ASCII text (SQLite folds ASCII only).
//   - timestamps (SQLite has no time zones).
#ifndef DOCKET_TESTS_LANG_DIFFERENTIAL_EXPR_H_
#define DOCKET_TESTS_LANG_DIFFERENTIAL_EXPR_H_

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "re2/re2.h"

namespace docket::difftest {

// A small, portable pseudo-random stream (splitmix64): the same cases on
// every machine and standard library.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n).
  int64_t Below(int64_t n) { return static_cast<int64_t>(Next() % static_cast<uint64_t>(n)); }
  int64_t Between(int64_t lo, int64_t hi) { return lo + Below(hi - lo + 1); }
  bool Percent(int p) { return Below(100) < p; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[static_cast<size_t>(Below(static_cast<int64_t>(v.size())))];
  }

 private:
  uint64_t state_;
};

// ---------------------------------------------------------------------------
// Reference date arithmetic (absl civil time, independent of docket's code).

inline int32_t DaysOf(absl::CivilDay d) {
  return static_cast<int32_t>(d - absl::CivilDay(1970, 1, 1));
}
inline absl::CivilDay DayOf(int64_t days) { return absl::CivilDay(1970, 1, 1) + days; }
inline int32_t DaysOf(int y, int m, int d) { return DaysOf(absl::CivilDay(y, m, d)); }

// d + n calendar months, clamped to the end of the month.
inline int64_t RefAddMonths(int64_t days, int64_t n) {
  absl::CivilDay d = DayOf(days);
  absl::CivilMonth m = absl::CivilMonth(d) + n;
  int dim = static_cast<int>(absl::CivilDay(m + 1) - absl::CivilDay(m));
  int day = std::min(d.day(), dim);
  return DaysOf(absl::CivilDay(m.year(), m.month(), day));
}

// The first date >= today that is d plus a positive multiple of `months`.
// add_months(d, k*months) is non-decreasing in k, so start a little below the
// answer and walk up.
inline int64_t RefNextAnniversary(int64_t d, int64_t months, int64_t today) {
  absl::CivilDay cd = DayOf(d), ct = DayOf(today);
  int64_t diff = (ct.year() - cd.year()) * 12 + (ct.month() - cd.month());
  int64_t k = std::max<int64_t>(1, diff / months - 1);
  while (RefAddMonths(d, k * months) < today) ++k;
  return RefAddMonths(d, k * months);
}

// months_since(d) with today: the whole calendar months from d to today —
// for today >= d the largest m >= 0 with add_months(d, m) <= today; for
// today < d the most negative m <= 0 with add_months(d, m) >= today.
inline int64_t RefMonthsSince(int64_t d, int64_t today) {
  absl::CivilDay cd = DayOf(d), ct = DayOf(today);
  int64_t m = (ct.year() - cd.year()) * 12 + (ct.month() - cd.month());
  if (today >= d) {
    m = std::max<int64_t>(m + 1, 0);
    while (m > 0 && RefAddMonths(d, m) > today) --m;
  } else {
    m = std::min<int64_t>(m - 1, 0);
    while (m < 0 && RefAddMonths(d, m) < today) ++m;
  }
  return m;
}

// ---------------------------------------------------------------------------
// Reference SQLite functions.

inline void SqlMonthsSince(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
    sqlite3_result_null(ctx);
    return;
  }
  sqlite3_result_int64(ctx,
                       RefMonthsSince(sqlite3_value_int64(argv[0]), sqlite3_value_int64(argv[1])));
}

inline void SqlAddMonths(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
    sqlite3_result_null(ctx);
    return;
  }
  sqlite3_result_int64(ctx,
                       RefAddMonths(sqlite3_value_int64(argv[0]), sqlite3_value_int64(argv[1])));
}

inline void SqlNextAnniversary(sqlite3_context* ctx, int, sqlite3_value** argv) {
  for (int i = 0; i < 3; ++i) {
    if (sqlite3_value_type(argv[i]) == SQLITE_NULL) {
      sqlite3_result_null(ctx);
      return;
    }
  }
  int64_t months = sqlite3_value_int64(argv[1]);
  if (months <= 0) {
    sqlite3_result_error(ctx, "ref_next_anniversary: months must be positive", -1);
    return;
  }
  sqlite3_result_int64(
      ctx, RefNextAnniversary(sqlite3_value_int64(argv[0]), months, sqlite3_value_int64(argv[2])));
}

inline void SqlRegexp(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
    sqlite3_result_null(ctx);
    return;
  }
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<RE2>>* cache =
      new std::map<std::string, std::unique_ptr<RE2>>();
  std::string pattern(reinterpret_cast<const char*>(sqlite3_value_text(argv[1])),
                      static_cast<size_t>(sqlite3_value_bytes(argv[1])));
  const RE2* re;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto& slot = (*cache)[pattern];
    if (!slot) slot = std::make_unique<RE2>(pattern);
    re = slot.get();
  }
  if (!re->ok()) {
    sqlite3_result_error(ctx, "ref_regexp: bad pattern", -1);
    return;
  }
  std::string_view s(reinterpret_cast<const char*>(sqlite3_value_text(argv[0])),
                     static_cast<size_t>(sqlite3_value_bytes(argv[0])));
  sqlite3_result_int(ctx, RE2::PartialMatch(s, *re) ? 1 : 0);
}

inline void SqlRounding(sqlite3_context* ctx, int, sqlite3_value** argv, bool up) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
    sqlite3_result_null(ctx);
    return;
  }
  double x = sqlite3_value_double(argv[0]);
  sqlite3_result_double(ctx, up ? std::ceil(x) : std::floor(x));
}
inline void SqlFloor(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  SqlRounding(ctx, argc, argv, false);
}
inline void SqlCeil(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  SqlRounding(ctx, argc, argv, true);
}

// Registers the reference functions and the LIKE mode on `db`.
inline bool RegisterReferenceFunctions(sqlite3* db) {
  const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
  bool ok = sqlite3_create_function(db, "ref_add_months", 2, flags, nullptr, SqlAddMonths, nullptr,
                                    nullptr) == SQLITE_OK &&
            sqlite3_create_function(db, "ref_next_anniversary", 3, flags, nullptr,
                                    SqlNextAnniversary, nullptr, nullptr) == SQLITE_OK &&
            sqlite3_create_function(db, "ref_regexp", 2, flags, nullptr, SqlRegexp, nullptr,
                                    nullptr) == SQLITE_OK &&
            sqlite3_create_function(db, "ref_months_since", 2, flags, nullptr, SqlMonthsSince,
                                    nullptr, nullptr) == SQLITE_OK &&
            sqlite3_create_function(db, "ref_floor", 1, flags, nullptr, SqlFloor, nullptr,
                                    nullptr) == SQLITE_OK &&
            sqlite3_create_function(db, "ref_ceil", 1, flags, nullptr, SqlCeil, nullptr, nullptr) ==
                SQLITE_OK;
  return ok && sqlite3_exec(db, "PRAGMA case_sensitive_like = ON", nullptr, nullptr, nullptr) ==
                   SQLITE_OK;
}

// ---------------------------------------------------------------------------
// The syntax tree.

enum class DType { kBool, kInt, kFloat, kString, kDate };

inline const char* DTypeName(DType t) {
  switch (t) {
    case DType::kBool:
      return "bool";
    case DType::kInt:
      return "int";
    case DType::kFloat:
      return "float";
    case DType::kString:
      return "string";
    case DType::kDate:
      return "date";
  }
  return "?";
}

// What the generator knows about one column of the test table.
struct DiffColumn {
  std::string name;
  DType type;
  double bound = 0;        // int/float: largest magnitude.
  double min_nonzero = 1;  // int/float: smallest non-zero magnitude.
  int32_t lo = 0, hi = 0;  // date: range of days.
  bool ascii = true;       // string: every value is ASCII.
};

enum class Op {
  kColumn,
  kLiteral,
  kNull,
  kToday,
  kAnd,
  kOr,
  kNot,
  kCompare,  // name = docket spelling of the operator
  kArith,    // name = + - * / %
  kNeg,
  kIsNull,
  kIn,
  kBetween,
  kLike,
  kILike,
  kMatches,
  kCase,      // kids: when, then, …, [else]
  kCall,      // name = function
  kInterval,  // kids {date}; name = '+' or '-'; unit, i = n
};

struct DiffNode {
  Op op = Op::kLiteral;
  DType type = DType::kBool;
  std::string name;
  std::string unit;  // kInterval; kCall date_trunc unit
  int column = -1;
  bool b = false;          // bool literal
  int64_t i = 0;           // int / date literal
  double f = 0;            // float literal
  std::string s;           // string literal
  std::string float_text;  // how a float literal is written
  bool negated = false;
  bool has_else = false;
  bool date_as_string = false;  // a date literal written as '…' (compared with a date)
  uint32_t style = 0;           // random spelling choices
  std::vector<DiffNode> kids;
  // Static facts used by the generator.
  double bound = 0;
  double min_nonzero = 0;
  int32_t lo = 0, hi = 0;
  bool ascii = true;
};

// ---------------------------------------------------------------------------
// Printing.

inline std::string QuoteString(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

inline std::string DateText(int64_t days) {
  absl::CivilDay d = DayOf(days);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", static_cast<int>(d.year()), d.month(), d.day());
  return buf;
}

// Precedence levels of SPEC section 4, lowest first.
enum Prec { kPrecOr = 1, kPrecAnd, kPrecNot, kPrecCmp, kPrecAdd, kPrecMul, kPrecNeg, kPrecPrimary };

// Keyword in a random letter case (the language's keywords are case-insensitive).
inline std::string Kw(const char* upper, uint32_t style) {
  std::string s = upper;
  switch (style % 4) {
    case 1:
      for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      break;
    case 2:
      for (size_t k = 1; k < s.size(); ++k)
        s[k] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[k])));
      break;
    default:
      break;
  }
  return s;
}

struct Printed {
  std::string text;
  int prec;
};

inline std::string Wrap(const Printed& p, int need) {
  return p.prec >= need ? p.text : "(" + p.text + ")";
}

// Joins "a" op "b" making sure no "--" comment appears.
inline std::string Join3(const std::string& a, const std::string& op, const std::string& b) {
  return a + " " + op + " " + b;
}

Printed PrintDocketP(const DiffNode& n, const std::vector<DiffColumn>& cols);

inline std::string PrintDocket(const DiffNode& n, const std::vector<DiffColumn>& cols) {
  return PrintDocketP(n, cols).text;
}

inline std::string DocketArgs(const DiffNode& n, const std::vector<DiffColumn>& cols,
                              size_t from = 0) {
  std::string out;
  for (size_t k = from; k < n.kids.size(); ++k) {
    if (k > from) out += ", ";
    out += PrintDocket(n.kids[k], cols);
  }
  return out;
}

inline Printed PrintDocketP(const DiffNode& n, const std::vector<DiffColumn>& cols) {
  const uint32_t st = n.style;
  switch (n.op) {
    case Op::kColumn:
      if (st % 7 == 3)
        return {"\"" + cols[n.column].name + "\"", kPrecPrimary};  // quoted identifier
      return {cols[n.column].name, kPrecPrimary};
    case Op::kNull:
      return {Kw("NULL", st), kPrecPrimary};
    case Op::kToday:
      return {"today", kPrecPrimary};
    case Op::kLiteral:
      switch (n.type) {
        case DType::kBool:
          return {Kw(n.b ? "TRUE" : "FALSE", st), kPrecPrimary};
        case DType::kInt:
          return {std::to_string(n.i), n.i < 0 ? kPrecNeg : kPrecPrimary};
        case DType::kFloat:
          return {n.float_text, n.float_text[0] == '-' ? kPrecNeg : kPrecPrimary};
        case DType::kString:
          return {QuoteString(n.s), kPrecPrimary};
        case DType::kDate:
          if (n.date_as_string) return {QuoteString(DateText(n.i)), kPrecPrimary};
          return {Kw("DATE", st) + " " + QuoteString(DateText(n.i)), kPrecPrimary};
      }
      break;
    case Op::kAnd:
    case Op::kOr: {
      int p = n.op == Op::kAnd ? kPrecAnd : kPrecOr;
      return {Join3(Wrap(PrintDocketP(n.kids[0], cols), p), Kw(n.op == Op::kAnd ? "AND" : "OR", st),
                    Wrap(PrintDocketP(n.kids[1], cols), p + 1)),
              p};
    }
    case Op::kNot:
      return {Kw("NOT", st) + " " + Wrap(PrintDocketP(n.kids[0], cols), kPrecNot), kPrecNot};
    case Op::kCompare: {
      std::string op = n.name;
      if (op == "=" && st % 2) op = "==";
      if (op == "!=" && st % 2) op = "<>";
      return {Join3(Wrap(PrintDocketP(n.kids[0], cols), kPrecAdd), op,
                    Wrap(PrintDocketP(n.kids[1], cols), kPrecAdd)),
              kPrecCmp};
    }
    case Op::kArith: {
      int p = (n.name == "+" || n.name == "-") ? kPrecAdd : kPrecMul;
      return {Join3(Wrap(PrintDocketP(n.kids[0], cols), p), n.name,
                    Wrap(PrintDocketP(n.kids[1], cols), p + 1)),
              p};
    }
    case Op::kNeg: {
      std::string inner = Wrap(PrintDocketP(n.kids[0], cols), kPrecNeg);
      return {(inner[0] == '-' ? "- " : "-") + inner, kPrecNeg};
    }
    case Op::kIsNull:
      return {Wrap(PrintDocketP(n.kids[0], cols), kPrecAdd) + " " + Kw("IS", st) + " " +
                  (n.negated ? Kw("NOT", st) + " " : "") + Kw("NULL", st),
              kPrecCmp};
    case Op::kIn:
      return {Wrap(PrintDocketP(n.kids[0], cols), kPrecAdd) + " " +
                  (n.negated ? Kw("NOT", st) + " " : "") + Kw("IN", st) + " (" +
                  DocketArgs(n, cols, 1) + ")",
              kPrecCmp};
    case Op::kBetween:
      return {Wrap(PrintDocketP(n.kids[0], cols), kPrecAdd) + " " +
                  (n.negated ? Kw("NOT", st) + " " : "") + Kw("BETWEEN", st) + " " +
                  Wrap(PrintDocketP(n.kids[1], cols), kPrecAdd) + " " + Kw("AND", st) + " " +
                  Wrap(PrintDocketP(n.kids[2], cols), kPrecAdd),
              kPrecCmp};
    case Op::kLike:
    case Op::kILike:
    case Op::kMatches: {
      const char* kw = n.op == Op::kLike ? "LIKE" : n.op == Op::kILike ? "ILIKE" : "MATCHES";
      return {Wrap(PrintDocketP(n.kids[0], cols), kPrecAdd) + " " +
                  (n.negated ? Kw("NOT", st) + " " : "") + Kw(kw, st) + " " +
                  Wrap(PrintDocketP(n.kids[1], cols), kPrecAdd),
              kPrecCmp};
    }
    case Op::kCase: {
      std::string out = Kw("CASE", st);
      size_t pairs = (n.kids.size() - (n.has_else ? 1 : 0)) / 2;
      for (size_t k = 0; k < pairs; ++k) {
        out += " " + Kw("WHEN", st) + " " + PrintDocket(n.kids[2 * k], cols) + " " +
               Kw("THEN", st) + " " + PrintDocket(n.kids[2 * k + 1], cols);
      }
      if (n.has_else) out += " " + Kw("ELSE", st) + " " + PrintDocket(n.kids.back(), cols);
      return {out + " " + Kw("END", st), kPrecPrimary};
    }
    case Op::kCall:
      if (n.name == "date_trunc") {
        return {"date_trunc(" + QuoteString(n.unit) + ", " + PrintDocket(n.kids[0], cols) + ")",
                kPrecPrimary};
      }
      return {n.name + "(" + DocketArgs(n, cols) + ")", kPrecPrimary};
    case Op::kInterval:
      return {
          Join3(Wrap(PrintDocketP(n.kids[0], cols), kPrecAdd), n.name,
                Kw("INTERVAL", st) + " " + std::to_string(n.i) + " " + Kw(n.unit.c_str(), st >> 2)),
          kPrecAdd};
  }
  return {"?", kPrecPrimary};
}

// SQLite SQL, fully parenthesized.  `today` is the as_of day number.
inline std::string PrintSql(const DiffNode& n, const std::vector<DiffColumn>& cols, int64_t today) {
  auto k = [&](size_t i) { return PrintSql(n.kids[i], cols, today); };
  auto args = [&](size_t from) {
    std::string out;
    for (size_t i = from; i < n.kids.size(); ++i) out += (i > from ? ", " : "") + k(i);
    return out;
  };
  auto strftime_int = [&](const char* fmt, const std::string& d) {
    return std::string("CAST(strftime('") + fmt + "', (" + d +
           ") * 86400, 'unixepoch') AS INTEGER)";
  };
  auto julian_days = [&](const std::string& d, const std::string& modifiers) {
    return "CAST(julianday((" + d + ") * 86400, 'unixepoch', " + modifiers +
           ") - 2440587.5 AS INTEGER)";
  };
  switch (n.op) {
    case Op::kColumn:
      return "\"" + cols[n.column].name + "\"";
    case Op::kNull:
      return "NULL";
    case Op::kToday:
      return std::to_string(today);
    case Op::kLiteral:
      switch (n.type) {
        case DType::kBool:
          return n.b ? "1" : "0";
        case DType::kInt:
          return "(" + std::to_string(n.i) + ")";
        case DType::kFloat:
          return "(" + n.float_text + ")";
        case DType::kString:
          return QuoteString(n.s);
        case DType::kDate:
          return "(" + std::to_string(n.i) + ")";
      }
      break;
    case Op::kAnd:
      return "(" + k(0) + " AND " + k(1) + ")";
    case Op::kOr:
      return "(" + k(0) + " OR " + k(1) + ")";
    case Op::kNot:
      return "(NOT " + k(0) + ")";
    case Op::kCompare:
      return "(" + k(0) + " " + (n.name == "!=" ? std::string("<>") : n.name) + " " + k(1) + ")";
    case Op::kArith:
      if (n.name == "/") return "(CAST(" + k(0) + " AS REAL) / " + k(1) + ")";
      return "(" + k(0) + " " + n.name + " " + k(1) + ")";
    case Op::kNeg:
      return "(- " + k(0) + ")";
    case Op::kIsNull:
      return "(" + k(0) + (n.negated ? " IS NOT NULL)" : " IS NULL)");
    case Op::kIn:
      return "(" + k(0) + (n.negated ? " NOT IN (" : " IN (") + args(1) + "))";
    case Op::kBetween:
      return "(" + k(0) + (n.negated ? " NOT BETWEEN " : " BETWEEN ") + k(1) + " AND " + k(2) + ")";
    case Op::kLike:
      return "(" + k(0) + (n.negated ? " NOT LIKE " : " LIKE ") + k(1) + ")";
    case Op::kILike:
      return "(lower(" + k(0) + ")" + (n.negated ? " NOT LIKE " : " LIKE ") + "lower(" + k(1) +
             "))";
    case Op::kMatches:
      return std::string("(") + (n.negated ? "NOT " : "") + "ref_regexp(" + k(0) + ", " + k(1) +
             "))";
    case Op::kCase: {
      std::string out = "(CASE";
      size_t pairs = (n.kids.size() - (n.has_else ? 1 : 0)) / 2;
      for (size_t i = 0; i < pairs; ++i) out += " WHEN " + k(2 * i) + " THEN " + k(2 * i + 1);
      if (n.has_else) out += " ELSE " + k(n.kids.size() - 1);
      return out + " END)";
    }
    case Op::kInterval: {
      std::string sign = n.name;
      if (n.unit == "DAY") return "(" + k(0) + " " + sign + " " + std::to_string(n.i) + ")";
      if (n.unit == "WEEK") return "(" + k(0) + " " + sign + " " + std::to_string(7 * n.i) + ")";
      int64_t months = n.unit == "MONTH" ? n.i : n.unit == "QUARTER" ? 3 * n.i : 12 * n.i;
      return "ref_add_months(" + k(0) + ", " + (sign == "-" ? "-" : "") + std::to_string(months) +
             ")";
    }
    case Op::kCall: {
      const std::string& f = n.name;
      if (f == "coalesce" || f == "nullif" || f == "abs" || f == "lower" || f == "upper" ||
          f == "length" || f == "trim" || f == "ltrim" || f == "rtrim") {
        return f + "(" + args(0) + ")";
      }
      if (f == "round") return "round(" + args(0) + ")";
      if (f == "floor") return "ref_floor(" + k(0) + ")";
      if (f == "ceil") return "ref_ceil(" + k(0) + ")";
      if (f == "contains") return "(instr(" + k(0) + ", " + k(1) + ") > 0)";
      if (f == "starts_with") return "(instr(" + k(0) + ", " + k(1) + ") = 1)";
      if (f == "ends_with") {
        std::string s = k(0), t = k(1);
        return "(CASE WHEN " + s + " IS NULL OR " + t + " IS NULL THEN NULL WHEN length(" + t +
               ") = 0 THEN 1 ELSE substr(" + s + ", -length(" + t + ")) = " + t + " END)";
      }
      if (f == "days_since") return "(" + std::to_string(today) + " - " + k(0) + ")";
      if (f == "months_since")
        return "ref_months_since(" + k(0) + ", " + std::to_string(today) + ")";
      if (f == "least" || f == "greatest") {
        // NULLs are ignored (docket, like PostgreSQL); SQLite's multi-argument
        // min/max return NULL when any argument is NULL.  Each coalesce below
        // is its argument or another non-NULL one, so min/max over them is
        // the min/max of the non-NULL arguments (NULL when all are NULL).
        if (n.kids.size() == 1) return k(0);
        std::string out = f == "least" ? "min(" : "max(";
        for (size_t i = 0; i < n.kids.size(); ++i) {
          out += i ? ", coalesce(" : "coalesce(";
          for (size_t j = 0; j < n.kids.size(); ++j)
            out += (j ? ", " : "") + k((i + j) % n.kids.size());
          out += ")";
        }
        return out + ")";
      }
      if (f == "days_until") return "(" + k(0) + " - " + std::to_string(today) + ")";
      if (f == "add_days") return "(" + k(0) + " + " + k(1) + ")";
      if (f == "add_months") return "ref_add_months(" + k(0) + ", " + k(1) + ")";
      if (f == "next_anniversary")
        return "ref_next_anniversary(" + k(0) + ", " + k(1) + ", " + std::to_string(today) + ")";
      if (f == "year") return strftime_int("%Y", k(0));
      if (f == "month") return strftime_int("%m", k(0));
      if (f == "day") return strftime_int("%d", k(0));
      if (f == "quarter") return "((" + strftime_int("%m", k(0)) + " + 2) / 3)";
      if (f == "day_of_week") return "((" + strftime_int("%w", k(0)) + " + 6) % 7 + 1)";
      if (f == "date_trunc") {
        std::string d = k(0);
        if (n.unit == "month") return julian_days(d, "'start of month'");
        if (n.unit == "year") return julian_days(d, "'start of year'");
        if (n.unit == "week") return julian_days(d, "'-6 days', 'weekday 1'");
        // quarter: start of month, then back (month - 1) % 3 months.
        return julian_days(
            d, "'start of month', printf('-%d months', (" + strftime_int("%m", d) + " - 1) % 3)");
      }
      return "unknown_function_" + f + "(" + args(0) + ")";
    }
  }
  return "?";
}

// ---------------------------------------------------------------------------
// Generation.

// Constructs the generator may emit.  Each flag that is off says why next to
// the place that sets it (differential_test.cc).
struct GenConfig {
  int max_depth = 4;
  bool null_literals = true;
  bool bool_ordering = true;     // b1 < b2 on bools
  bool string_functions = true;  // lower, upper, length, trim, contains, …
  bool date_functions = true;    // year, month, …, date_trunc, add_months, next_anniversary
  bool intervals = true;
  bool like = true;
  bool ilike = true;
  bool matches = true;
  bool round = true;
  bool floor_ceil = true;
  bool modulo = true;
  bool division = true;
  bool case_expr = true;
  bool coalesce_nullif = true;
  bool least_greatest = true;
  bool string_case_without_else = true;
  bool string_null_literals = true;
  bool string_nullif = true;
  // today, and sub-expressions computed once per evaluation (column-free but
  // depending on today, or dividing).
  bool today_constant_in_logic = true;
  bool date_string_literals = true;
};

// True when `n` reads no column but depends on as_of (today, days_since, …):
// a value computed once per evaluation.
inline bool ReadsColumn(const DiffNode& n) {
  if (n.op == Op::kColumn) return true;
  for (const DiffNode& k : n.kids)
    if (ReadsColumn(k)) return true;
  return false;
}
inline bool DependsOnToday(const DiffNode& n) {
  if (n.op == Op::kToday) return true;
  if (n.op == Op::kCall && (n.name == "days_since" || n.name == "days_until" ||
                            n.name == "months_since" || n.name == "next_anniversary"))
    return true;
  for (const DiffNode& k : n.kids)
    if (DependsOnToday(k)) return true;
  return false;
}
// Division and modulo are computed at evaluation time even over constants
// (they count division by zero in the diagnostics).
inline bool Divides(const DiffNode& n) {
  if (n.op == Op::kArith && (n.name == "/" || n.name == "%")) return true;
  for (const DiffNode& k : n.kids)
    if (Divides(k)) return true;
  return false;
}
// Column-free once the optimizer has folded it: coalesce stops at its first
// argument that is not a NULL literal.
inline bool EffectivelyConstant(const DiffNode& n) {
  if (n.op == Op::kColumn) return false;
  if (n.op == Op::kCall && n.name == "coalesce") {
    for (const DiffNode& k : n.kids)
      if (k.op != Op::kNull) return EffectivelyConstant(k);
    return true;
  }
  if (n.op == Op::kCase) {
    // Conservative: a constant condition may pick a branch at compile time
    // (CASE WHEN TRUE THEN x … folds to x), so a CASE with any constant
    // condition and any constant branch counts as constant.
    bool constant_condition = false, constant_value = false;
    for (size_t k = 0; k < n.kids.size(); ++k) {
      bool is_condition = k % 2 == 0 && !(n.has_else && k + 1 == n.kids.size());
      bool c = EffectivelyConstant(n.kids[k]);
      (is_condition ? constant_condition : constant_value) |= c;
    }
    if (constant_condition && constant_value) return true;
  }
  for (const DiffNode& k : n.kids)
    if (!EffectivelyConstant(k)) return false;
  return true;
}
// A value computed once per evaluation: column-free (after folding) but
// depending on today, or dividing.
inline bool TodayConstant(const DiffNode& n) {
  if (!DependsOnToday(n) && !Divides(n)) return false;
  if (!ReadsColumn(n) || EffectivelyConstant(n)) return true;
  for (const DiffNode& k : n.kids)
    if (TodayConstant(k)) return true;
  return false;
}

constexpr double kIntBound = 1125899906842624.0;  // 2^50
constexpr double kFloatBound = 1e200;

class ExprGenerator {
 public:
  ExprGenerator(Rng* rng, const std::vector<DiffColumn>* cols, int64_t today, GenConfig config)
      : rng_(*rng), cols_(*cols), today_(today), cfg_(config) {}

  DiffNode Predicate() { return Gen(DType::kBool, cfg_.max_depth); }

  DiffNode Gen(DType t, int depth) {
    // Leaves at depth 0, or sometimes earlier.
    if (depth <= 0 || rng_.Percent(depth == cfg_.max_depth ? 0 : 25)) return Leaf(t);
    for (int attempt = 0; attempt < 20; ++attempt) {
      DiffNode n;
      bool ok = false;
      switch (t) {
        case DType::kBool:
          ok = GenBool(depth, &n);
          break;
        case DType::kInt:
          ok = GenInt(depth, &n);
          break;
        case DType::kFloat:
          ok = GenFloat(depth, &n);
          break;
        case DType::kString:
          ok = GenString(depth, &n);
          break;
        case DType::kDate:
          ok = GenDate(depth, &n);
          break;
      }
      // Without today_constant_in_logic no sub-expression is computed once per
      // evaluation (column-free but depending on today), at any depth: the
      // optimizer folds e.g. coalesce(0, i1) to 0, so checking only the
      // operands of AND / OR is not enough.
      if (ok && (cfg_.today_constant_in_logic || !TodayConstant(n))) {
        n.type = t;
        n.style = static_cast<uint32_t>(rng_.Next());
        return n;
      }
    }
    return Leaf(t);
  }

  // A column or a literal of type t (NULL literal sometimes).
  DiffNode Leaf(DType t, bool allow_null = true) {
    if (allow_null && cfg_.null_literals && (t != DType::kString || cfg_.string_null_literals) &&
        rng_.Percent(3))
      return Null(t);
    std::vector<int> candidates;
    for (size_t c = 0; c < cols_.size(); ++c)
      if (cols_[c].type == t) candidates.push_back(static_cast<int>(c));
    if (!candidates.empty() && rng_.Percent(65)) return Column(rng_.Pick(candidates));
    if (t == DType::kDate && cfg_.today_constant_in_logic && rng_.Percent(30)) return Today();
    return Literal(t);
  }

  DiffNode Null(DType t) {
    DiffNode n;
    n.op = Op::kNull;
    n.type = t;
    n.style = static_cast<uint32_t>(rng_.Next());
    n.bound = 0;
    n.min_nonzero = 1;
    n.lo = DaysOf(2000, 1, 1);
    n.hi = n.lo;
    return n;
  }

  DiffNode Today() {
    DiffNode n;
    n.op = Op::kToday;
    n.type = DType::kDate;
    n.lo = n.hi = static_cast<int32_t>(today_);
    return n;
  }

  DiffNode Column(int c) {
    DiffNode n;
    n.op = Op::kColumn;
    n.type = cols_[c].type;
    n.column = c;
    n.style = static_cast<uint32_t>(rng_.Next());
    n.bound = cols_[c].bound;
    n.min_nonzero = cols_[c].min_nonzero;
    n.lo = cols_[c].lo;
    n.hi = cols_[c].hi;
    n.ascii = cols_[c].ascii;
    return n;
  }

  static DiffNode IntLiteral(int64_t v) {
    DiffNode n;
    n.op = Op::kLiteral;
    n.type = DType::kInt;
    n.i = v;
    n.bound = static_cast<double>(v < 0 ? -v : v);
    n.min_nonzero = n.bound == 0 ? 1 : n.bound;
    return n;
  }

  DiffNode Literal(DType t) {
    DiffNode n;
    n.op = Op::kLiteral;
    n.type = t;
    n.style = static_cast<uint32_t>(rng_.Next());
    switch (t) {
      case DType::kBool:
        n.b = rng_.Percent(50);
        break;
      case DType::kInt: {
        static const std::vector<int64_t> kInts = {0,  1,   2,  3,  -1,  -2,   5,     7,
                                                   10, -10, 13, 91, 100, 1000, -1000, 123456};
        return IntLiteral(rng_.Percent(60) ? rng_.Pick(kInts) : rng_.Between(-30, 30));
      }
      case DType::kFloat: {
        // Exactly representable values written briefly, so both parsers agree.
        static const std::vector<const char*> kFloats = {"0.5", "1.5",  "2.25",  "0.125", "100.0",
                                                         "0.0", "-0.5", "-2.75", "1e3",   "2.5e2",
                                                         "1E2", ".5",   "7.0",   "-8.0"};
        n.float_text = rng_.Pick(kFloats);
        n.f = std::strtod(n.float_text.c_str(), nullptr);
        n.bound = std::fabs(n.f);
        n.min_nonzero = n.bound == 0 ? 1 : n.bound;
        break;
      }
      case DType::kString: {
        static const std::vector<std::string> kStrings = {"",     "a",      "A",    "abc", "Abc",
                                                          "red",  "yellow", "it's", "b",   "é",
                                                          "日本", "x%y",    "a_c",  " a "};
        n.s = rng_.Pick(kStrings);
        n.ascii = IsAscii(n.s);
        break;
      }
      case DType::kDate: {
        static const std::vector<int32_t> kDates = {
            DaysOf(2024, 2, 29),  DaysOf(2023, 2, 28), DaysOf(2024, 1, 31),
            DaysOf(2025, 12, 31), DaysOf(2000, 2, 29), DaysOf(2026, 11, 22),
            DaysOf(1999, 12, 31), DaysOf(2026, 3, 31), DaysOf(1970, 1, 1)};
        n.i = rng_.Percent(50) ? rng_.Pick(kDates) : today_ + rng_.Between(-400, 400);
        n.lo = n.hi = static_cast<int32_t>(n.i);
        break;
      }
    }
    return n;
  }

  static bool IsAscii(const std::string& s) {
    for (unsigned char c : s)
      if (c >= 0x80) return false;
    return true;
  }

 private:
  static DiffNode Make(Op op, std::vector<DiffNode> kids, std::string name = "") {
    DiffNode n;
    n.op = op;
    n.name = std::move(name);
    n.kids = std::move(kids);
    return n;
  }

  DType ComparableType() {
    static const std::vector<DType> kTypes = {DType::kInt,    DType::kInt,    DType::kFloat,
                                              DType::kString, DType::kString, DType::kDate,
                                              DType::kDate,   DType::kBool};
    return rng_.Pick(kTypes);
  }
  // For numeric comparisons, int and float mix.
  DType Partner(DType t) {
    if (t == DType::kInt && rng_.Percent(25)) return DType::kFloat;
    if (t == DType::kFloat && rng_.Percent(25)) return DType::kInt;
    return t;
  }
  // A date-typed operand, sometimes a '…' string literal (only beside a real date).
  DiffNode DateOperand(int depth, bool allow_string) {
    if (allow_string && cfg_.date_string_literals && rng_.Percent(15)) {
      DiffNode n = Literal(DType::kDate);
      n.date_as_string = true;
      return n;
    }
    return Gen(DType::kDate, depth);
  }

  bool GenBool(int depth, DiffNode* out) {
    int d = depth - 1;
    switch (rng_.Below(14)) {
      case 0:
      case 1:
      case 2:
      case 3: {
        DiffNode a = Gen(DType::kBool, d), b = Gen(DType::kBool, d);
        if (!cfg_.today_constant_in_logic && (TodayConstant(a) || TodayConstant(b))) return false;
        *out = Make(rng_.Percent(50) ? Op::kAnd : Op::kOr, {std::move(a), std::move(b)});
        return true;
      }
      case 4:
        *out = Make(Op::kNot, {Gen(DType::kBool, d)});
        return true;
      case 5:
      case 6:
      case 7: {  // comparison
        static const std::vector<std::string> kOps = {"=", "!=", "<", "<=", ">", ">="};
        DType t = ComparableType();
        std::string op = rng_.Pick(kOps);
        if (t == DType::kBool && !cfg_.bool_ordering && op != "=" && op != "!=") op = "=";
        if (t == DType::kDate) {
          bool left_string = rng_.Percent(50);
          DiffNode a = DateOperand(d, false);
          DiffNode b = DateOperand(d, true);
          *out = left_string ? Make(Op::kCompare, {std::move(b), std::move(a)}, op)
                             : Make(Op::kCompare, {std::move(a), std::move(b)}, op);
          return true;
        }
        *out = Make(Op::kCompare, {Gen(t, d), Gen(Partner(t), d)}, op);
        return true;
      }
      case 8: {
        static const std::vector<DType> kAll = {DType::kBool, DType::kInt, DType::kFloat,
                                                DType::kString, DType::kDate};
        *out = Make(Op::kIsNull, {Gen(rng_.Pick(kAll), d)});
        out->negated = rng_.Percent(40);
        return true;
      }
      case 9: {
        DType t = ComparableType();
        if (t == DType::kBool) t = DType::kString;
        std::vector<DiffNode> kids = {Gen(t, d)};
        int items = static_cast<int>(rng_.Between(1, 5));
        for (int k = 0; k < items; ++k)
          kids.push_back(rng_.Percent(80) ? Leaf(Partner(t)) : Gen(Partner(t), d - 1));
        if (!cfg_.today_constant_in_logic)
          for (const DiffNode& k : kids)
            if (TodayConstant(k)) return false;
        *out = Make(Op::kIn, std::move(kids));
        out->negated = rng_.Percent(30);
        return true;
      }
      case 10: {
        DType t = ComparableType();
        if (t == DType::kBool) t = DType::kInt;
        if (t == DType::kDate) {
          *out = Make(Op::kBetween,
                      {DateOperand(d, false), DateOperand(d - 1, true), DateOperand(d - 1, true)});
        } else {
          *out = Make(Op::kBetween, {Gen(t, d), Gen(Partner(t), d - 1), Gen(Partner(t), d - 1)});
        }
        if (!cfg_.today_constant_in_logic)
          for (const DiffNode& k : out->kids)
            if (TodayConstant(k)) return false;
        out->negated = rng_.Percent(30);
        return true;
      }
      case 11: {  // LIKE / ILIKE / MATCHES
        int which = static_cast<int>(rng_.Below(3));
        if (which == 0 && cfg_.like) {
          *out = Make(Op::kLike, {Gen(DType::kString, d), LikePattern(false)});
        } else if (which == 1 && cfg_.ilike) {
          DiffNode s = Gen(DType::kString, d);
          if (!s.ascii) return false;
          *out = Make(Op::kILike, {std::move(s), LikePattern(true)});
        } else if (which == 2 && cfg_.matches) {
          static const std::vector<std::string> kRegexes = {"^a",    "c$",  "(?i)^ab", "é",
                                                            "[0-9]", "a.c", "^$",      ".",
                                                            "x|y",   "日",  "^.{3}$",  "(?i)RED"};
          DiffNode p = Literal(DType::kString);
          p.s = rng_.Pick(kRegexes);
          *out = Make(Op::kMatches, {Gen(DType::kString, d), std::move(p)});
        } else {
          return false;
        }
        out->negated = rng_.Percent(30);
        return true;
      }
      case 12: {
        if (!cfg_.string_functions) return false;
        static const std::vector<std::string> kFns = {"contains", "starts_with", "ends_with"};
        *out = Make(Op::kCall,
                    {Gen(DType::kString, d),
                     rng_.Percent(70) ? Leaf(DType::kString) : Gen(DType::kString, d)},
                    rng_.Pick(kFns));
        return true;
      }
      default:
        return GenCommon(DType::kBool, d, out);
    }
  }

  DiffNode LikePattern(bool ascii_only) {
    static const std::vector<std::string> kPatterns = {"%",   "a%", "%c",  "_",   "__",  "%b%",
                                                       "a_c", "",   "A%",  "%é%", "日%", "_é",
                                                       "r%d", "%%", "abc", "%'%"};
    for (;;) {
      DiffNode p = Literal(DType::kString);
      p.s = rng_.Pick(kPatterns);
      p.ascii = IsAscii(p.s);
      if (!ascii_only || p.ascii) return p;
    }
  }

  // CASE, coalesce, nullif: any type.
  bool GenCommon(DType t, int d, DiffNode* out) {
    int which = static_cast<int>(rng_.Below(3));
    if (which == 0 && cfg_.case_expr) {
      std::vector<DiffNode> kids;
      int pairs = static_cast<int>(rng_.Between(1, 2));
      for (int k = 0; k < pairs; ++k) {
        kids.push_back(Gen(DType::kBool, d));
        kids.push_back(Gen(t, d));
      }
      bool has_else = rng_.Percent(70) || (t == DType::kString && !cfg_.string_case_without_else);
      if (has_else) kids.push_back(Gen(t, d));
      *out = Make(Op::kCase, std::move(kids));
      out->has_else = has_else;
    } else if (which == 1 && cfg_.coalesce_nullif) {
      std::vector<DiffNode> kids;
      int n = static_cast<int>(rng_.Between(2, 3));
      for (int k = 0; k < n; ++k) kids.push_back(Gen(t, d));
      *out = Make(Op::kCall, std::move(kids), "coalesce");
    } else if (which == 2 && cfg_.coalesce_nullif && (t != DType::kString || cfg_.string_nullif)) {
      *out = Make(Op::kCall, {Gen(t, d), Gen(t, d)}, "nullif");
    } else {
      return false;
    }
    // Static facts: the union of the value-producing children.  When every
    // value is a NULL literal the expression has no type in docket (a NULL
    // takes its type from its context), so it is not generated.
    return Merge(out, t);
  }

  bool Merge(DiffNode* n, DType t) {
    bool first = true;
    for (size_t k = 0; k < n->kids.size(); ++k) {
      bool value_kid = n->op != Op::kCase || k % 2 == 1 || (n->has_else && k + 1 == n->kids.size());
      if (n->name == "nullif" && k == 1) value_kid = false;
      if (!value_kid) continue;
      const DiffNode& c = n->kids[k];
      if (c.op == Op::kNull) continue;
      if (first) {
        n->bound = c.bound;
        n->min_nonzero = c.min_nonzero;
        n->lo = c.lo;
        n->hi = c.hi;
        n->ascii = c.ascii;
        first = false;
      } else {
        n->bound = std::max(n->bound, c.bound);
        n->min_nonzero = std::min(n->min_nonzero, c.min_nonzero);
        n->lo = std::min(n->lo, c.lo);
        n->hi = std::max(n->hi, c.hi);
        n->ascii = n->ascii && c.ascii;
      }
    }
    (void)t;
    return !first;
  }

  // A divisor: a column or a literal, whose smallest non-zero magnitude is known.
  DiffNode Divisor(DType t) {
    DiffNode n = Leaf(t, /*allow_null=*/rng_.Percent(30));
    return n;
  }

  // least / greatest of 1–3 numbers (floats when any argument is a float).
  bool LeastGreatest(DType t, int d, DiffNode* out) {
    if (!cfg_.least_greatest) return false;
    std::vector<DiffNode> kids;
    int n = static_cast<int>(rng_.Between(1, 3));
    for (int k = 0; k < n; ++k)
      kids.push_back(Gen(t == DType::kFloat && k > 0 && rng_.Percent(30) ? DType::kInt : t, d));
    double bound = 0;
    for (const DiffNode& k : kids) bound = std::max(bound, k.bound);
    *out = Make(Op::kCall, std::move(kids), rng_.Percent(50) ? "least" : "greatest");
    out->bound = bound;
    return true;
  }

  bool GenInt(int depth, DiffNode* out) {
    int d = depth - 1;
    switch (rng_.Below(13)) {
      case 0:
      case 1:
      case 2: {
        static const std::vector<std::string> kOps = {"+", "-", "*"};
        std::string op = rng_.Pick(kOps);
        DiffNode a = Gen(DType::kInt, d), b = Gen(DType::kInt, d);
        double bound = op == "*" ? a.bound * b.bound : a.bound + b.bound;
        if (bound > kIntBound) return false;
        *out = Make(Op::kArith, {std::move(a), std::move(b)}, op);
        out->bound = bound;
        return true;
      }
      case 3: {
        if (!cfg_.modulo) return false;
        DiffNode a = Gen(DType::kInt, d), b = Gen(DType::kInt, d);
        double bound = std::min(a.bound, b.bound);
        *out = Make(Op::kArith, {std::move(a), std::move(b)}, "%");
        out->bound = bound;
        return true;
      }
      case 4: {
        DiffNode a = Gen(DType::kInt, d);
        double bound = a.bound;
        *out = Make(rng_.Percent(50) ? Op::kNeg : Op::kCall, {std::move(a)});
        if (out->op == Op::kCall) out->name = "abs";
        out->bound = bound;
        return true;
      }
      case 5: {  // date - date
        DiffNode a = Gen(DType::kDate, d), b = Gen(DType::kDate, d);
        if (a.op == Op::kNull || b.op == Op::kNull) return false;
        double bound = std::max(std::fabs(double(a.hi) - b.lo), std::fabs(double(a.lo) - b.hi));
        *out = Make(Op::kArith, {std::move(a), std::move(b)}, "-");
        out->bound = bound;
        return true;
      }
      case 6:
      case 7: {
        if (!cfg_.date_functions && rng_.Percent(70)) return false;
        static const std::vector<std::string> kFns = {
            "days_since", "days_until", "year", "month", "day", "quarter", "day_of_week"};
        std::string f = rng_.Pick(kFns);
        if (!cfg_.date_functions && f != "days_since" && f != "days_until") return false;
        DiffNode a = Gen(DType::kDate, d);
        double bound =
            (f == "days_since" || f == "days_until")
                ? std::max(std::fabs(double(a.hi) - today_), std::fabs(double(a.lo) - today_))
                : 10000;
        *out = Make(Op::kCall, {std::move(a)}, f);
        out->bound = bound;
        return true;
      }
      case 8: {
        if (!cfg_.string_functions) return false;
        *out = Make(Op::kCall, {Gen(DType::kString, d)}, "length");
        out->bound = 1000;
        return true;
      }
      case 9: {
        if (!cfg_.date_functions) return false;
        DiffNode a = Gen(DType::kDate, d);
        if (a.lo < today_ - 200 * 366 || a.hi > today_ + 200 * 366) return false;
        *out = Make(Op::kCall, {std::move(a)}, "months_since");
        out->bound = 12 * 250;
        return true;
      }
      case 10:
        return LeastGreatest(DType::kInt, d, out);
      default:
        return GenCommon(DType::kInt, d, out);
    }
  }

  bool GenFloat(int depth, DiffNode* out) {
    int d = depth - 1;
    switch (rng_.Below(11)) {
      case 0:
      case 1:
      case 2: {
        static const std::vector<std::string> kOps = {"+", "-", "*"};
        std::string op = rng_.Pick(kOps);
        DiffNode a = Gen(DType::kFloat, d),
                 b = Gen(rng_.Percent(30) ? DType::kInt : DType::kFloat, d);
        if (rng_.Percent(30)) std::swap(a, b);
        double bound = op == "*" ? a.bound * b.bound : a.bound + b.bound;
        if (bound > kFloatBound) return false;
        *out = Make(Op::kArith, {std::move(a), std::move(b)}, op);
        out->bound = bound;
        return true;
      }
      case 3:
      case 4: {
        if (!cfg_.division) return false;
        DiffNode a = Gen(rng_.Percent(40) ? DType::kInt : DType::kFloat, d);
        DiffNode b = Divisor(rng_.Percent(40) ? DType::kInt : DType::kFloat);
        double bound = a.bound / (b.min_nonzero > 0 ? b.min_nonzero : 1e-300);
        if (bound > kFloatBound) return false;
        *out = Make(Op::kArith, {std::move(a), std::move(b)}, "/");
        out->bound = bound;
        return true;
      }
      case 5: {
        DiffNode a = Gen(DType::kFloat, d);
        double bound = a.bound;
        *out = Make(rng_.Percent(50) ? Op::kNeg : Op::kCall, {std::move(a)});
        if (out->op == Op::kCall) out->name = "abs";
        out->bound = bound;
        return true;
      }
      case 6: {
        int which = static_cast<int>(rng_.Below(3));
        DiffNode a = Gen(DType::kFloat, d);
        double bound = a.bound + 1;
        if (which == 0 && cfg_.round) {
          std::vector<DiffNode> kids = {std::move(a)};
          if (rng_.Percent(50)) kids.push_back(IntLiteral(rng_.Between(0, 2)));
          *out = Make(Op::kCall, std::move(kids), "round");
        } else if (which > 0 && cfg_.floor_ceil) {
          *out = Make(Op::kCall, {std::move(a)}, which == 1 ? "floor" : "ceil");
        } else {
          return false;
        }
        out->bound = bound;
        return true;
      }
      case 7:
        return LeastGreatest(DType::kFloat, d, out);
      default:
        return GenCommon(DType::kFloat, d, out);
    }
  }

  bool GenString(int depth, DiffNode* out) {
    int d = depth - 1;
    switch (rng_.Below(5)) {
      case 0: {
        if (!cfg_.string_functions) return false;
        DiffNode a = Gen(DType::kString, d);
        if (!a.ascii) return false;
        *out = Make(Op::kCall, {std::move(a)}, rng_.Percent(50) ? "lower" : "upper");
        out->ascii = true;
        return true;
      }
      case 1: {
        if (!cfg_.string_functions) return false;
        DiffNode a = Gen(DType::kString, d);
        bool ascii = a.ascii;
        static const char* kTrims[] = {"trim", "ltrim", "rtrim"};
        const char* f = kTrims[rng_.Below(3)];
        // trim(s, chars) is SQLite's too: the characters (code points) of chars.
        if (rng_.Percent(40)) {
          *out = Make(Op::kCall, {std::move(a), Literal(DType::kString)}, f);
        } else {
          *out = Make(Op::kCall, {std::move(a)}, f);
        }
        out->ascii = ascii;
        return true;
      }
      default:
        return GenCommon(DType::kString, d, out);
    }
  }

  // Dates stay within [1000-01-01, 3000-12-31] so SQLite's date functions apply.
  bool DateInRange(double lo, double hi) const {
    return lo >= DaysOf(1000, 1, 1) && hi <= DaysOf(3000, 12, 31);
  }

  bool GenDate(int depth, DiffNode* out) {
    int d = depth - 1;
    switch (rng_.Below(9)) {
      case 0:
      case 1: {  // date ± int, add_days
        DiffNode a = Gen(DType::kDate, d), b = Gen(DType::kInt, d - 1);
        // A NULL literal takes its type from the other operand (NULL + i is
        // an int in docket), so the date side is never a bare NULL.
        if (a.op == Op::kNull || b.op == Op::kNull) return false;
        if (b.bound > 100000 || !DateInRange(a.lo - b.bound, a.hi + b.bound)) return false;
        int32_t lo = static_cast<int32_t>(a.lo - b.bound),
                hi = static_cast<int32_t>(a.hi + b.bound);
        int which = static_cast<int>(rng_.Below(3));
        if (which == 2 && !cfg_.date_functions) which = 0;
        if (which == 2) {
          *out = Make(Op::kCall, {std::move(a), std::move(b)}, "add_days");
        } else if (which == 1 || rng_.Percent(50)) {
          *out = Make(Op::kArith, {std::move(a), std::move(b)}, rng_.Percent(50) ? "+" : "-");
        } else {  // int + date
          *out = Make(Op::kArith, {std::move(b), std::move(a)}, "+");
        }
        out->lo = lo;
        out->hi = hi;
        return true;
      }
      case 2:
      case 3: {
        if (!cfg_.intervals) return false;
        static const std::vector<std::string> kUnits = {"DAY", "WEEK", "MONTH", "QUARTER", "YEAR"};
        DiffNode a = Gen(DType::kDate, d);
        if (a.op == Op::kNull) return false;
        int64_t n = rng_.Between(0, 40);
        std::string unit = rng_.Pick(kUnits);
        double span = unit == "DAY"       ? n
                      : unit == "WEEK"    ? 7 * n
                      : unit == "MONTH"   ? 31 * n
                      : unit == "QUARTER" ? 93 * n
                                          : 366 * n;
        if (!DateInRange(a.lo - span, a.hi + span)) return false;
        int32_t lo = static_cast<int32_t>(a.lo - span), hi = static_cast<int32_t>(a.hi + span);
        *out = Make(Op::kInterval, {std::move(a)}, rng_.Percent(50) ? "+" : "-");
        out->unit = unit;
        out->i = n;
        out->lo = lo;
        out->hi = hi;
        return true;
      }
      case 4: {
        if (!cfg_.date_functions) return false;
        DiffNode a = Gen(DType::kDate, d), b = Gen(DType::kInt, d - 1);
        if (b.bound > 1200 || !DateInRange(a.lo - 31 * b.bound, a.hi + 31 * b.bound)) return false;
        int32_t lo = static_cast<int32_t>(a.lo - 31 * b.bound),
                hi = static_cast<int32_t>(a.hi + 31 * b.bound);
        *out = Make(Op::kCall, {std::move(a), std::move(b)}, "add_months");
        out->lo = lo;
        out->hi = hi;
        return true;
      }
      case 5: {
        if (!cfg_.date_functions) return false;
        static const std::vector<std::string> kUnits = {"week", "month", "quarter", "year"};
        DiffNode a = Gen(DType::kDate, d);
        if (!DateInRange(a.lo - 400, a.hi)) return false;
        int32_t lo = a.lo - 400, hi = a.hi;
        *out = Make(Op::kCall, {std::move(a)}, "date_trunc");
        out->unit = rng_.Pick(kUnits);
        out->lo = lo;
        out->hi = hi;
        return true;
      }
      case 6: {
        if (!cfg_.date_functions) return false;
        static const std::vector<int64_t> kMonths = {1, 3, 6, 12, 5};
        DiffNode a = Gen(DType::kDate, d);
        int64_t m = rng_.Pick(kMonths);
        int32_t lo = std::min<int32_t>(a.lo, static_cast<int32_t>(today_)),
                hi = std::max<int32_t>(a.hi, static_cast<int32_t>(today_)) +
                     31 * static_cast<int32_t>(m);
        if (!DateInRange(lo, hi) || a.lo < today_ - 200 * 366) return false;
        *out = Make(Op::kCall, {std::move(a), IntLiteral(m)}, "next_anniversary");
        out->lo = lo;
        out->hi = hi;
        return true;
      }
      default:
        return GenCommon(DType::kDate, d, out);
    }
  }

  Rng& rng_;
  const std::vector<DiffColumn>& cols_;
  int64_t today_;
  GenConfig cfg_;
};

// Number of nodes (for picking the smallest failing case).
inline int NodeCount(const DiffNode& n) {
  int c = 1;
  for (const DiffNode& k : n.kids) c += NodeCount(k);
  return c;
}

}  // namespace docket::difftest

#endif  // DOCKET_TESTS_LANG_DIFFERENTIAL_EXPR_H_
