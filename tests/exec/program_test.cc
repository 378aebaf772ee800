// End-to-end tests of program.h: compile, evaluate, results.
#include "docket/program.h"

#include <gtest/gtest.h>

#include "exec/test_table.h"

namespace docket {
namespace {

using testing::Col;
using testing::D;
using testing::Rows;
using V = std::vector<int64_t>;

class ProgramTest : public ::testing::Test {
 protected:
  ProgramTest() {
    testing::TableBuilder tb("accounts");
    tb.Add("id",
           Col<std::string>(DataType::String(), {"a", "b", "c", "d", "e"}, StringEncoding::kPlain))
        .Add("arr",
             Col<double>(DataType::Float(), {150000.0, 50000.0, std::nullopt, 200000.0, 120000.0}))
        .Add("pulse",
             Col<std::string>(DataType::String(), {"red", "green", std::nullopt, "yellow", "red"},
                              StringEncoding::kDictionary))
        .Add("pulse_changed_at",
             Col<int64_t>(DataType::Date(), {D(2026, 1, 1), D(2026, 11, 1), D(2026, 6, 1),
                                             std::nullopt, D(2026, 8, 20)}))
        .Add("seats", Col<int64_t>(DataType::Int(), {10, 0, 5, std::nullopt, 7}));
    table_ = tb.Build();
    snapshot_ = testing::SnapshotOf(table_);
    opts_.as_of = absl::CivilDay(2026, 11, 22);
  }

  V Eval(const std::string& expr, EvalOptions* opts = nullptr) {
    auto pred = CompiledPredicate::Compile(expr, snapshot_.schema, "accounts");
    EXPECT_TRUE(pred.ok()) << pred.status();
    if (!pred.ok()) return {-1};
    auto r = pred->Evaluate(snapshot_, opts ? *opts : opts_);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return {-1};
    EXPECT_EQ(r->count, static_cast<int64_t>(Rows(r->rows).size()));
    return Rows(r->rows);
  }

  Table table_;
  Snapshot snapshot_;
  EvalOptions opts_;
};

TEST_F(ProgramTest, Comparisons) {
  EXPECT_EQ(Eval("arr > 100000"), (V{0, 3, 4}));
  EXPECT_EQ(Eval("arr >= 50000 AND arr < 150000"), (V{1, 4}));
  EXPECT_EQ(Eval("seats = 0"), (V{1}));
  EXPECT_EQ(Eval("seats <> 0"), (V{0, 2, 4}));
}

TEST_F(ProgramTest, NullsAndKleene) {
  EXPECT_EQ(Eval("pulse IS NULL"), (V{2}));
  EXPECT_EQ(Eval("pulse IS NOT NULL"), (V{0, 1, 3, 4}));
  EXPECT_EQ(Eval("NOT (arr > 100000)"), (V{1}));
  EXPECT_EQ(Eval("arr > 100000 OR pulse IS NULL"), (V{0, 2, 3, 4}));
}

TEST_F(ProgramTest, InAndDictionary) {
  EXPECT_EQ(Eval("pulse IN ('red', 'yellow')"), (V{0, 3, 4}));
  EXPECT_EQ(Eval("pulse NOT IN ('red', 'yellow')"), (V{1}));
  EXPECT_EQ(Eval("arr > 100000 AND pulse IN ('red', 'yellow')"), (V{0, 3, 4}));
  EXPECT_EQ(Eval("pulse NOT IN ('red', NULL)"), (V{}));
  EXPECT_EQ(Eval("id IN ('a', 'e', 'zz')"), (V{0, 4}));
}

TEST_F(ProgramTest, Dates) {
  EXPECT_EQ(Eval("pulse IS NULL OR days_since(pulse_changed_at) > 90"), (V{0, 2, 4}));
  EXPECT_EQ(Eval("pulse_changed_at < today - INTERVAL 4 MONTH"), (V{0, 2}));
  EXPECT_EQ(Eval("pulse_changed_at BETWEEN today - 30 AND today"), (V{1}));
  EXPECT_EQ(Eval("pulse_changed_at = '2026-11-01'"), (V{1}));
}

TEST_F(ProgramTest, RewritesAreVisibleInThePlan) {
  auto pred =
      CompiledPredicate::Compile("days_since(pulse_changed_at) > 90", snapshot_.schema, "accounts");
  ASSERT_TRUE(pred.ok()) << pred.status();
  std::string plan = pred->program().DebugString();
  EXPECT_NE(plan.find("(< pulse_changed_at"), std::string::npos) << plan;
}

}  // namespace
}  // namespace docket
