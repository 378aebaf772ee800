// The function kernels against the registry (lib/plan/functions.h): every
// plan::Fn a registry entry lowers to has exactly one kernel and every kernel
// belongs to a registry function; each function's NULL rule holds when it is
// evaluated over columns (the kernels) and over literals (constant folding).
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "docket/program.h"
#include "exec/kernels.h"
#include "exec/test_table.h"
#include "plan/functions.h"

namespace docket {
namespace {

using plan::Fn;
using plan::FunctionEntry;
using plan::FunctionKind;
using testing::Col;
using testing::D;

TEST(CallKernels, OneKernelPerRegisteredFn) {
  std::map<int, int> listed;
  for (auto list : {exec::NullFunctionKernels, exec::NumberFunctionKernels,
                    exec::DateFunctionKernels, exec::StringFunctionKernels}) {
    for (const exec::CallKernelEntry& e : list()) {
      EXPECT_NE(e.kernel, nullptr);
      ++listed[static_cast<int>(e.fn)];
    }
  }
  for (const auto& [fn, count] : listed) {
    EXPECT_EQ(count, 1) << "plan::Fn #" << fn << " (" << plan::FnName(static_cast<Fn>(fn))
                        << ") has " << count << " kernels";
    EXPECT_LT(fn, plan::kFnCount);
  }
  // Registry → kernel.
  std::set<int> lowered;
  for (const FunctionEntry& f : plan::Functions()) {
    for (const plan::Lowering& l : f.lowers_to) {
      lowered.insert(static_cast<int>(l.fn));
      EXPECT_NE(exec::CallKernels()[static_cast<int>(l.fn)], nullptr)
          << f.name << " lowers to " << l.plan_name << ", which has no kernel";
    }
  }
  // Kernel → registry.
  for (int i = 0; i < plan::kFnCount; ++i) {
    if (exec::CallKernels()[i] == nullptr) continue;
    EXPECT_EQ(lowered.count(i), 1u)
        << "the kernel of plan::Fn #" << i << " belongs to no registry function";
  }
  EXPECT_EQ(static_cast<int>(lowered.size()), plan::kFnCount);
}

class CallNulls : public ::testing::Test {
 protected:
  CallNulls() {
    testing::TableBuilder tb("t");
    tb.Add("i", Col<int64_t>(DataType::Int(), {7}))
        .Add("f", Col<double>(DataType::Float(), {2.5}))
        .Add("s", Col<std::string>(DataType::String(), {"abc"}))
        .Add("d", Col<int64_t>(DataType::Date(), {D(2026, 1, 31)}))
        .Add("ts", Col<int64_t>(DataType::Timestamp(TimeUnit::kMicro),
                                {int64_t{D(2026, 3, 8)} * 86400000000}))
        .Add("ni", Col<int64_t>(DataType::Int(), {std::nullopt}))
        .Add("nf", Col<double>(DataType::Float(), {std::nullopt}))
        .Add("ns", Col<std::string>(DataType::String(), {std::nullopt}))
        .Add("nd", Col<int64_t>(DataType::Date(), {std::nullopt}))
        .Add("nts", Col<int64_t>(DataType::Timestamp(TimeUnit::kMicro), {std::nullopt}));
    snapshot_ = testing::SnapshotOf(tb.Build());
    opts_.as_of = absl::CivilDay(2026, 11, 22);
    opts_.want_nulls = true;
  }

  // "TRUE", "FALSE", "NULL" or the error.
  std::string Eval(const std::string& expr) {
    auto pred = CompiledPredicate::Compile(expr, snapshot_.schema, "t");
    if (!pred.ok()) return std::string(pred.status().message());
    auto r = pred->Evaluate(snapshot_, opts_);
    if (!r.ok()) return std::string(r.status().message());
    if (r->rows.Get(0)) return "TRUE";
    return r->nulls.Get(0) ? "NULL" : "FALSE";
  }

  Snapshot snapshot_;
  EvalOptions opts_;
};

// For every scalar function, rules that hold (are TRUE) when its NULL rule
// does: a NULL column (the kernel) and a NULL literal (constant folding) in
// each argument.
TEST_F(CallNulls, EveryFunctionFollowsItsNullRule) {
  const std::map<std::string, std::vector<std::string>> cases = {
      {"coalesce",
       {"coalesce(ni, 3) = 3", "coalesce(NULL, ni, i) = 7", "coalesce(ni, nf) IS NULL"}},
      {"nullif",
       {"nullif(ni, 3) IS NULL", "nullif(NULL, 3) IS NULL", "nullif(i, ni) = 7",
        "nullif(i, NULL) = 7", "nullif(i, 7) IS NULL"}},
      {"days_since",
       {"days_since(nd) IS NULL", "days_since(nts) IS NULL", "days_since(NULL) IS NULL"}},
      {"days_until", {"days_until(nd) IS NULL", "days_until(NULL) IS NULL"}},
      {"months_since", {"months_since(nd) IS NULL", "months_since(NULL) IS NULL"}},
      {"add_days",
       {"add_days(nd, 1) IS NULL", "add_days(d, ni) IS NULL", "add_days(d, NULL) IS NULL"}},
      {"add_months",
       {"add_months(nd, 1) IS NULL", "add_months(d, ni) IS NULL", "add_months(NULL, 1) IS NULL"}},
      {"date", {"date(nts) IS NULL", "date(nd) IS NULL", "date(NULL) IS NULL"}},
      {"year", {"year(nd) IS NULL", "year(NULL) IS NULL"}},
      {"quarter", {"quarter(nd) IS NULL", "quarter(NULL) IS NULL"}},
      {"month", {"month(nd) IS NULL", "month(NULL) IS NULL"}},
      {"day", {"day(nd) IS NULL", "day(NULL) IS NULL"}},
      {"day_of_week", {"day_of_week(nd) IS NULL", "day_of_week(NULL) IS NULL"}},
      {"date_trunc", {"date_trunc('month', nd) IS NULL", "date_trunc('week', NULL) IS NULL"}},
      {"next_anniversary",
       {"next_anniversary(nd, 3) IS NULL", "next_anniversary(d, ni) IS NULL",
        "next_anniversary(d, NULL) IS NULL"}},
      {"lower", {"lower(ns) IS NULL", "lower(NULL) IS NULL"}},
      {"upper", {"upper(ns) IS NULL", "upper(NULL) IS NULL"}},
      {"length", {"length(ns) IS NULL", "length(NULL) IS NULL"}},
      {"trim",
       {"trim(ns) IS NULL", "trim(NULL) IS NULL", "trim(s, ns) IS NULL", "trim(ns, 'a') IS NULL"}},
      {"ltrim", {"ltrim(ns) IS NULL", "ltrim(NULL) IS NULL", "ltrim(s, NULL) IS NULL"}},
      {"rtrim", {"rtrim(ns) IS NULL", "rtrim(NULL) IS NULL", "rtrim(s, ns) IS NULL"}},
      {"contains",
       {"contains(ns, 'a') IS NULL", "contains(s, ns) IS NULL", "contains(s, NULL) IS NULL"}},
      {"starts_with",
       {"starts_with(ns, 'a') IS NULL", "starts_with(s, ns) IS NULL",
        "starts_with(NULL, 'a') IS NULL"}},
      {"ends_with",
       {"ends_with(ns, 'a') IS NULL", "ends_with(s, ns) IS NULL", "ends_with(s, NULL) IS NULL"}},
      {"abs", {"abs(ni) IS NULL", "abs(nf) IS NULL", "abs(NULL) IS NULL"}},
      {"round",
       {"round(nf) IS NULL", "round(f, ni) IS NULL", "round(i, ni) IS NULL", "round(nf, 1) IS NULL",
        "round(NULL, 1) IS NULL"}},
      {"floor", {"floor(nf) IS NULL", "floor(ni) IS NULL", "floor(NULL) IS NULL"}},
      {"ceil", {"ceil(nf) IS NULL", "ceil(ni) IS NULL", "ceil(NULL) IS NULL"}},
      {"least",
       {"least(ni, 3) = 3", "least(NULL, i, 9) = 7", "least(ni, nf) IS NULL",
        "least(s, ns) = 'abc'"}},
      {"greatest",
       {"greatest(ni, 3) = 3", "greatest(NULL, i, 1) = 7", "greatest(ni, NULL) IS NULL",
        "greatest(nd, d) = d"}},
  };
  for (const FunctionEntry& f : plan::Functions()) {
    if (f.kind != FunctionKind::kScalar) continue;
    auto it = cases.find(std::string(f.name));
    ASSERT_NE(it, cases.end()) << "add NULL cases for " << f.name << " ("
                               << plan::NullRuleText(f.nulls) << ")";
    for (const std::string& expr : it->second) EXPECT_EQ(Eval(expr), "TRUE") << expr;
    if (f.nulls == plan::NullRule::kStrict) {
      // Strict: the cases are all "… IS NULL".
      for (const std::string& expr : it->second)
        EXPECT_NE(expr.find("IS NULL"), std::string::npos) << expr;
    }
  }
}

}  // namespace
}  // namespace docket
