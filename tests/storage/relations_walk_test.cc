// Walking parent relations (storage/relations.h), the one home of "go up or
// down the parents" that the binder's hints, the engine's joins, owner scope
// and the Python package (bindings/python/relations.cc) share: ancestors,
// descendants, the dotted path a rule writes, following such a path, and the
// Limits::max_relation_depth cap on a schema with a cycle.
#include <optional>
#include <string>
#include <vector>

#include "docket/schema.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/relations.h"

namespace docket {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TableSchema Table(const std::string& name, std::optional<ParentRelation> parent = std::nullopt) {
  TableSchema t;
  t.name = name;
  t.key = "id";
  t.parent = std::move(parent);
  return t;
}

// accounts ← success_plans (as account) ← objectives (as success_plan);
// accounts ← contacts (as account); accounts ← tasks (as customer).
Schema Hub() {
  Schema s;
  s.tables.push_back(Table("accounts"));
  s.tables.push_back(
      Table("success_plans", ParentRelation{"accounts", "account_id", "account", {}}));
  s.tables.push_back(
      Table("objectives", ParentRelation{"success_plans", "success_plan_id", "success_plan", {}}));
  s.tables.push_back(Table("contacts", ParentRelation{"accounts", "account_id", "account", {}}));
  s.tables.push_back(Table("tasks", ParentRelation{"accounts", "account_id", "customer", {}}));
  return s;
}

TEST(RelationsWalk, Ancestors) {
  Schema s = Hub();
  EXPECT_THAT(*storage::Ancestors(s, "objectives", 64), ElementsAre("success_plans", "accounts"));
  EXPECT_THAT(*storage::Ancestors(s, "tasks", 64), ElementsAre("accounts"));
  EXPECT_THAT(*storage::Ancestors(s, "accounts", 64), IsEmpty());
  EXPECT_THAT(*storage::Ancestors(s, "nope", 64), IsEmpty());
}

TEST(RelationsWalk, DescendantsBreadthFirst) {
  Schema s = Hub();
  EXPECT_THAT(*storage::Descendants(s, "accounts", 64),
              ElementsAre("success_plans", "contacts", "tasks", "objectives"));
  EXPECT_THAT(*storage::Descendants(s, "success_plans", 64), ElementsAre("objectives"));
  EXPECT_THAT(*storage::Descendants(s, "objectives", 64), IsEmpty());
}

TEST(RelationsWalk, ParentPathIsWhatARuleWrites) {
  Schema s = Hub();
  EXPECT_EQ(storage::ParentPath(s, "objectives", "accounts", 64), "success_plan.account.");
  EXPECT_EQ(storage::ParentPath(s, "objectives", "success_plans", 64), "success_plan.");
  EXPECT_EQ(storage::ParentPath(s, "tasks", "accounts", 64), "customer.");
  EXPECT_EQ(storage::ParentPath(s, "tasks", "contacts", 64), "");  // Not above.
  EXPECT_EQ(storage::ParentPath(s, "tasks", "tasks", 64), "");
}

TEST(RelationsWalk, FollowParentPath) {
  Schema s = Hub();
  EXPECT_EQ(storage::FollowParentPath(s, "objectives", {"success_plan", "account"}, 64),
            "accounts");
  EXPECT_EQ(storage::FollowParentPath(s, "objectives", {"success_plan"}, 64), "success_plans");
  EXPECT_EQ(storage::FollowParentPath(s, "objectives", {}, 64), "objectives");
  EXPECT_EQ(storage::FollowParentPath(s, "tasks", {"account"}, 64),
            std::nullopt);  // tasks says "customer".
  EXPECT_EQ(storage::FollowParentPath(s, "accounts", {"account"}, 64), std::nullopt);
}

// Only an unvalidated schema has a cycle; every walk stops at the limit.
TEST(RelationsWalk, ACycleStopsAtTheLimit) {
  Schema s;
  s.tables.push_back(Table("a", ParentRelation{"b", "b_id", "b", {}}));
  s.tables.push_back(Table("b", ParentRelation{"a", "a_id", "a", {}}));
  absl::StatusOr<std::vector<std::string>> up = storage::Ancestors(s, "a", 8);
  ASSERT_FALSE(up.ok());
  EXPECT_EQ(up.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(up.status().message()), ::testing::HasSubstr("max_relation_depth"));
  // Descendants visit each table once, so a cycle ends without the limit.
  EXPECT_THAT(*storage::Descendants(s, "a", 8), ElementsAre("b"));
  EXPECT_EQ(storage::ParentPath(s, "a", "c", 8), "");
  EXPECT_EQ(storage::FollowParentPath(s, "a", std::vector<std::string>(9, "b"), 8), std::nullopt);
}

TEST(RelationsWalk, DeepChainsFollowTheLimit) {
  Schema s;
  s.tables.push_back(Table("t0"));
  for (int i = 1; i <= 10; ++i) {
    s.tables.push_back(
        Table("t" + std::to_string(i), ParentRelation{"t" + std::to_string(i - 1), "p", "up", {}}));
  }
  EXPECT_EQ(storage::Ancestors(s, "t10", 10)->size(), 10u);
  EXPECT_FALSE(storage::Ancestors(s, "t10", 9).ok());
  EXPECT_EQ(storage::Descendants(s, "t0", 11)->size(), 10u);
  EXPECT_FALSE(storage::Descendants(s, "t0", 9).ok());
}

}  // namespace
}  // namespace docket
