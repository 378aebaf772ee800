// The calendar fold (issue 13, item 5): `add_months(c, n) < today` and its
// kin (<=, >, >=, either side, with today, $params or constants) become one
// comparison on c against a bound computed once per evaluation
// (base::MonthsBound), with c shifted so that NULL — and the overflow count —
// stay exactly where add_months(c, n) leaves the date range.
//
// Checked by brute force: every day from 1999-11-01 to 2005-03-31 (two leap
// years, every month end) and the days next to both ends of the date range,
// against add_months computed here row by row, for many n, every comparison
// and thresholds on month ends; and base::MonthsBound against a linear scan.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "base/calendar.h"
#include "docket/program.h"
#include "exec/test_table.h"
#include "plan/plan_test_util.h"

namespace docket {
namespace {

using testing::Col;
using testing::D;
using testing::PlanBinder;

TEST(CalendarFold, Shape) {
  PlanBinder p;
  for (const char* rule :
       {"add_months(d, 3) < today", "add_months(d, -4) >= today", "today > add_months(d, 12)",
        "add_months(d, 1) <= DATE '2026-03-31'", "d + INTERVAL 2 MONTH > today"}) {
    SCOPED_TRACE(rule);
    const std::string dump = p.Dump(rule);
    EXPECT_EQ(dump.find("add_months"), std::string::npos) << dump;
    // The bound is computed per evaluation, or at compile time when n and T are constants.
    EXPECT_NE(dump.find("(date_add_days d "), std::string::npos) << dump;
  }
  EXPECT_EQ(p.Dump("add_months(d, 1) <= DATE '2026-03-31'"), "(< (date_add_days d 30) 20543)");
  // Not folded: = and <> (kept as written), a column amount, a per-row bound.
  EXPECT_NE(p.Dump("add_months(d, 3) = today").find("add_months"), std::string::npos);
  EXPECT_NE(p.Dump("add_months(d, i) < today").find("add_months"), std::string::npos);
  EXPECT_NE(p.Dump("add_months(d, 3) < e").find("add_months"), std::string::npos);
}

// The least c with add_months(c, n) >= t, by a scan.
int64_t ScanBound(int64_t t, int64_t n) {
  int64_t c = n >= 0 ? t - n * 31 - 62 : t - n * 28 - 62;
  EXPECT_LT(base::AddMonthsClamped(c, n), t);
  while (base::AddMonthsClamped(c, n) < t) ++c;
  return c;
}

TEST(CalendarFold, MonthsBoundIsTheLeastDayMappingAtOrPast) {
  for (int64_t n : {-25, -13, -12, -4, -1, 0, 1, 2, 3, 11, 12, 13, 48}) {
    for (int64_t t = D(1999, 11, 1); t <= D(2005, 3, 31); ++t) {
      const int64_t b = base::MonthsBound(t, n);
      ASSERT_EQ(b, ScanBound(t, n)) << "n " << n << " t " << t;
      ASSERT_GE(base::AddMonthsClamped(b, n), t);
      ASSERT_LT(base::AddMonthsClamped(b - 1, n), t);
    }
  }
}

class CalendarFoldMeaning : public ::testing::Test {
 protected:
  CalendarFoldMeaning() {
    for (int64_t day = D(1999, 11, 1); day <= D(2005, 3, 31); ++day) days_.push_back(day);
    for (int64_t k = 0; k < 800; ++k) {
      days_.push_back(base::kMinDate + k);
      days_.push_back(base::kMaxDate - k);
    }
    days_.push_back(std::nullopt);
    days_.push_back(std::nullopt);
    const size_t n = days_.size();
    testing::TableBuilder tb("t");
    tb.Add("i", Col<int64_t>(DataType::Int(), std::vector<std::optional<int64_t>>(n, 1)))
        .Add("j", Col<int64_t>(DataType::Int(), std::vector<std::optional<int64_t>>(n, 1)))
        .Add("f", Col<double>(DataType::Float(), std::vector<std::optional<double>>(n, 0.5)))
        .Add("s",
             Col<std::string>(DataType::String(), std::vector<std::optional<std::string>>(n, "x")))
        .Add("d", Col<int64_t>(DataType::Date(), days_))
        .Add("e", Col<int64_t>(DataType::Date(), days_))
        .Add("ts", Col<int64_t>(DataType::Timestamp(TimeUnit::kMicro),
                                std::vector<std::optional<int64_t>>(n, 0)))
        .Add("b", Col<bool>(DataType::Bool(), std::vector<std::optional<bool>>(n, true)))
        .Add("c", Col<bool>(DataType::Bool(), std::vector<std::optional<bool>>(n, true)));
    snapshot_ = testing::SnapshotOf(tb.Build());
  }

  // `rule` (folded) against add_months computed here: TRUE, NULL and the
  // overflow count, row by row.  `cmp` compares (add_months(d, n), t).
  void Expect(const std::string& rule, int64_t n, int64_t t, bool (*cmp)(int64_t, int64_t),
              const EvalOptions& o, CompileOptions copts = {}) {
    SCOPED_TRACE(rule + " with t = " + std::to_string(t));
    auto pred = CompiledPredicate::Compile(rule, snapshot_.schema, "t", copts);
    ASSERT_TRUE(pred.ok()) << pred.status();
    ASSERT_EQ(pred->program().DebugString().find("add_months"), std::string::npos) << "not folded";
    EvalOptions opts = o;
    opts.want_nulls = true;
    auto r = pred->Evaluate(snapshot_, opts);
    ASSERT_TRUE(r.ok()) << r.status();
    int64_t overflow = 0;
    int wrong = 0;
    for (size_t row = 0; row < days_.size(); ++row) {
      bool want_true = false, want_null = true;
      if (days_[row].has_value()) {
        const int64_t m = base::AddMonthsClamped(*days_[row], n);
        if (m < base::kMinDate || m > base::kMaxDate) {
          ++overflow;
        } else {
          want_null = false;
          want_true = cmp(m, t);
        }
      }
      const bool got_true = r->rows.Get(static_cast<int64_t>(row));
      const bool got_null = r->nulls.Get(static_cast<int64_t>(row));
      if ((got_true != want_true || got_null != want_null) && ++wrong <= 3) {
        ADD_FAILURE() << "day " << (days_[row] ? std::to_string(*days_[row]) : "NULL") << ": got "
                      << (got_null   ? "NULL"
                          : got_true ? "TRUE"
                                     : "FALSE")
                      << ", want "
                      << (want_null   ? "NULL"
                          : want_true ? "TRUE"
                                      : "FALSE");
      }
    }
    EXPECT_EQ(wrong, 0);
    EXPECT_EQ(r->diagnostics.int_overflow, overflow);
  }

  std::vector<std::optional<int64_t>> days_;
  Snapshot snapshot_;
};

bool Lt(int64_t a, int64_t b) { return a < b; }
bool Le(int64_t a, int64_t b) { return a <= b; }
bool Gt(int64_t a, int64_t b) { return a > b; }
bool Ge(int64_t a, int64_t b) { return a >= b; }

TEST_F(CalendarFoldMeaning, EveryDayEveryComparisonAgainstToday) {
  // Month ends (clamping), leap days, the first of a month.
  const std::vector<absl::CivilDay> todays = {
      absl::CivilDay(2000, 2, 29),  absl::CivilDay(2000, 3, 31), absl::CivilDay(2001, 2, 28),
      absl::CivilDay(2001, 3, 1),   absl::CivilDay(2003, 1, 31), absl::CivilDay(2004, 2, 29),
      absl::CivilDay(2004, 12, 31), absl::CivilDay(2002, 6, 15)};
  for (int64_t n : {-13, -4, -1, 1, 3, 12, 25}) {
    for (absl::CivilDay today : todays) {
      EvalOptions o;
      o.as_of = today;
      o.threads = 1;
      const int64_t t = today - absl::CivilDay(1970, 1, 1);
      const std::string am = "add_months(d, " + std::to_string(n) + ")";
      Expect(am + " < today", n, t, Lt, o);
      Expect(am + " <= today", n, t, Le, o);
      Expect(am + " > today", n, t, Gt, o);
      Expect("today <= " + am, n, t, Ge, o);
    }
  }
}

TEST_F(CalendarFoldMeaning, ParamsIntervalsAndNegation) {
  CompileOptions copts;
  copts.params["k"] = Value::Int(4);
  copts.params["cutoff"] = Value::DateFromDays(D(2004, 2, 29));
  EvalOptions o;
  o.as_of = absl::CivilDay(2001, 3, 31);
  const int64_t t = o.as_of - absl::CivilDay(1970, 1, 1);
  Expect("add_months(d, $k) < $cutoff", 4, D(2004, 2, 29), Lt, o, copts);
  Expect("add_months(d, -$k) >= today", -4, t, Ge, o, copts);
  // NOT is pushed into the comparison: NULL stays NULL.
  Expect("NOT (add_months(d, 1) < today)", 1, t, Ge, o, copts);
  // d + INTERVAL n MONTH is add_months.
  Expect("d + INTERVAL 3 MONTH > DATE '2002-11-30'", 3, D(2002, 11, 30), Gt, o, copts);
  // Overrides at evaluation: the bound is recomputed, not compiled in.
  for (int64_t k : {0, 1, 7, 30, -30}) {
    EvalOptions over = o;
    over.params["k"] = Value::Int(k);
    Expect("add_months(d, $k) <= $cutoff", k, D(2004, 2, 29), Le, over, copts);
  }
  // An amount beyond any calendar (add_months is NULL for every row).
  EvalOptions huge = o;
  huge.params["k"] = Value::Int(int64_t{1} << 40);
  Expect("add_months(d, $k) < today", int64_t{1} << 40, t, Lt, huge, copts);
}

}  // namespace
}  // namespace docket
