// Semantic tables for every operator and function: TRUE / FALSE / NULL for
// literal (folded) and column (vectorized) operands, NULLs, empty strings,
// unicode, month ends, leap days, time zones and DST.
#include <gtest/gtest.h>

#include "docket/program.h"
#include "exec/test_table.h"

namespace docket {
namespace {

using testing::Col;
using testing::D;

enum Tri { F, T, N, ERR };

std::ostream& operator<<(std::ostream& os, Tri t) {
  return os << (t == T ? "TRUE" : t == F ? "FALSE" : t == N ? "NULL" : "ERROR");
}

int64_t Micros(int y, int mo, int d, int h, int mi, int s) {
  return (int64_t{D(y, mo, d)} * 86400 + h * 3600 + mi * 60 + s) * 1000000;
}

class Semantics : public ::testing::Test {
 protected:
  Semantics() {
    testing::TableBuilder tb("t");
    tb.Add("i", Col<int64_t>(DataType::Int(), {7}))
        .Add("neg", Col<int64_t>(DataType::Int(), {-7}))
        .Add("zero", Col<int64_t>(DataType::Int(), {0}))
        .Add("big", Col<int64_t>(DataType::Int(), {INT64_MAX}))
        .Add("small", Col<int64_t>(DataType::Int(), {INT64_MIN}))
        .Add("f", Col<double>(DataType::Float(), {2.5}))
        .Add("s", Col<std::string>(DataType::String(), {"abc"}, StringEncoding::kPlain))
        .Add("e", Col<std::string>(DataType::String(), {""}, StringEncoding::kPlain))
        .Add("u", Col<std::string>(DataType::String(), {"Ünïcödé ✓"}, StringEncoding::kPlain))
        .Add("pad", Col<std::string>(DataType::String(), {"  hi \t"}, StringEncoding::kPlain))
        .Add("d", Col<int64_t>(DataType::Date(), {D(2026, 1, 31)}))
        .Add("leap", Col<int64_t>(DataType::Date(), {D(2024, 2, 29)}))
        .Add("ts",
             Col<int64_t>(DataType::Timestamp(TimeUnit::kMicro), {Micros(2026, 3, 8, 4, 30, 0)}))
        .Add("tsms", Col<int64_t>(DataType::Timestamp(TimeUnit::kMilli),
                                  {Micros(2026, 11, 22, 3, 0, 0) / 1000}))
        .Add("b", Col<bool>(DataType::Bool(), {true}))
        .Add("ni", Col<int64_t>(DataType::Int(), {std::nullopt}))
        .Add("nf", Col<double>(DataType::Float(), {std::nullopt}))
        .Add("ns", Col<std::string>(DataType::String(), {std::nullopt}))
        .Add("nd", Col<int64_t>(DataType::Date(), {std::nullopt}))
        .Add("nb", Col<bool>(DataType::Bool(), {std::nullopt}));
    snapshot_ = testing::SnapshotOf(tb.Build());
    opts_.as_of = absl::CivilDay(2026, 11, 22);
    opts_.want_nulls = true;
  }

  Tri Eval(const std::string& expr, const EvalOptions* opts = nullptr) {
    auto pred = CompiledPredicate::Compile(expr, snapshot_.schema, "t");
    if (!pred.ok()) {
      last_error_ = std::string(pred.status().message());
      return ERR;
    }
    auto r = pred->Evaluate(snapshot_, opts ? *opts : opts_);
    if (!r.ok()) {
      last_error_ = std::string(r.status().message());
      return ERR;
    }
    last_diag_ = r->diagnostics;
    if (r->rows.Get(0)) return T;
    return r->nulls.Get(0) ? N : F;
  }

  Snapshot snapshot_;
  EvalOptions opts_;
  std::string last_error_;
  Diagnostics last_diag_;
};

#define EXPECT_TRI(expr, want) EXPECT_EQ(Eval(expr), want) << (expr) << "  " << last_error_

TEST_F(Semantics, KleeneLogic) {
  struct Case {
    const char* expr;
    Tri want;
  };
  for (const Case& c : std::vector<Case>{
           {"TRUE AND TRUE", T},    {"TRUE AND FALSE", F},  {"TRUE AND NULL", N},
           {"FALSE AND NULL", F},   {"NULL AND NULL", N},   {"TRUE OR NULL", T},
           {"FALSE OR NULL", N},    {"FALSE OR FALSE", F},  {"NOT NULL", N},
           {"NOT TRUE", F},         {"NOT FALSE", T},       {"b AND nb", N},
           {"NOT b AND nb", F},     {"b OR nb", T},         {"NOT b OR nb", N},
           {"NOT nb", N},           {"nb AND NOT b", F},    {"nb OR b", T},
           {"nb AND nb", N},        {"nb OR NOT b", N},     {"i > 5 AND ni > 5", N},
           {"i > 9 AND ni > 5", F}, {"i > 9 OR ni > 5", N}, {"i > 5 OR ni > 5", T},
       }) {
    EXPECT_TRI(c.expr, c.want);
  }
}

TEST_F(Semantics, ComparisonsAndNulls) {
  for (auto [expr, want] : std::vector<std::pair<const char*, Tri>>{
           {"i = 7", T},
           {"i == 7", T},
           {"i != 7", F},
           {"i <> 8", T},
           {"i < 8", T},
           {"i <= 7", T},
           {"i > 7", F},
           {"i >= 7", T},
           {"ni = 7", N},
           {"ni <> 7", N},
           {"7 = ni", N},
           {"i = NULL", N},
           {"NULL = NULL", N},
           {"f = 2.5", T},
           {"i > f", T},
           {"i = 7.0", T},
           {"f < 3", T},
           {"s = 'abc'", T},
           {"s < 'abd'", T},
           {"s > 'ab'", T},
           {"e = ''", T},
           {"e < 'a'", T},
           {"ns = ''", N},
           {"'B' < 'a'", T},
           {"u > 'z'", T},
           {"b = TRUE", T},
           {"b > FALSE", T},
           {"d = DATE '2026-01-31'", T},
           {"d = '2026-01-31'", T},
           {"'2026-01-31' = d", T},
           {"d < '2026-02-01'", T},
           {"nd < '2026-02-01'", N},
           {"s IS NULL", F},
           {"ns IS NULL", T},
           {"ns IS NOT NULL", F},
           {"NULL IS NULL", T},
           {"ni + 1 IS NULL", T},
       }) {
    EXPECT_TRI(expr, want);
  }
}

TEST_F(Semantics, InBetween) {
  for (auto [expr, want] : std::vector<std::pair<const char*, Tri>>{
           {"i IN (1, 7)", T},
           {"i IN (1, 2)", F},
           {"i IN (1, NULL)", N},
           {"i IN (7, NULL)", T},
           {"i NOT IN (1, 2)", T},
           {"i NOT IN (1, NULL)", N},
           {"i NOT IN (7, NULL)", F},
           {"ni IN (1, 2)", N},
           {"i IN (f, 7)", T},
           {"i IN (neg, zero)", F},
           {"i IN (neg, ni)", N},
           {"f IN (2.5, 3)", T},
           {"s IN ('x', 'abc')", T},
           {"s IN ('x', 'y', 'z', 'w', 'v', 'abc')", T},
           {"e IN ('')", T},
           {"d IN ('2026-01-31', '2026-02-01')", T},
           {"i IN (1,2,3,4,5,6,7,8,9,10,11)", T},
           {"i BETWEEN 1 AND 7", T},
           {"i BETWEEN 8 AND 9", F},
           {"i NOT BETWEEN 8 AND 9", T},
           {"i BETWEEN ni AND 9", N},
           {"i BETWEEN ni AND 5", F},
           {"i BETWEEN 9 AND 1", F},
           {"ni BETWEEN 1 AND 9", N},
           {"f BETWEEN 2 AND 3", T},
           {"s BETWEEN 'a' AND 'b'", T},
           {"d BETWEEN '2026-01-01' AND '2026-01-31'", T},
       }) {
    EXPECT_TRI(expr, want);
  }
}

TEST_F(Semantics, Arithmetic) {
  for (auto [expr, want] : std::vector<std::pair<const char*, Tri>>{
           {"i + 1 = 8", T},      {"i - 10 = -3", T},
           {"i * 3 = 21", T},     {"i / 2 = 3.5", T},
           {"7 / 2 = 3.5", T},    {"i % 3 = 1", T},
           {"neg % 3 = -1", T},   {"i % -3 = 1", T},
           {"neg % -3 = -1", T},  {"-i = neg", T},
           {"- -i = 7", T},       {"f * 2 = 5", T},
           {"f + i = 9.5", T},    {"i % 2.5 = 2", T},
           {"2 + 3 * 4 = 14", T}, {"(2 + 3) * 4 = 20", T},
           {"10 - 4 - 3 = 3", T}, {"12 / 3 / 2 = 2", T},
           {"-3 * -3 = 9", T},    {"ni + 1 = 1", N},
           {"i / 0 > 0", N},      {"i % 0 = 0", N},
           {"f / 0 > 0", N},      {"i / zero > 0", N},
           {"i % zero = 0", N},   {"big + 1 > 0", N},
           {"small - 1 < 0", N},  {"big * 2 > 0", N},
           {"-small > 0", N},     {"big + 0 > 0", T},
           {"small % -1 = 0", T}, {"9223372036854775807 + 1 > 0", N},
       }) {
    EXPECT_TRI(expr, want);
  }
}

TEST_F(Semantics, DiagnosticsCountDivisionByZeroAndOverflow) {
  EXPECT_TRI("i / zero > 0", N);
  EXPECT_EQ(last_diag_.division_by_zero, 1);
  EXPECT_TRI("big + i > 0", N);
  EXPECT_EQ(last_diag_.int_overflow, 1);
  EXPECT_TRI("i % zero = 1", N);
  EXPECT_EQ(last_diag_.division_by_zero, 1);
  // Short-circuit: the right side is not evaluated for rows already decided.
  EXPECT_TRI("zero = 0 OR i / zero > 0", T);
  EXPECT_EQ(last_diag_.division_by_zero, 0);
}

TEST_F(Semantics, DateArithmetic) {
  for (auto [expr, want] : std::vector<std::pair<const char*, Tri>>{
           {"d + 1 = '2026-02-01'", T},
           {"1 + d = '2026-02-01'", T},
           {"d - 31 = '2025-12-31'", T},
           {"d - DATE '2026-01-01' = 30", T},
           {"DATE '2026-01-01' - d = -30", T},
           {"d + INTERVAL 1 MONTH = '2026-02-28'", T},
           {"leap + INTERVAL 1 YEAR = '2025-02-28'", T},
           {"leap - INTERVAL 4 YEARS = '2020-02-29'", T},
           {"d + INTERVAL 1 QUARTER = '2026-04-30'", T},
           {"d + INTERVAL 2 WEEKS = '2026-02-14'", T},
           {"d + INTERVAL 3 DAYS = '2026-02-03'", T},
           {"d - INTERVAL 1 MONTH = '2025-12-31'", T},
           {"INTERVAL 1 DAY + d = '2026-02-01'", T},
           {"DATE '2024-03-31' - INTERVAL 1 MONTH = '2024-02-29'", T},
           {"today = '2026-11-22'", T},
           {"today - INTERVAL 4 MONTH = '2026-07-22'", T},
           {"nd + 1 IS NULL", T},
           {"d + INTERVAL -1 MONTH = '2025-12-31'", T},
           {"add_days(d, 1) = '2026-02-01'", T},
           {"add_months(d, 1) = '2026-02-28'", T},
           {"add_months(leap, 12) = '2025-02-28'", T},
           {"add_months(leap, 48) = '2028-02-29'", T},
           {"add_days(d, 9223372036854775807) IS NULL", T},
       }) {
    EXPECT_TRI(expr, want);
  }
}

TEST_F(Semantics, DateFunctions) {
  for (auto [expr, want] : std::vector<std::pair<const char*, Tri>>{
           {"days_since(d) = 295", T},
           {"days_until(d) = -295", T},
           {"days_since(today) = 0", T},
           {"days_since(nd) IS NULL", T},
           {"days_since(d) > 90", T},
           {"days_since(d) BETWEEN 200 AND 300", T},
           {"days_until('2026-12-01') = 9", T},
           {"days_until(d) <= 180", T},
           {"months_since(d) = 9", T},
           {"months_since(DATE '2026-10-22') = 1", T},
           {"months_since(DATE '2026-10-23') = 0", T},
           {"months_since(DATE '2026-12-22') = -1", T},
           {"months_since(DATE '2027-01-21') = -1", T},
           {"year(d) = 2026", T},
           {"month(d) = 1", T},
           {"day(d) = 31", T},
           {"quarter(d) = 1", T},
           {"quarter(DATE '2026-12-31') = 4", T},
           {"day_of_week(DATE '2026-11-23') = 1", T},
           {"day_of_week(DATE '2026-11-22') = 7", T},
           {"day_of_week(DATE '1970-01-01') = 4", T},
           {"day_of_week(DATE '1969-12-29') = 1", T},
           {"date_trunc('week', DATE '2026-11-22') = '2026-11-16'", T},
           {"date_trunc('month', d) = '2026-01-01'", T},
           {"date_trunc('quarter', DATE '2026-08-15') = '2026-07-01'", T},
           {"date_trunc('YEAR', d) = '2026-01-01'", T},
           {"date(ts) = '2026-03-08'", T},
           {"next_anniversary(d, 3) = '2027-01-31'", T},
           {"next_anniversary(DATE '2026-11-22', 12) = '2027-11-22'", T},
           {"next_anniversary(DATE '2025-11-22', 12) = '2026-11-22'", T},
           {"next_anniversary(leap, 12) = '2027-02-28'", T},
           {"next_anniversary(DATE '2027-01-15', 1) = '2027-02-15'", T},
           {"next_anniversary(d, 0) IS NULL", T},
           {"next_anniversary(nd, 3) IS NULL", T},
           {"days_since(subscription_start_missing) > 1", ERR},
       }) {
    EXPECT_TRI(expr, want);
  }
}

TEST_F(Semantics, TimestampsMeetDatesInTheZone) {
  // ts = 2026-03-08 04:30 UTC = 2026-03-07 23:30 in New York (EST, before the DST switch that
  // morning).
  EXPECT_TRI("date(ts) = '2026-03-08'", T);
  EXPECT_TRI("ts < DATE '2026-03-09'", T);
  EvalOptions ny = opts_;
  ASSERT_TRUE(absl::LoadTimeZone("America/New_York", &ny.time_zone));
  EXPECT_EQ(Eval("date(ts) = '2026-03-07'", &ny), T);
  EXPECT_EQ(Eval("ts = DATE '2026-03-07'", &ny), T);
  EXPECT_EQ(Eval("ts < DATE '2026-03-08'", &ny), T);
  EXPECT_EQ(Eval("ts >= DATE '2026-03-07'", &ny), T);
  EXPECT_EQ(Eval("ts > DATE '2026-03-07'", &ny), F);
  EXPECT_EQ(Eval("ts <= DATE '2026-03-07'", &ny), T);
  EXPECT_EQ(Eval("ts != DATE '2026-03-07'", &ny), F);
  EXPECT_EQ(Eval("day(ts) = 7", &ny), T);
  EXPECT_EQ(Eval("days_since(ts) = 260", &ny), T);
  EXPECT_EQ(Eval("days_since(ts) > 259", &ny), T);
  EXPECT_EQ(Eval("days_since(ts) > 260", &ny), F);
  // tsms = 2026-11-22 03:00 UTC = 2026-11-21 22:00 EST: yesterday in New York, today in UTC.
  EXPECT_EQ(Eval("date(tsms) = today", &ny), F);
  EXPECT_EQ(Eval("date(tsms) = today - 1", &ny), T);
  EXPECT_TRI("date(tsms) = today", T);
  // Timestamp literals: with a zone they are absolute; without, civil time in the zone.
  EXPECT_TRI("ts = TIMESTAMP '2026-03-08 04:30:00Z'", T);
  EXPECT_TRI("ts = TIMESTAMP '2026-03-07T23:30:00-05:00'", T);
  EXPECT_EQ(Eval("ts = TIMESTAMP '2026-03-07 23:30:00'", &ny), T);
  EXPECT_TRI("ts = TIMESTAMP '2026-03-08 04:30'", T);
  EXPECT_TRI("ts > '2026-03-08 04:29:59'", T);
  EXPECT_TRI("tsms > ts", T);
}

TEST_F(Semantics, DstDayBoundaries) {
  // 2026-03-08 is 23 hours long in New York; 2026-11-01 is 25 hours long.
  testing::TableBuilder tb("t");
  tb.Add("ts", Col<int64_t>(DataType::Timestamp(TimeUnit::kSecond),
                            {Micros(2026, 3, 8, 4, 59, 59) / 1000000,    // 23:59:59 EST Mar 7
                             Micros(2026, 3, 8, 5, 0, 0) / 1000000,      // 00:00 EST Mar 8
                             Micros(2026, 3, 9, 3, 59, 59) / 1000000,    // 23:59:59 EDT Mar 8
                             Micros(2026, 3, 9, 4, 0, 0) / 1000000,      // 00:00 EDT Mar 9
                             Micros(2026, 11, 1, 5, 30, 0) / 1000000,    // 01:30 EDT Nov 1 (first)
                             Micros(2026, 11, 1, 6, 30, 0) / 1000000,    // 01:30 EST Nov 1 (second)
                             Micros(2026, 11, 2, 4, 59, 59) / 1000000,   // 23:59:59 EST Nov 1
                             Micros(2026, 11, 2, 5, 0, 0) / 1000000}));  // 00:00 EST Nov 2
  Snapshot snap = testing::SnapshotOf(tb.Build());
  EvalOptions ny = opts_;
  ASSERT_TRUE(absl::LoadTimeZone("America/New_York", &ny.time_zone));
  auto rows = [&](const std::string& expr) {
    auto p = CompiledPredicate::Compile(expr, snap.schema, "t");
    EXPECT_TRUE(p.ok()) << p.status();
    auto r = p->Evaluate(snap, ny);
    EXPECT_TRUE(r.ok()) << r.status();
    return testing::Rows(r->rows);
  };
  using V = std::vector<int64_t>;
  EXPECT_EQ(rows("ts = DATE '2026-03-08'"), (V{1, 2}));
  EXPECT_EQ(rows("date(ts) = '2026-03-08'"), (V{1, 2}));
  EXPECT_EQ(rows("day(ts) = 8"), (V{1, 2}));
  EXPECT_EQ(rows("ts = DATE '2026-11-01'"), (V{4, 5, 6}));
  EXPECT_EQ(rows("date(ts) = '2026-11-01'"), (V{4, 5, 6}));
  EXPECT_EQ(rows("ts < DATE '2026-03-09'"), (V{0, 1, 2}));
  EXPECT_EQ(rows("ts > DATE '2026-11-01'"), (V{7}));
  // BETWEEN over date(ts) is rewritten to day starts; the rows are the same
  // as a per-row conversion (day() keeps one), and no row is converted.
  EXPECT_EQ(rows("date(ts) BETWEEN '2026-03-08' AND '2026-03-08'"), (V{1, 2}));
  EXPECT_EQ(rows("date(ts) BETWEEN '2026-03-08' AND '2026-11-01'"), (V{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(rows("date(ts) NOT BETWEEN '2026-03-08' AND '2026-11-01'"), (V{0, 7}));
  EXPECT_EQ(rows("date(ts) BETWEEN '2026-03-09' AND '2026-03-08'"), (V{}));
  EXPECT_EQ(rows("date(ts) BETWEEN '2026-11-01' AND NULL OR day(ts) = 7"), (V{0}));
  auto plan = CompiledPredicate::Compile("date(ts) BETWEEN today - 29 AND today", snap.schema, "t");
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->program().DebugString().find("ts_to_date"), std::string::npos)
      << plan->program().DebugString();
}

TEST_F(Semantics, StringsAndPatterns) {
  for (auto [expr, want] : std::vector<std::pair<const char*, Tri>>{
           {"s LIKE 'abc'", T},
           {"s LIKE 'a%'", T},
           {"s LIKE '%c'", T},
           {"s LIKE '%b%'", T},
           {"s LIKE 'a_c'", T},
           {"s LIKE 'A%'", F},
           {"s ILIKE 'A%'", T},
           {"s ILIKE 'ABC'", T},
           {"s ILIKE '%B%'", T},
           {"s LIKE '%'", T},
           {"e LIKE '%'", T},
           {"e LIKE '_'", F},
           {"s LIKE '_'", F},
           {"s NOT LIKE 'x%'", T},
           {"ns LIKE '%'", N},
           {"s LIKE ns", N},
           {"s LIKE s", T},
           {"'a%b' LIKE 'a\\%b'", T},
           {"'axb' LIKE 'a\\%b'", F},
           {"'a_b' LIKE 'a\\_b'", T},
           {"'a\\b' LIKE 'a\\\\b'", T},
           {"u LIKE '_nïcödé _'", T},
           {"u LIKE 'Ü%✓'", T},
           {"u ILIKE 'ünïcödé ✓'", T},
           {"u ILIKE 'ÜNÏCÖDÉ ✓'", T},
           {"'aXbXc' LIKE 'a%b%c'", T},
           {"'abcbd' LIKE '%b_'", T},
           {"s MATCHES 'b'", T},
           {"s MATCHES '^b'", F},
           {"s MATCHES '(?i)^AB'", T},
           {"e MATCHES '^$'", T},
           {"ns MATCHES 'a'", N},
           {"s NOT MATCHES 'z'", T},
           {"u MATCHES '^Ü.ï'", T},
           {"u MATCHES '^Ü.n'", F},
       }) {
    EXPECT_TRI(expr, want);
  }
}

TEST_F(Semantics, StringFunctions) {
  for (auto [expr, want] : std::vector<std::pair<const char*, Tri>>{
           {"lower('AbC') = 'abc'", T},
           {"upper(s) = 'ABC'", T},
           {"lower(u) = 'ünïcödé ✓'", T},
           {"upper(u) = 'ÜNÏCÖDÉ ✓'", T},
           {"length(s) = 3", T},
           {"length(u) = 9", T},
           {"length(e) = 0", T},
           {"length(ns) IS NULL", T},
           {"trim(pad) = 'hi'", T},
           {"trim(e) = ''", T},
           {"contains(s, 'bc')", T},
           {"contains(s, '')", T},
           {"contains(e, 'a')", F},
           {"starts_with(s, 'ab')", T},
           {"ends_with(s, 'bc')", T},
           {"ends_with(s, 'abcd')", F},
           {"starts_with(ns, 'a')", N},
           {"lower(s) = lower('ABC')", T},
           {"lower(upper(s)) = s", T},
           {"coalesce(ns, 'x') = 'x'", T},
           {"coalesce(ns, s) = 'abc'", T},
           {"ltrim('  hi  ') = 'hi  '", T},
           {"rtrim('  hi  ') = '  hi'", T},
           {"trim('xyhiyx', 'xy') = 'hi'", T},
           {"ltrim('xyhiyx', 'xy') = 'hiyx'", T},
           {"rtrim('xyhiyx', 'yx') = 'xyhi'", T},
           {"trim('aaa', 'a') = ''", T},
           {"trim(' hi ', '') = ' hi '", T},
           {"trim('éhié', 'é') = 'hi'", T},
           {"trim('✓é✓', '✓') = 'é'", T},
           {"rtrim('hé', 'e') = 'hé'", T},
           {"trim(s, ns) IS NULL", T},
           {"trim(s, 'a') = 'bc'", T},
       }) {
    EXPECT_TRI(expr, want);
  }
}

TEST_F(Semantics, NumberAndNullFunctions) {
  for (auto [expr, want] : std::vector<std::pair<const char*, Tri>>{
           {"abs(neg) = 7", T},
           {"abs(-2.5) = 2.5", T},
           {"abs(small) IS NULL", T},
           {"round(f) = 3", T},
           {"round(-2.5) = -3", T},
           {"round(2.345, 2) = 2.35", T},
           {"round(1234, -2) = 1200", T},
           {"round(1250, -2) = 1300", T},
           {"round(i) = 7", T},
           {"floor(f) = 2", T},
           {"ceil(f) = 3", T},
           {"floor(-2.5) = -3", T},
           {"ceil(i) = 7", T},
           {"least(3, i, 5) = 3", T},
           {"greatest(3, i, 5) = 7", T},
           {"least(ni, 4) = 4", T},
           {"greatest(ni, nf) IS NULL", T},
           {"least(f, 1) = 1", T},
           {"greatest(d, '2026-02-01') = '2026-02-01'", T},
           {"least(s, 'b') = 'abc'", T},
           {"coalesce(ni, 5) = 5", T},
           {"coalesce(ni, ni) IS NULL", T},
           {"coalesce(i, 5) = 7", T},
           {"coalesce(NULL, 2) = 2", T},
           {"coalesce(ni, f) = 2.5", T},
           {"nullif(i, 7) IS NULL", T},
           {"nullif(i, 8) = 7", T},
           {"nullif(i, ni) = 7", T},
           {"nullif(ni, 1) IS NULL", T},
       }) {
    EXPECT_TRI(expr, want);
  }
}

TEST_F(Semantics, Case) {
  for (auto [expr, want] : std::vector<std::pair<const char*, Tri>>{
           {"CASE WHEN i > 5 THEN 'big' ELSE 'small' END = 'big'", T},
           {"CASE WHEN i > 50 THEN 'big' ELSE 'small' END = 'small'", T},
           {"CASE WHEN i > 50 THEN 'big' END IS NULL", T},
           {"CASE WHEN ni > 5 THEN 1 WHEN i = 7 THEN 2 ELSE 3 END = 2", T},
           {"CASE i WHEN 1 THEN 'a' WHEN 7 THEN 'b' END = 'b'", T},
           {"CASE WHEN b THEN f ELSE i END = 2.5", T},
           {"CASE WHEN nb THEN 1 ELSE 0 END = 0", T},
           {"CASE WHEN TRUE THEN i END = 7", T},
           {"case when i > 5 then upper(s) else lower(s) end = 'ABC'", T},
           {"CASE WHEN i = 7 THEN NULL ELSE TRUE END", N},
       }) {
    EXPECT_TRI(expr, want);
  }
}

TEST_F(Semantics, ParamsAndOverrides) {
  CompileOptions co;
  co.params["days"] = Value::Int(90);
  co.params["limit"] = Value::Float(2.0);
  co.params["name"] = Value::String("abc");
  auto p = CompiledPredicate::Compile("days_since(d) > $days AND f > $limit AND s = $name",
                                      snapshot_.schema, "t", co);
  ASSERT_TRUE(p.ok()) << p.status();
  auto r = p->Evaluate(snapshot_, opts_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->count, 1);
  EvalOptions o = opts_;
  o.params["days"] = Value::Int(400);
  r = p->Evaluate(snapshot_, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->count, 0);
  o.params["days"] = Value::String("x");
  EXPECT_EQ(p->Evaluate(snapshot_, o).status().code(), absl::StatusCode::kInvalidArgument);
  o.params.clear();
  o.params["limit"] = Value::Int(3);  // int widens to a float param
  r = p->Evaluate(snapshot_, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->count, 0);
  o.params.clear();
  o.params["nope"] = Value::Int(3);
  EXPECT_EQ(p->Evaluate(snapshot_, o).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace docket
