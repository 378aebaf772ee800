// The builder's rewrites (lib/plan/builder.h) as nodes are made: constant
// folding, NULL propagation, the as_of-relative date rewrites
// (`days_since(c) > 90` → `c < const`), `date(ts) < D` → a comparison of ts
// with a day start, NOT push-down and AND/OR flattening.
//
// Each rewrite is checked twice: its shape (Graph::Dump of the bound rule,
// and Program::DebugString where evaluation constants show), and its meaning
// — evaluating the rewritten rule over a few thousand rows (NULLs, both
// sides of the thresholds, DST days in New York) gives, row for row, what
// the rule meant before the rewrite, computed here in plain C++.
#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <random>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "docket/program.h"
#include "exec/test_table.h"
#include "plan/plan_test_util.h"

namespace docket {
namespace {

using testing::Col;
using testing::D;
using testing::PlanBinder;

TEST(Rewrite, ConstantFolding) {
  PlanBinder p;
  EXPECT_EQ(p.Dump("i > 2 * 3 + 1"), "(> i 7)");
  EXPECT_EQ(p.Dump("s = lower('ABC')"), "(= s 'abc')");
  EXPECT_EQ(p.Dump("d < DATE '2026-01-31' + 1"), "(< d DATE '2026-02-01')");
  EXPECT_EQ(p.Dump("i = year(DATE '2026-05-01')"), "(= i 2026)");
  EXPECT_EQ(p.Dump("i = length('✓✓') + abs(-3)"), "(= i 5)");
  EXPECT_EQ(p.Dump("1 < 2"), "TRUE");
  EXPECT_EQ(p.Dump("i > 0 AND 1 > 2"), "FALSE");
  // A constant that raises a diagnostic (division by zero, overflow) is left
  // to evaluation, where it is counted.
  EXPECT_EQ(p.Dump("f > 1 / 0"), "(> f (/ 1.0 0.0))");
  EXPECT_EQ(p.Dump("i > abs(-9223372036854775807 - 1)"), "(> i (abs -9223372036854775808))");
  // Evaluation constants (today, $params, the zone) are computed once per
  // evaluation, not at compile time.
  EXPECT_EQ(p.Dump("d < today - 30"), "(< d (date_add_days today -30))");
}

TEST(Rewrite, NullPropagation) {
  PlanBinder p;
  // Strict operators and functions (the registry's kStrict) with a NULL
  // constant argument are NULL.
  EXPECT_EQ(p.Dump("i + NULL > 1"), "NULL");
  EXPECT_EQ(p.Dump("year(NULL) = i"), "NULL");
  EXPECT_EQ(p.Dump("lower(NULL) = s"), "NULL");
  EXPECT_EQ(p.Dump("add_days(d, NULL) = e"), "NULL");
  EXPECT_EQ(p.Dump("contains(s, NULL)"), "NULL");
  EXPECT_EQ(p.Dump("i IN (NULL, 1) OR NULL IN (1, 2)"), "(or (in i {1, NULL}) NULL)");
  // The other NULL rules keep the call: least / greatest skip NULLs, nullif
  // is NULL only by its first argument.
  EXPECT_EQ(p.Dump("least(NULL, i) > 1"), "(> (least NULL i) 1)");
  EXPECT_EQ(p.Dump("i = nullif(j, NULL)"), "(= i (nullif j NULL))");
  // coalesce drops leading NULLs.
  EXPECT_EQ(p.Dump("coalesce(NULL, NULL, i, j) > 1"), "(> (coalesce i j) 1)");
  // IS NULL of a constant is a constant.
  EXPECT_EQ(p.Dump("NULL IS NULL"), "TRUE");
  EXPECT_EQ(p.Dump("abs(NULL) IS NOT NULL"), "FALSE");
  // Kleene: FALSE AND NULL is FALSE; TRUE OR NULL is TRUE; the rest keep the NULL.
  EXPECT_EQ(p.Dump("1 > 2 AND NULL"), "FALSE");
  EXPECT_EQ(p.Dump("1 < 2 OR NULL"), "TRUE");
  EXPECT_EQ(p.Dump("b AND NULL"), "(and b NULL)");
}

TEST(Rewrite, DaysSinceBecomesAColumnComparison) {
  PlanBinder p;
  const std::string today = "(date_diff today DATE '1970-01-01')";
  EXPECT_EQ(p.Dump("days_since(d) > 90"), "(< d (- " + today + " 90))");
  EXPECT_EQ(p.Dump("90 < days_since(d)"), "(< d (- " + today + " 90))");
  EXPECT_EQ(p.Dump("days_since(d) <= 90"), "(>= d (- " + today + " 90))");
  EXPECT_EQ(p.Dump("days_until(d) <= 180"), "(<= d (+ " + today + " 180))");
  EXPECT_EQ(p.Dump("days_since(d) BETWEEN 30 AND 37"),
            "(between d (- " + today + " 37) (- " + today + " 30))");
  EXPECT_EQ(p.Dump("days_until(d) BETWEEN 0 AND 7"),
            "(between d (+ " + today + " 0) (+ " + today + " 7))");
  // today - d compared with a constant is the same rewrite.
  EXPECT_EQ(p.Dump("today - d > 90"), "(< d (- " + today + " 90))");
  // Not against a row value: the difference is computed per row.
  EXPECT_EQ(p.Dump("days_since(d) > i"), "(> (date_diff today d) i)");
  // A timestamp meets days as its civil date, and the date(ts) rewrite then
  // compares the timestamp itself with a day start.
  EXPECT_EQ(p.Dump("days_since(ts) > 3"), "(< ts (day_start (- " + today + " 3)))");
}

TEST(Rewrite, DateOfTimestampBecomesATimestampComparison) {
  PlanBinder p;
  EXPECT_EQ(p.Dump("date(ts) < DATE '2026-03-08'"), "(< ts (day_start DATE '2026-03-08'))");
  EXPECT_EQ(p.Dump("date(ts) >= '2026-03-08'"), "(>= ts (day_start DATE '2026-03-08'))");
  EXPECT_EQ(p.Dump("date(ts) <= '2026-03-08'"), "(< ts (day_start 20521))");
  EXPECT_EQ(p.Dump("date(ts) > '2026-03-08'"), "(>= ts (day_start 20521))");
  EXPECT_EQ(p.Dump("date(ts) = '2026-03-08'"),
            "(and (>= ts (day_start DATE '2026-03-08')) (< ts (day_start 20521)))");
  EXPECT_EQ(p.Dump("date(ts) != '2026-03-08'"),
            "(or (< ts (day_start DATE '2026-03-08')) (>= ts (day_start 20521)))");
  EXPECT_EQ(p.Dump("date(ts) BETWEEN '2026-03-08' AND '2026-03-09'"),
            "(and (>= ts (day_start DATE '2026-03-08')) (< ts (day_start 20522)))");
  // A timestamp compared with a date is the same comparison.
  EXPECT_EQ(p.Dump("ts < DATE '2026-03-08'"), "(< ts (day_start DATE '2026-03-08'))");
  // Against a row value the conversion stays per row.
  EXPECT_EQ(p.Dump("date(ts) = d"), "(= (ts_to_date ts) d)");
}

TEST(Rewrite, NotIsPushedDown) {
  PlanBinder p;
  EXPECT_EQ(p.Dump("NOT (i < 3)"), "(>= i 3)");
  EXPECT_EQ(p.Dump("NOT i = 3"), "(!= i 3)");
  EXPECT_EQ(p.Dump("NOT (s IS NULL)"), "(is_not_null s)");
  EXPECT_EQ(p.Dump("NOT (s IS NOT NULL)"), "(is_null s)");
  EXPECT_EQ(p.Dump("NOT NOT b"), "b");
  EXPECT_EQ(p.Dump("NOT TRUE"), "FALSE");
  EXPECT_EQ(p.Dump("NOT days_since(d) > 90"), "(>= d (- (date_diff today DATE '1970-01-01') 90))");
  // Not through AND / OR (De Morgan is not applied), BETWEEN, IN or LIKE.
  EXPECT_EQ(p.Dump("NOT (b AND c)"), "(not (and b c))");
  EXPECT_EQ(p.Dump("i NOT BETWEEN 1 AND 3"), "(not (between i 1 3))");
  EXPECT_EQ(p.Dump("s NOT IN ('a', 'b')"), "(not (in s {'a', 'b'}))");
  EXPECT_EQ(p.Dump("s NOT LIKE 'a%'"), "(not (like s 'a%'))");
}

TEST(Rewrite, AndOrAreFlattenedAndSimplified) {
  PlanBinder p;
  EXPECT_EQ(p.Dump("b AND (c AND (i > 1 AND j > 2))"), "(and b c (> i 1) (> j 2))");
  EXPECT_EQ(p.Dump("(b OR c) OR (i > 1 OR j > 2)"), "(or b c (> i 1) (> j 2))");
  EXPECT_EQ(p.Dump("b AND (c OR i > 1)"), "(and b (or c (> i 1)))");
  EXPECT_EQ(p.Dump("TRUE AND b"), "b");
  EXPECT_EQ(p.Dump("FALSE AND b"), "FALSE");
  EXPECT_EQ(p.Dump("b OR TRUE"), "TRUE");
  EXPECT_EQ(p.Dump("FALSE OR b"), "b");
  // Repeats are one operand; equal subexpressions are one node.
  EXPECT_EQ(p.Dump("b AND c AND b"), "(and b c)");
  EXPECT_EQ(p.Dump("(b OR c) AND (c OR b) AND (b OR c)"), "(and (or b c) (or c b))");
  EXPECT_EQ(p.Dump("b AND NULL AND c"), "(and b c NULL)");
}

// Program::DebugString shows the evaluation constants the rewrites made.
TEST(Rewrite, ProgramShowsTheEvaluationConstants) {
  auto pred = CompiledPredicate::Compile("days_since(d) > 90 AND date(ts) = today",
                                         testing::PlanSchema(), "t");
  ASSERT_TRUE(pred.ok()) << pred.status();
  const std::string plan = pred->program().DebugString();
  EXPECT_NE(plan.find("per evaluation: (- (date_diff today DATE '1970-01-01') 90)"),
            std::string::npos)
      << plan;
  EXPECT_NE(plan.find("per evaluation: (day_start today)"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("ts_to_date"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("date_diff today d"), std::string::npos) << plan;
}

// ---------------------------------------------------------------------------
// Meaning: the rewritten rules evaluate as the rules they came from.

enum Tri { F, T, N };
Tri Of(std::optional<bool> v) { return !v ? N : *v ? T : F; }
Tri And(Tri a, Tri b) { return a == F || b == F ? F : a == N || b == N ? N : T; }
Tri Or(Tri a, Tri b) { return a == T || b == T ? T : a == N || b == N ? N : F; }
Tri Not(Tri a) { return a == N ? N : a == T ? F : T; }

struct Rows {
  std::vector<std::optional<int64_t>> i, j;  // ints
  std::vector<std::optional<int32_t>> d;     // days since the epoch
  std::vector<std::optional<int64_t>> ts;    // micros since the epoch
  std::vector<std::optional<bool>> b, c;
  size_t size() const { return i.size(); }
};

class RewriteMeaning : public ::testing::Test {
 protected:
  static constexpr int kRows = 3000;  // Over one batch (2048 rows).

  RewriteMeaning() {
    std::mt19937_64 rng(12);
    auto chance = [&](int percent) { return static_cast<int>(rng() % 100) < percent; };
    const int32_t around = D(2026, 11, 22);
    // Days whose midnight moves in New York (DST starts 2026-03-08, ends 2026-11-01).
    const std::vector<int32_t> days = {D(2026, 3, 7),   D(2026, 3, 8),  D(2026, 3, 9),
                                       D(2026, 10, 31), D(2026, 11, 1), D(2026, 11, 2),
                                       D(2026, 11, 21), D(2026, 11, 22)};
    for (int r = 0; r < kRows; ++r) {
      rows_.i.push_back(chance(10) ? std::nullopt
                                   : std::optional<int64_t>(static_cast<int64_t>(rng() % 11) - 2));
      rows_.j.push_back(chance(10) ? std::nullopt
                                   : std::optional<int64_t>(static_cast<int64_t>(rng() % 7)));
      rows_.d.push_back(
          chance(10) ? std::nullopt
                     : std::optional<int32_t>(around + static_cast<int32_t>(rng() % 801) - 400));
      std::optional<int64_t> ts;
      if (!chance(10)) {
        int64_t day = days[rng() % days.size()];
        // Near the UTC offsets of New York's midnight (04:00, 05:00 UTC), at
        // UTC midnight, or anywhere in the day; sometimes one microsecond off.
        const int64_t seconds[] = {0, 4 * 3600, 5 * 3600, static_cast<int64_t>(rng() % 86400)};
        int64_t micros = (day * 86400 + seconds[rng() % 4]) * 1000000;
        micros += static_cast<int64_t>(rng() % 3) - 1;
        ts = micros;
      }
      rows_.ts.push_back(ts);
      rows_.b.push_back(chance(15) ? std::nullopt : std::optional<bool>(rng() % 2 == 0));
      rows_.c.push_back(chance(15) ? std::nullopt : std::optional<bool>(rng() % 2 == 0));
    }
    std::vector<std::optional<int64_t>> d64(rows_.d.begin(), rows_.d.end());
    testing::TableBuilder tb("t");
    tb.Add("i", Col<int64_t>(DataType::Int(), rows_.i))
        .Add("j", Col<int64_t>(DataType::Int(), rows_.j))
        .Add("f", Col<double>(DataType::Float(), std::vector<std::optional<double>>(kRows, 0.5)))
        .Add("s", Col<std::string>(DataType::String(),
                                   std::vector<std::optional<std::string>>(kRows, "x")))
        .Add("d", Col<int64_t>(DataType::Date(), d64))
        .Add("e", Col<int64_t>(DataType::Date(), d64))
        .Add("ts", Col<int64_t>(DataType::Timestamp(TimeUnit::kMicro), rows_.ts))
        .Add("b", Col<bool>(DataType::Bool(), rows_.b))
        .Add("c", Col<bool>(DataType::Bool(), rows_.c));
    snapshot_ = testing::SnapshotOf(tb.Build());
  }

  // Evaluates `rule` and compares every row with `meaning(row)`.
  void ExpectMeaning(const std::string& rule, const EvalOptions& opts,
                     const std::function<Tri(size_t)>& meaning) {
    SCOPED_TRACE(rule);
    auto pred = CompiledPredicate::Compile(rule, snapshot_.schema, "t");
    ASSERT_TRUE(pred.ok()) << pred.status();
    EvalOptions o = opts;
    o.want_nulls = true;
    auto r = pred->Evaluate(snapshot_, o);
    ASSERT_TRUE(r.ok()) << r.status();
    int wrong = 0, seen[3] = {0, 0, 0};
    for (size_t row = 0; row < rows_.size(); ++row) {
      Tri got = r->rows.Get(static_cast<int64_t>(row))    ? T
                : r->nulls.Get(static_cast<int64_t>(row)) ? N
                                                          : F;
      Tri want = meaning(row);
      ++seen[want];
      if (got != want && ++wrong <= 3)
        ADD_FAILURE() << "row " << row << ": got " << got << ", want " << want;
    }
    EXPECT_EQ(wrong, 0);
    // The rule is not constant over the rows: the comparison means something.
    EXPECT_GE((seen[F] > 0) + (seen[T] > 0) + (seen[N] > 0), 2);
  }

  // The civil day of a timestamp in `zone`, as days since the epoch.
  static int64_t DayIn(int64_t micros, absl::TimeZone zone) {
    return absl::ToCivilDay(absl::FromUnixMicros(micros), zone) - absl::CivilDay(1970, 1, 1);
  }

  Rows rows_;
  Snapshot snapshot_;
};

TEST_F(RewriteMeaning, DaysSinceAndUntil) {
  for (absl::CivilDay as_of :
       {absl::CivilDay(2026, 11, 22), absl::CivilDay(2026, 9, 1), absl::CivilDay(2027, 2, 28)}) {
    EvalOptions o;
    o.as_of = as_of;
    const int64_t today = as_of - absl::CivilDay(1970, 1, 1);
    auto since = [&](size_t r) -> std::optional<int64_t> {
      if (!rows_.d[r]) return std::nullopt;
      return today - *rows_.d[r];
    };
    auto cmp = [&](std::function<bool(int64_t)> p) {
      return [&, p](size_t r) { return since(r) ? Of(p(*since(r))) : N; };
    };
    ExpectMeaning("days_since(d) > 90", o, cmp([](int64_t x) { return x > 90; }));
    ExpectMeaning("90 <= days_since(d)", o, cmp([](int64_t x) { return x >= 90; }));
    ExpectMeaning("days_until(d) <= 180", o, cmp([](int64_t x) { return -x <= 180; }));
    ExpectMeaning("days_until(d) = 3", o, cmp([](int64_t x) { return -x == 3; }));
    ExpectMeaning("days_since(d) BETWEEN 30 AND 200", o,
                  cmp([](int64_t x) { return x >= 30 && x <= 200; }));
    ExpectMeaning("NOT days_since(d) > 90", o, cmp([](int64_t x) { return !(x > 90); }));
    ExpectMeaning("today - d < 10", o, cmp([](int64_t x) { return x < 10; }));
    ExpectMeaning("days_since(d) > i", o, [&](size_t r) {
      return since(r) && rows_.i[r] ? Of(*since(r) > *rows_.i[r]) : N;
    });
  }
}

TEST_F(RewriteMeaning, DateOfTimestamp) {
  absl::TimeZone ny;
  ASSERT_TRUE(absl::LoadTimeZone("America/New_York", &ny));
  for (absl::TimeZone zone : {ny, absl::UTCTimeZone()}) {
    EvalOptions o;
    o.as_of = absl::CivilDay(2026, 11, 22);
    o.time_zone = zone;
    for (int32_t day : {D(2026, 3, 8), D(2026, 11, 1), D(2026, 11, 2)}) {
      const std::string lit = "'" + absl::FormatCivilTime(absl::CivilDay(1970, 1, 1) + day) + "'";
      auto cmp = [&](std::function<bool(int64_t)> p) {
        return [&, p](size_t r) { return rows_.ts[r] ? Of(p(DayIn(*rows_.ts[r], zone))) : N; };
      };
      ExpectMeaning("date(ts) < " + lit, o, cmp([&](int64_t x) { return x < day; }));
      ExpectMeaning("date(ts) <= " + lit, o, cmp([&](int64_t x) { return x <= day; }));
      ExpectMeaning("date(ts) > " + lit, o, cmp([&](int64_t x) { return x > day; }));
      ExpectMeaning("date(ts) >= " + lit, o, cmp([&](int64_t x) { return x >= day; }));
      ExpectMeaning("date(ts) = " + lit, o, cmp([&](int64_t x) { return x == day; }));
      ExpectMeaning("date(ts) != " + lit, o, cmp([&](int64_t x) { return x != day; }));
      ExpectMeaning("date(ts) BETWEEN " + lit + " AND '2026-11-21'", o,
                    cmp([&](int64_t x) { return x >= day && x <= D(2026, 11, 21); }));
    }
    ExpectMeaning("days_since(ts) > 3", o, [&](size_t r) {
      return rows_.ts[r] ? Of(D(2026, 11, 22) - DayIn(*rows_.ts[r], zone) > 3) : N;
    });
    ExpectMeaning("date(ts) = today", o, [&](size_t r) {
      return rows_.ts[r] ? Of(DayIn(*rows_.ts[r], zone) == D(2026, 11, 22)) : N;
    });
  }
}

TEST_F(RewriteMeaning, NotAndOrFollowKleeneLogic) {
  EvalOptions o;
  o.as_of = absl::CivilDay(2026, 11, 22);
  auto gt = [&](const std::vector<std::optional<int64_t>>& v, int64_t k) {
    return [&v, k](size_t r) { return v[r] ? Of(*v[r] > k) : N; };
  };
  auto i_gt_1 = gt(rows_.i, 1);
  auto j_gt_2 = gt(rows_.j, 2);
  ExpectMeaning("NOT (i < 3)", o,
                [&](size_t r) { return rows_.i[r] ? Of(!(*rows_.i[r] < 3)) : N; });
  ExpectMeaning("NOT (i IS NULL)", o, [&](size_t r) { return Of(rows_.i[r].has_value()); });
  ExpectMeaning("NOT NOT b", o, [&](size_t r) { return Of(rows_.b[r]); });
  ExpectMeaning("NOT (b AND c)", o,
                [&](size_t r) { return Not(And(Of(rows_.b[r]), Of(rows_.c[r]))); });
  ExpectMeaning("NOT (b OR i > 1)", o,
                [&](size_t r) { return Not(Or(Of(rows_.b[r]), i_gt_1(r))); });
  ExpectMeaning("b AND (c AND (i > 1 AND j > 2))", o, [&](size_t r) {
    return And(Of(rows_.b[r]), And(Of(rows_.c[r]), And(i_gt_1(r), j_gt_2(r))));
  });
  ExpectMeaning("(b OR c) OR (i > 1 OR j > 2)", o, [&](size_t r) {
    return Or(Or(Of(rows_.b[r]), Of(rows_.c[r])), Or(i_gt_1(r), j_gt_2(r)));
  });
  ExpectMeaning("b AND NULL AND c OR i > 1", o, [&](size_t r) {
    return Or(And(And(Of(rows_.b[r]), N), Of(rows_.c[r])), i_gt_1(r));
  });
  ExpectMeaning("i + NULL > 1 OR j > 2", o, [&](size_t r) { return Or(N, j_gt_2(r)); });
}

}  // namespace
}  // namespace docket
