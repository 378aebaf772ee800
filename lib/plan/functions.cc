// plan/functions.cc — the function registry (see functions.h): the typing
// rules first, then the table of entries in the order of docs/language.md.
#include "plan/functions.h"

#include <array>
#include <utility>

#include "absl/strings/ascii.h"
#include "plan/binder.h"

namespace docket::plan {
namespace {

using Result = absl::StatusOr<BoundExpr>;

// The entry's one kernel (for the functions that lower to a single Fn).
Fn OnlyFn(const CallBinding& c) { return c.entry().lowers_to.front().fn; }

// ---------------------------------------------------------------------------
// NULLs.

// Leading NULLs drop out; a non-NULL constant ends the list.
Result BindCoalesce(CallBinding& c) {
  absl::StatusOr<ExprType> t = c.UnifyAll("mix");
  if (!t.ok()) return t.status();
  ExprBuilder& b = c.builder();
  std::vector<int32_t> kept;
  for (const BoundExpr& a : c.args()) {
    if (b.IsNullConst(a.id)) continue;
    kept.push_back(a.id);
    if (b.IsConst(a.id)) break;
  }
  if (kept.empty()) return c.Existing(b.Null(*t), *t);
  if (kept.size() == 1) return c.Existing(kept[0], *t);
  return c.Operator(Op::kCoalesce, *t, std::move(kept));
}

Result BindNullIf(CallBinding& c) {
  absl::StatusOr<ExprType> t = c.Unify({&c.arg(0), &c.arg(1)}, "compare");
  if (!t.ok()) return t.status();
  return c.Call(Fn::kNullIf, *t, {c.arg(0).id, c.arg(1).id});
}

// least / greatest: the common type of the arguments, bool excepted.
Result BindLeastGreatest(CallBinding& c) {
  absl::StatusOr<ExprType> t = c.UnifyAll("mix");
  if (!t.ok()) return t.status();
  if (*t == ExprType::kBool) return c.Error(c.span(), c.name() + "() does not take bool arguments");
  std::vector<int32_t> args;
  for (const BoundExpr& a : c.args()) args.push_back(a.id);
  return c.Call(OnlyFn(c), *t, std::move(args));
}

// ---------------------------------------------------------------------------
// Dates.  Every date argument also takes a timestamp (its civil date in the
// zone), a date string literal and NULL (AsDate).

// days_since(d) is today - d and days_until(d) is d - today, as Op::kDateDiff
// nodes, so that the builder's as_of rewrites see them.
Result BindDaysSince(CallBinding& c) {
  if (absl::Status s = c.AsDate(0, c.name()); !s.ok()) return s;
  return c.Operator(Op::kDateDiff, ExprType::kInt, {c.builder().Today(), c.arg(0).id});
}

Result BindDaysUntil(CallBinding& c) {
  if (absl::Status s = c.AsDate(0, c.name()); !s.ok()) return s;
  return c.Operator(Op::kDateDiff, ExprType::kInt, {c.arg(0).id, c.builder().Today()});
}

Result BindMonthsSince(CallBinding& c) {
  if (absl::Status s = c.AsDate(0, c.name()); !s.ok()) return s;
  return c.Call(Fn::kMonthsSince, ExprType::kInt, {c.arg(0).id, c.builder().Today()});
}

// add_days / add_months: the operators of d + n and d + INTERVAL n MONTH.
Result BindAddDays(CallBinding& c) {
  if (absl::Status s = c.AsDate(0, c.name()); !s.ok()) return s;
  if (absl::Status s = c.AsInt(1, c.name() + "()"); !s.ok()) return s;
  return c.Operator(Op::kDateAddDays, ExprType::kDate, {c.arg(0).id, c.arg(1).id});
}

Result BindAddMonths(CallBinding& c) {
  if (absl::Status s = c.AsDate(0, c.name()); !s.ok()) return s;
  if (absl::Status s = c.AsInt(1, c.name() + "()"); !s.ok()) return s;
  return c.Operator(Op::kAddMonths, ExprType::kDate, {c.arg(0).id, c.arg(1).id});
}

// date(x) is its argument's conversion to a date (Op::kTsToDate for a
// timestamp, a constant for a string literal, the date itself).
Result BindDate(CallBinding& c) {
  if (absl::Status s = c.AsDate(0, c.name()); !s.ok()) return s;
  BoundExpr out = c.arg(0);
  out.span = c.span();
  return out;
}

// year, quarter, month, day, day_of_week: date → int.
Result BindDatePart(CallBinding& c) {
  if (absl::Status s = c.AsDate(0, c.name()); !s.ok()) return s;
  return c.Call(OnlyFn(c), ExprType::kInt, {c.arg(0).id});
}

Result BindDateTrunc(CallBinding& c) {
  const BoundExpr& unit_arg = c.arg(0);
  if (!unit_arg.string_literal) {
    return c.Error(unit_arg.span,
                   "the unit of date_trunc must be 'week', 'month', 'quarter' or 'year'",
                   "write date_trunc('month', d)");
  }
  static constexpr std::array<std::pair<std::string_view, Fn>, 4> kUnits = {
      {{"week", Fn::kTruncWeek},
       {"month", Fn::kTruncMonth},
       {"quarter", Fn::kTruncQuarter},
       {"year", Fn::kTruncYear}}};
  std::string unit = absl::AsciiStrToLower(c.builder().node(unit_arg.id).value.string_value());
  const auto* it =
      std::find_if(kUnits.begin(), kUnits.end(), [&](const auto& u) { return u.first == unit; });
  if (it == kUnits.end()) {
    return c.Error(unit_arg.span, "unknown date_trunc unit '" + unit + "'",
                   "use 'week', 'month', 'quarter' or 'year'");
  }
  if (absl::Status s = c.AsDate(1, c.name()); !s.ok()) return s;
  return c.Call(it->second, ExprType::kDate, {c.arg(1).id});
}

Result BindNextAnniversary(CallBinding& c) {
  if (absl::Status s = c.AsDate(0, c.name()); !s.ok()) return s;
  if (absl::Status s = c.AsInt(1, c.name() + "()"); !s.ok()) return s;
  return c.Call(Fn::kNextAnniversary, ExprType::kDate,
                {c.arg(0).id, c.arg(1).id, c.builder().Today()});
}

// ---------------------------------------------------------------------------
// Strings.

// lower, upper, trim, ltrim, rtrim: string → string; trim(s, chars) and its
// kin take the characters to strip as a second string.
Result BindStringMap(CallBinding& c) {
  if (absl::Status s = c.AsString(0, c.name() + "()"); !s.ok()) return s;
  if (c.argc() == 2) {
    if (absl::Status s = c.AsString(1, c.name() + "()"); !s.ok()) return s;
    return c.Call(OnlyFn(c), ExprType::kString, {c.arg(0).id, c.arg(1).id});
  }
  return c.Call(OnlyFn(c), ExprType::kString, {c.arg(0).id});
}

Result BindLength(CallBinding& c) {
  if (absl::Status s = c.AsString(0, c.name() + "()"); !s.ok()) return s;
  return c.Call(Fn::kLength, ExprType::kInt, {c.arg(0).id});
}

// contains, starts_with, ends_with: (string, string) → bool.
Result BindStringTest(CallBinding& c) {
  if (absl::Status s = c.AsString(0, c.name() + "()"); !s.ok()) return s;
  if (absl::Status s = c.AsString(1, c.name() + "()"); !s.ok()) return s;
  return c.Call(OnlyFn(c), ExprType::kBool, {c.arg(0).id, c.arg(1).id});
}

// ---------------------------------------------------------------------------
// Numbers.  The result has the argument's type; floor, ceil and round of an
// int are the int itself (no node).

Result BindAbs(CallBinding& c) {
  if (absl::Status s = c.AsNumber(0, c.name() + "()"); !s.ok()) return s;
  return c.Call(Fn::kAbs, c.arg(0).type, {c.arg(0).id});
}

Result BindFloorCeil(CallBinding& c) {
  if (absl::Status s = c.AsNumber(0, c.name() + "()"); !s.ok()) return s;
  if (c.arg(0).type == ExprType::kInt) return c.arg(0);
  return c.Call(OnlyFn(c), c.arg(0).type, {c.arg(0).id});
}

Result BindRound(CallBinding& c) {
  if (absl::Status s = c.AsNumber(0, c.name() + "()"); !s.ok()) return s;
  const ExprType t = c.arg(0).type;
  if (c.argc() == 2) {
    if (absl::Status s = c.AsInt(1, "round()"); !s.ok()) return s;
    return c.Call(Fn::kRoundTo, t, {c.arg(0).id, c.arg(1).id});
  }
  if (t == ExprType::kInt) return c.arg(0);
  return c.Call(Fn::kRound, t, {c.arg(0).id});
}

// ---------------------------------------------------------------------------
// The registry.

std::vector<FunctionEntry> MakeFunctions() {
  using K = FunctionKind;
  using N = NullRule;
  // One entry per paragraph reads better than one field per line.
  // clang-format off
  return {
      // NULLs
      {"coalesce", K::kScalar, 1, -1,
       "coalesce(a, b, …)", "coalesce(a, b, …) -> common type of its arguments",
       "the first non-NULL argument; later arguments are evaluated only for rows still NULL",
       "coalesce(forecast, 'none') = 'none'",
       N::kSkipNulls, BindCoalesce, {}},
      {"nullif", K::kScalar, 2, 2,
       "nullif(a, b)", "nullif(a, b) -> type of a",
       "NULL when a = b, else a",
       "arr / nullif(seats, 0) > 1000",
       N::kNullIf, BindNullIf, {{Fn::kNullIf, "nullif"}}},
      // Dates
      {"days_since", K::kScalar, 1, 1,
       "days_since(d)", "days_since(date | timestamp) -> int",
       "`today - d` in days",
       "days_since(pulse_changed_at) > 90",
       N::kStrict, BindDaysSince, {}},
      {"days_until", K::kScalar, 1, 1,
       "days_until(d)", "days_until(date | timestamp) -> int",
       "`d - today` in days",
       "days_until(renewal_date) <= 180",
       N::kStrict, BindDaysUntil, {}},
      {"months_since", K::kScalar, 1, 1,
       "months_since(d)", "months_since(date | timestamp) -> int",
       "whole calendar months from d to today, clamped (Jan 31 → Feb 28 is one month); negative "
       "for future dates",
       "months_since(subscription_start) >= 3",
       N::kStrict, BindMonthsSince, {{Fn::kMonthsSince, "months_since"}}},
      {"add_days", K::kScalar, 2, 2,
       "add_days(d, n)", "add_days(date, int) -> date",
       "d + n days",
       "add_days(created_at, 30) <= today",
       N::kStrict, BindAddDays, {}},
      {"add_months", K::kScalar, 2, 2,
       "add_months(d, n)", "add_months(date, int) -> date",
       "d + n months, clamped to the month's end",
       "add_months(subscription_start, 12) <= today",
       N::kStrict, BindAddMonths, {}},
      {"date", K::kScalar, 1, 1,
       "date(x)", "date(timestamp | date | string literal) -> date",
       "the civil date of a timestamp (in the zone); a date unchanged; `date('2026-01-01')`",
       "date(last_login_at) = today",
       N::kStrict, BindDate, {}},
      {"year", K::kScalar, 1, 1,
       "year(d)", "year(date) -> int",
       "the calendar year",
       "year(renewal_date) = 2027",
       N::kStrict, BindDatePart, {{Fn::kYear, "year"}}},
      {"quarter", K::kScalar, 1, 1,
       "quarter(d)", "quarter(date) -> int",
       "the calendar quarter, 1 … 4",
       "quarter(renewal_date) = 4",
       N::kStrict, BindDatePart, {{Fn::kQuarter, "quarter"}}},
      {"month", K::kScalar, 1, 1,
       "month(d)", "month(date) -> int",
       "the month, 1 … 12",
       "month(renewal_date) = 12",
       N::kStrict, BindDatePart, {{Fn::kMonth, "month"}}},
      {"day", K::kScalar, 1, 1,
       "day(d)", "day(date) -> int",
       "the day of the month, 1 … 31",
       "day(today) = 1",
       N::kStrict, BindDatePart, {{Fn::kDay, "day"}}},
      {"day_of_week", K::kScalar, 1, 1,
       "day_of_week(d)", "day_of_week(date) -> int (ISO: Monday = 1 … Sunday = 7)",
       "ISO: Monday = 1 … Sunday = 7",
       "day_of_week(today) = 1",
       N::kStrict, BindDatePart, {{Fn::kDayOfWeek, "day_of_week"}}},
      {"date_trunc", K::kScalar, 2, 2,
       "date_trunc(unit, d)", "date_trunc('week' | 'month' | 'quarter' | 'year', date) -> date",
       "first day of d's `'week'` (Monday), `'month'`, `'quarter'` or `'year'` (unit: a constant "
       "string)",
       "date_trunc('month', closed_at) = date_trunc('month', today)",
       N::kStrict, BindDateTrunc,
       {{Fn::kTruncWeek, "date_trunc_week"},
        {Fn::kTruncMonth, "date_trunc_month"},
        {Fn::kTruncQuarter, "date_trunc_quarter"},
        {Fn::kTruncYear, "date_trunc_year"}}},
      {"next_anniversary", K::kScalar, 2, 2,
       "next_anniversary(d, months)", "next_anniversary(date, months int) -> date",
       "the first date ≥ today equal to `add_months(d, k * months)` for some k ≥ 1; NULL when "
       "months ≤ 0",
       "next_anniversary(subscription_start, 3) <= today + 14",
       N::kStrict, BindNextAnniversary,
       {{Fn::kNextAnniversary, "next_anniversary", /*fallible=*/true}}},
      // Strings
      {"lower", K::kScalar, 1, 1,
       "lower(s)", "lower(string) -> string",
       "Unicode simple case mapping (libutf8proc): `lower('MÜHLEISEN')` is `'mühleisen'`; bytes that are not UTF-8 unchanged",
       "lower(segment) = 'enterprise'",
       N::kStrict, BindStringMap, {{Fn::kLower, "lower"}}},
      {"upper", K::kScalar, 1, 1,
       "upper(s)", "upper(string) -> string",
       "Unicode simple case mapping (libutf8proc): `upper('MotörHead')` is `'MOTÖRHEAD'`; bytes that are not UTF-8 unchanged",
       "upper(region) = 'EMEA'",
       N::kStrict, BindStringMap, {{Fn::kUpper, "upper"}}},
      {"length", K::kScalar, 1, 1,
       "length(s)", "length(string) -> int (UTF-8 code points)",
       "number of UTF-8 code points (`length('✓')` = 1)",
       "length(name) > 40",
       N::kStrict, BindLength, {{Fn::kLength, "length"}}},
      {"trim", K::kScalar, 1, 2,
       "trim(s [, chars])", "trim(string [, chars string]) -> string",
       "s without leading and trailing ASCII whitespace, or without the characters (code points) of chars: `trim('xxhixx', 'x')` is `'hi'`",
       "trim(notes) = ''",
       N::kStrict, BindStringMap, {{Fn::kTrim, "trim"}}},
      {"ltrim", K::kScalar, 1, 2,
       "ltrim(s [, chars])", "ltrim(string [, chars string]) -> string",
       "s without leading ASCII whitespace (or the characters of chars)",
       "ltrim(notes) <> notes",
       N::kStrict, BindStringMap, {{Fn::kLTrim, "ltrim"}}},
      {"rtrim", K::kScalar, 1, 2,
       "rtrim(s [, chars])", "rtrim(string [, chars string]) -> string",
       "s without trailing ASCII whitespace (or the characters of chars)",
       "rtrim(name) <> name",
       N::kStrict, BindStringMap, {{Fn::kRTrim, "rtrim"}}},
      {"contains", K::kScalar, 2, 2,
       "contains(s, t)", "contains(string, string) -> bool",
       "TRUE when t occurs in s (bytewise)",
       "contains(email, '@acme.')",
       N::kStrict, BindStringTest, {{Fn::kContains, "contains"}}},
      {"starts_with", K::kScalar, 2, 2,
       "starts_with(s, t)", "starts_with(string, string) -> bool",
       "TRUE when s begins with t (bytewise)",
       "starts_with(name, 'Acme')",
       N::kStrict, BindStringTest, {{Fn::kStartsWith, "starts_with"}}},
      {"ends_with", K::kScalar, 2, 2,
       "ends_with(s, t)", "ends_with(string, string) -> bool",
       "TRUE when s ends with t (bytewise)",
       "ends_with(email, '.edu')",
       N::kStrict, BindStringTest, {{Fn::kEndsWith, "ends_with"}}},
      // Numbers
      {"abs", K::kScalar, 1, 1,
       "abs(x)", "abs(int | float) -> same type",
       "absolute value (int `abs` of the minimum int overflows)",
       "abs(delta) > 10",
       N::kStrict, BindAbs, {{Fn::kAbs, "abs", /*fallible=*/true}}},
      {"round", K::kScalar, 1, 2,
       "round(x [, n])", "round(x [, digits int]) -> type of x",
       "half away from zero; n digits (negative n rounds ints to tens, hundreds…)",
       "round(score, 1) >= 4.5",
       N::kStrict, BindRound,
       {{Fn::kRound, "round", /*fallible=*/true},
        {Fn::kRoundTo, "round", /*fallible=*/true}}},
      {"floor", K::kScalar, 1, 1,
       "floor(x)", "floor(int | float) -> same type",
       "the largest whole number ≤ x, same type as x",
       "floor(nps / 10) = 9",
       N::kStrict, BindFloorCeil, {{Fn::kFloor, "floor", /*fallible=*/true}}},
      {"ceil", K::kScalar, 1, 1,
       "ceil(x)", "ceil(int | float) -> same type",
       "the smallest whole number ≥ x, same type as x",
       "ceil(usage_30d / 7) > 10",
       N::kStrict, BindFloorCeil, {{Fn::kCeil, "ceil", /*fallible=*/true}}},
      {"least", K::kScalar, 1, -1,
       "least(a, …)", "least(a, b, …) -> common type (NULLs ignored)",
       "smallest non-NULL argument (NULL only when all are NULL, as in PostgreSQL and DuckDB)",
       "least(renewal_date, contract_end) < today + 30",
       N::kSkipNulls, BindLeastGreatest, {{Fn::kLeast, "least"}}},
      {"greatest", K::kScalar, 1, -1,
       "greatest(a, …)", "greatest(a, b, …) -> common type (NULLs ignored)",
       "largest non-NULL argument (NULL only when all are NULL, as in PostgreSQL and DuckDB)",
       "greatest(last_call, last_email) < today - 30",
       N::kSkipNulls, BindLeastGreatest, {{Fn::kGreatest, "greatest"}}},
      // Related records (Binder::BindAggregate)
      {"exists", K::kRelated, 1, 1,
       "exists(child [WHERE p])", "exists(child_table WHERE …)",
       "bool: some row",
       "NOT exists(contacts WHERE persona = 'decision maker')",
       N::kAggregate, nullptr, {}},
      {"count", K::kRelated, 1, 1,
       "count(child [WHERE p])", "count(child_table [WHERE …])",
       "int: the rows (with `child.col`: the rows whose col is not NULL)",
       "count(tasks WHERE status = 'open') > 5",
       N::kAggregate, nullptr, {}},
      {"sum", K::kRelated, 1, 1,
       "sum(child.col [WHERE p])", "sum(child_table.column [WHERE …])",
       "int or float (the column's type); NULLs ignored",
       "sum(opportunities.amount WHERE stage = 'proposal') > 1e5",
       N::kAggregate, nullptr, {}},
      {"avg", K::kRelated, 1, 1,
       "avg(child.col [WHERE p])", "avg(child_table.column [WHERE …])",
       "float; NULLs ignored",
       "avg(surveys.score) < 7",
       N::kAggregate, nullptr, {}},
      {"min", K::kRelated, 1, 1,
       "min(child.col [WHERE p])", "min(child_table.column [WHERE …])",
       "the column's type (int, float, date, timestamp); NULLs ignored",
       "min(tasks.due_date WHERE status = 'open') < today",
       N::kAggregate, nullptr, {}},
      {"max", K::kRelated, 1, 1,
       "max(child.col [WHERE p])", "max(child_table.column [WHERE …])",
       "the column's type (int, float, date, timestamp); NULLs ignored",
       "max(meetings.held_at) < today - 60",
       N::kAggregate, nullptr, {}},
      // History (Binder::BindHistory)
      {"prev", K::kHistory, 1, 2,
       "prev(x [, INTERVAL n UNIT])", "prev(column [, INTERVAL n DAY|WEEK|MONTH|QUARTER|YEAR])",
       "x for the same key in the latest snapshot before today (or on or before today - interval)",
       "prev(health_score, INTERVAL 30 DAY) - health_score > 10",
       N::kHistory, nullptr, {}},
      {"changed", K::kHistory, 1, 2,
       "changed(x [, INTERVAL n UNIT])", "changed(column [, INTERVAL n UNIT]) -> bool",
       "x IS DISTINCT FROM its older value; NULL for a new key or without a snapshot",
       "changed(csm)",
       N::kHistory, nullptr, {}},
      {"pct_change", K::kHistory, 1, 2,
       "pct_change(x [, INTERVAL n UNIT])", "pct_change(number column [, INTERVAL n UNIT]) -> float",
       "(x - prev) / prev; NULL and a counted division by zero when prev is 0",
       "pct_change(usage_30d, INTERVAL 30 DAY) < -0.3",
       N::kHistory, nullptr, {}},
      {"is_new", K::kHistory, 0, 1,
       "is_new([INTERVAL n UNIT])", "is_new([INTERVAL n UNIT]) -> bool",
       "the key is not in the older snapshot; NULL without a snapshot",
       "is_new() AND arr > 100000",
       N::kHistory, nullptr, {}},
  };
  // clang-format on
}

}  // namespace

std::string_view NullRuleText(NullRule r) {
  switch (r) {
    case NullRule::kStrict:
      return "NULL when an argument is NULL";
    case NullRule::kSkipNulls:
      return "NULL arguments skipped";
    case NullRule::kNullIf:
      return "NULL when a is NULL";
    case NullRule::kAggregate:
      return "NULL values ignored";
    case NullRule::kHistory:
      return "NULL without an earlier value";
  }
  return "";
}

const std::vector<FunctionEntry>& Functions() {
  static const auto* kFunctions = new std::vector<FunctionEntry>(MakeFunctions());
  return *kFunctions;
}

const FunctionEntry* FindFunction(std::string_view lower_name) {
  for (const FunctionEntry& f : Functions()) {
    if (f.name == lower_name) return &f;
  }
  return nullptr;
}

std::vector<std::string> FunctionNames() {
  std::vector<std::string> out;
  for (const FunctionEntry& f : Functions()) out.emplace_back(f.name);
  return out;
}

const FnInfo& FnInfoOf(Fn fn) {
  static const auto* kByFn = [] {
    auto* table = new std::array<FnInfo, kFnCount>{};
    for (const FunctionEntry& e : Functions()) {
      for (const Lowering& l : e.lowers_to) {
        int i = static_cast<int>(l.fn);
        if (i < kFnCount && (*table)[i].entry == nullptr) (*table)[i] = FnInfo{&e, &l};
      }
    }
    return table;
  }();
  static const FnInfo kNone{};
  int i = static_cast<int>(fn);
  return i < kFnCount ? (*kByFn)[i] : kNone;
}

NullRule NullsOf(Fn fn) {
  const FnInfo& info = FnInfoOf(fn);
  return info.entry != nullptr ? info.entry->nulls : NullRule::kStrict;
}

bool IsFallibleFn(Fn fn) {
  const FnInfo& info = FnInfoOf(fn);
  return info.lowering != nullptr && info.lowering->fallible;
}

}  // namespace docket::plan
