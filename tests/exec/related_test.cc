// Related records on hand-computed fixtures: aggregate semantics (count of
// nothing is 0, sum / avg / min / max of nothing are NULL, NULLs ignored,
// WHERE keeps TRUE rows), parent fields, orphans, owner scope through
// parents, shared joins, and results that do not depend on the thread count.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "docket/program.h"
#include "exec/test_table.h"
#include "storage/relations.h"

namespace docket {
namespace {

using testing::Col;
using testing::D;
using testing::Rows;
using testing::TableBuilder;
using S = std::optional<std::string>;
using I = std::optional<int64_t>;
using F = std::optional<double>;
using B = std::optional<bool>;

// accounts A1 (alice, 100), A2 (bob, 200), A3 (alice, NULL arr), A4 (no CSM).
// contacts C1, C2 on A1; C3 on A2; C4 on a missing account; C5 with no account.
// tasks with their own owner: T1 bob on A1, T2 alice on A2, T3 alice on A1.
Snapshot Fixture(std::vector<I> scores = {5, std::nullopt, 7, 3, 1}) {
  Snapshot snap;
  TableBuilder a("accounts");
  a.Add("id", Col<std::string>(DataType::String(), {"A1", "A2", "A3", "A4"}))
      .Add("csm", Col<std::string>(DataType::String(), {"alice", "bob", "alice", std::nullopt}))
      .Add("arr", Col<double>(DataType::Float(), {100.0, 200.0, std::nullopt, 50.0}));
  a.schema.key = "id";
  a.schema.owner = "csm";
  TableBuilder c("contacts");
  c.Add("id", Col<std::string>(DataType::String(), {"C1", "C2", "C3", "C4", "C5"}))
      .Add("account_id",
           Col<std::string>(DataType::String(), {"A1", "A1", "A2", "A9", std::nullopt},
                            StringEncoding::kDictionary))
      .Add("persona", Col<std::string>(DataType::String(), {"dm", "user", "dm", "dm", "user"}))
      .Add("score", Col<int64_t>(DataType::Int(), scores))
      .Add("is_champion", Col<bool>(DataType::Bool(), {true, false, std::nullopt, true, true}))
      .Add("touched", Col<int64_t>(DataType::Date(), {D(2026, 11, 1), std::nullopt, D(2026, 10, 1),
                                                      D(2026, 9, 1), D(2026, 8, 1)}));
  c.schema.key = "id";
  c.schema.parent = ParentRelation{"accounts", "account_id", "account", {}};
  TableBuilder t("tasks");
  t.Add("id", Col<std::string>(DataType::String(), {"T1", "T2", "T3"}))
      .Add("account_id", Col<std::string>(DataType::String(), {"A1", "A2", "A1"}))
      .Add("owner", Col<std::string>(DataType::String(), {"bob", "alice", "alice"}))
      .Add("status", Col<std::string>(DataType::String(), {"open", "open", "done"}));
  t.schema.key = "id";
  t.schema.owner = "owner";
  t.schema.parent = ParentRelation{"accounts", "account_id", "account", {}};
  EXPECT_TRUE(snap.AddTable(a.Build()).ok());
  EXPECT_TRUE(snap.AddTable(c.Build()).ok());
  EXPECT_TRUE(snap.AddTable(t.Build()).ok());
  return snap;
}

struct Outcome {
  std::vector<int64_t> rows;   // TRUE
  std::vector<int64_t> nulls;  // NULL
  Diagnostics diagnostics;
  std::vector<RelationDiagnostics> relations;
};

Outcome Eval(const Snapshot& snap, const std::string& table, const std::string& expr,
             std::optional<std::string> owner = std::nullopt, int threads = 1) {
  ProgramBuilder b(snap.schema);
  absl::StatusOr<int> idx = b.AddPredicate(table, ExpressionSource{expr, {}});
  EXPECT_TRUE(idx.ok()) << expr << ": " << idx.status();
  if (!idx.ok()) return {};
  absl::StatusOr<Program> p = std::move(b).Build();
  EXPECT_TRUE(p.ok()) << p.status();
  EvalOptions o;
  o.as_of = absl::CivilDay(2026, 11, 22);
  o.want_nulls = true;
  o.owner = std::move(owner);
  o.threads = threads;
  absl::StatusOr<ProgramResult> r = p->Evaluate(snap, o);
  EXPECT_TRUE(r.ok()) << expr << ": " << r.status();
  if (!r.ok()) return {};
  return {Rows(r->predicates[0].rows), Rows(r->predicates[0].nulls), r->predicates[0].diagnostics,
          r->relations};
}

std::vector<int64_t> TrueRows(const Snapshot& snap, const std::string& table,
                              const std::string& expr,
                              std::optional<std::string> owner = std::nullopt) {
  return Eval(snap, table, expr, std::move(owner)).rows;
}

using V = std::vector<int64_t>;

TEST(Related, CountAndExists) {
  Snapshot s = Fixture();
  EXPECT_EQ(TrueRows(s, "accounts", "count(contacts) = 2"), V({0}));
  EXPECT_EQ(TrueRows(s, "accounts", "count(contacts) = 0"),
            V({2, 3}));  // Count of nothing is 0, never NULL.
  EXPECT_EQ(Eval(s, "accounts", "count(contacts) = 0").nulls, V({}));
  EXPECT_EQ(TrueRows(s, "accounts", "exists(contacts WHERE persona = 'dm')"), V({0, 1}));
  EXPECT_EQ(TrueRows(s, "accounts", "NOT exists(contacts WHERE persona = 'dm')"), V({2, 3}));
  EXPECT_EQ(TrueRows(s, "accounts", "exists(contacts)"), V({0, 1}));
  // WHERE keeps TRUE rows: C3's NULL is_champion is not counted, nor is C2's FALSE.
  EXPECT_EQ(TrueRows(s, "accounts", "count(contacts WHERE is_champion) = 1"), V({0}));
  EXPECT_EQ(TrueRows(s, "accounts", "count(contacts WHERE NOT is_champion) = 1"), V({0}));
  EXPECT_EQ(TrueRows(s, "accounts", "count(contacts WHERE is_champion IS NULL) = 1"), V({1}));
  // count(child.col) counts non-NULL values.
  EXPECT_EQ(TrueRows(s, "accounts", "count(contacts.score) = 1"), V({0, 1}));
  EXPECT_EQ(TrueRows(s, "accounts", "count(contacts.touched) = 1"), V({0, 1}));
}

TEST(Related, SumAvgMinMax) {
  Snapshot s = Fixture();
  EXPECT_EQ(TrueRows(s, "accounts", "sum(contacts.score) = 5"), V({0}));  // NULL ignored.
  EXPECT_EQ(TrueRows(s, "accounts", "sum(contacts.score) = 7"), V({1}));
  Outcome none = Eval(s, "accounts", "sum(contacts.score) > 0");
  EXPECT_EQ(none.nulls, V({2, 3}));  // Sum of nothing is NULL.
  EXPECT_EQ(TrueRows(s, "accounts", "sum(contacts.score) IS NULL"), V({2, 3}));
  EXPECT_EQ(TrueRows(s, "accounts", "avg(contacts.score) = 5.0"), V({0}));
  EXPECT_EQ(TrueRows(s, "accounts", "avg(contacts.score) IS NULL"), V({2, 3}));
  EXPECT_EQ(TrueRows(s, "accounts", "max(contacts.touched) = DATE '2026-11-01'"), V({0}));
  EXPECT_EQ(TrueRows(s, "accounts", "min(contacts.touched) = DATE '2026-10-01'"), V({1}));
  EXPECT_EQ(TrueRows(s, "accounts", "days_since(max(contacts.touched)) > 30"), V({1}));
  EXPECT_EQ(TrueRows(s, "accounts", "max(contacts.score WHERE persona = 'user') IS NULL"),
            V({0, 1, 2, 3}));
  EXPECT_EQ(TrueRows(s, "accounts", "sum(contacts.score WHERE persona = 'dm') > arr / 25"),
            V({0}));  // 5 > 4; 7 > 8 is not
}

TEST(Related, IntSumOverflowIsNullAndCounted) {
  Snapshot s = Fixture({INT64_MAX, 1, 7, 3, 1});
  Outcome o = Eval(s, "accounts", "sum(contacts.score) > 0");
  EXPECT_EQ(o.rows, V({1}));
  EXPECT_EQ(o.nulls, V({0, 2, 3}));
  EXPECT_EQ(o.diagnostics.int_overflow, 1);
  // Exact: an intermediate overflow that the total undoes is not one.
  Snapshot t = Fixture({INT64_MAX, -10, 7, 3, 1});
  EXPECT_EQ(TrueRows(t, "accounts", "sum(contacts.score) = 9223372036854775797"), V({0}));
}

TEST(Related, ParentFields) {
  Snapshot s = Fixture();
  EXPECT_EQ(TrueRows(s, "contacts", "account.arr > 150"), V({2}));
  Outcome o = Eval(s, "contacts", "account.arr > 150");
  EXPECT_EQ(o.nulls, V({3, 4}));  // The orphan and the contact without an account.
  EXPECT_EQ(TrueRows(s, "contacts", "account.csm = 'alice' AND persona = 'dm'"), V({0}));
  EXPECT_EQ(TrueRows(s, "contacts", "account.id = account_id"), V({0, 1, 2}));
  // A parent's segment-like expression and a parent's aggregate.
  EXPECT_EQ(TrueRows(s, "tasks", "account.arr >= 100 AND status = 'open'"), V({0, 1}));
  EXPECT_EQ(TrueRows(s, "contacts", "touched < add_days(today, -30) AND account.csm IS NOT NULL"),
            V({2}));
}

TEST(Related, ParentSegmentsAndAggregatesFromAChild) {
  Snapshot s = Fixture();
  ProgramBuilder b(s.schema);
  ASSERT_TRUE(b.AddSegment("big", ExpressionSource{"arr >= 150", {}}).ok());
  ASSERT_TRUE(b.AddSegment("crowded", ExpressionSource{"count(contacts) >= 2", {}}).ok());
  ASSERT_TRUE(
      b.AddSegment("has_dm", ExpressionSource{"exists(contacts WHERE persona = 'dm')", {}}).ok());
  absl::StatusOr<int> big = b.AddPredicate("contacts", ExpressionSource{"account.big", {}});
  absl::StatusOr<int> crowded = b.AddPredicate("tasks", ExpressionSource{"account.crowded", {}});
  // A parent's segment that is an aggregate itself is read from its column.
  absl::StatusOr<int> dm = b.AddPredicate("tasks", ExpressionSource{"account.has_dm", {}});
  ASSERT_TRUE(dm.ok()) << dm.status();
  ASSERT_TRUE(big.ok()) << big.status();
  ASSERT_TRUE(crowded.ok()) << crowded.status();
  absl::StatusOr<Program> p = std::move(b).Build();
  ASSERT_TRUE(p.ok()) << p.status();
  EvalOptions o;
  o.as_of = absl::CivilDay(2026, 11, 22);
  o.want_nulls = true;
  absl::StatusOr<ProgramResult> r = p->Evaluate(s, o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Rows(r->predicates[*big].rows), V({2}));
  EXPECT_EQ(Rows(r->predicates[*big].nulls), V({3, 4}));  // No parent: NULL, not FALSE.
  EXPECT_EQ(Rows(r->predicates[*crowded].rows), V({0, 2}));
  EXPECT_EQ(Rows(r->predicates[*dm].rows), V({0, 1, 2}));
  // Alone in its program too (the aggregate reached only through the parent value).
  ProgramBuilder alone(s.schema);
  ASSERT_TRUE(
      alone.AddSegment("has_dm", ExpressionSource{"exists(contacts WHERE persona = 'dm')", {}})
          .ok());
  ASSERT_TRUE(
      alone.AddPredicate("tasks", ExpressionSource{"account.has_dm AND status = 'open'", {}}).ok());
  absl::StatusOr<Program> ap = std::move(alone).Build();
  ASSERT_TRUE(ap.ok()) << ap.status();
  absl::StatusOr<ProgramResult> ar = ap->Evaluate(s, o);
  ASSERT_TRUE(ar.ok()) << ar.status();
  EXPECT_EQ(Rows(ar->predicates[0].rows), V({0, 1}));
}

TEST(Related, OrphansAreReportedNeverCounted) {
  Snapshot s = Fixture();
  Outcome o = Eval(s, "accounts", "count(contacts WHERE persona = 'dm') >= 1");
  EXPECT_EQ(o.rows, V({0, 1}));  // C4 (account A9) counts for nobody.
  EXPECT_EQ(o.diagnostics.orphan_rows, 2);
  ASSERT_EQ(o.relations.size(), 1u);
  EXPECT_EQ(o.relations[0].table, "contacts");
  EXPECT_EQ(o.relations[0].parent, "accounts");
  EXPECT_EQ(o.relations[0].missing_keys, 1);
  EXPECT_EQ(o.relations[0].null_keys, 1);
  // A rule that reads no relation reports none.
  EXPECT_EQ(Eval(s, "accounts", "arr > 1").diagnostics.orphan_rows, 0);
}

TEST(Related, OwnerScopeThroughParentsAndOwnColumns) {
  Snapshot s = Fixture();
  EXPECT_EQ(TrueRows(s, "accounts", "TRUE OR arr > 0", "alice"), V({0, 2}));
  // Contacts have no owner column: they are alice's through their account.
  EXPECT_EQ(TrueRows(s, "contacts", "id IS NOT NULL", "alice"), V({0, 1}));
  EXPECT_EQ(TrueRows(s, "contacts", "id IS NOT NULL", "bob"), V({2}));
  // Tasks have their own owner, which wins over the account's.
  EXPECT_EQ(TrueRows(s, "tasks", "id IS NOT NULL", "alice"), V({1, 2}));
  EXPECT_EQ(TrueRows(s, "tasks", "id IS NOT NULL", "bob"), V({0}));
  // No expression sees past the scope.
  EXPECT_EQ(TrueRows(s, "accounts", "csm = 'bob' OR csm IS NULL OR TRUE", "alice"), V({0, 2}));
  EXPECT_EQ(TrueRows(s, "contacts", "account.csm = 'bob' OR TRUE", "alice"), V({0, 1}));
  // Aggregates describe an in-scope row's records, whoever owns them.
  EXPECT_EQ(TrueRows(s, "accounts", "count(tasks) = 2", "alice"), V({0}));
  EXPECT_EQ(TrueRows(s, "tasks", "account.csm = 'bob'", "alice"), V({1}));
  EXPECT_EQ(TrueRows(s, "accounts", "TRUE", "nobody"), V({}));
}

TEST(Related, JoinIsBuiltOnceAndShared) {
  Snapshot s = Fixture();
  const Table& contacts = *s.FindTable("contacts");
  const Table& accounts = *s.FindTable("accounts");
  auto first = storage::ParentRows(contacts, "account_id", accounts);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ((*first)->rows, std::vector<int32_t>({0, 0, 1, -1, -1}));
  // Copies of the tables share the map; another evaluation reuses it.
  Table contacts_copy = contacts, accounts_copy = accounts;
  auto again = storage::ParentRows(contacts_copy, "account_id", accounts_copy);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(first->get(), again->get());
  Eval(s, "accounts", "exists(contacts)");
  auto after = storage::ParentRows(contacts, "account_id", accounts);
  EXPECT_EQ(first->get(), after->get());
  // A different parent table (same name, new data) gets its own map.
  TableBuilder a("accounts");
  a.Add("id", Col<std::string>(DataType::String(), {"A9"}))
      .Add("csm", Col<std::string>(DataType::String(), {"carol"}))
      .Add("arr", Col<double>(DataType::Float(), {1.0}));
  a.schema.key = "id";
  Table other = a.Build();
  auto fresh = storage::ParentRows(contacts, "account_id", other);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ((*fresh)->rows, std::vector<int32_t>({-1, -1, -1, 0, -1}));
}

TEST(Related, IntKeysAndTypeMismatch) {
  TableBuilder p("p");
  p.Add("id", Col<int64_t>(DataType::Int(), {30, 10, 20}));
  p.schema.key = "id";
  TableBuilder c("c");
  c.Add("pid", Col<int64_t>(DataType::Int(), {10, 20, 20, 40, std::nullopt, 30}));
  c.schema.parent = ParentRelation{"p", "pid", "parent", {}};
  Snapshot s;
  ASSERT_TRUE(s.AddTable(p.Build()).ok());
  ASSERT_TRUE(s.AddTable(c.Build()).ok());
  EXPECT_EQ(TrueRows(s, "p", "count(c) = 2"), V({2}));
  EXPECT_EQ(TrueRows(s, "c", "parent.id >= 20"), V({1, 2, 5}));
  // A via column whose type differs from the parent key is refused at evaluation.
  TableBuilder bad("c");
  bad.Add("pid", Col<std::string>(DataType::String(), {"10"}));
  bad.schema.parent = ParentRelation{"p", "pid", "parent", {}};
  Snapshot s2;
  ASSERT_TRUE(s2.AddTable(p.Build()).ok());
  ASSERT_TRUE(s2.AddTable(bad.Build()).ok());
  Schema compiled = s.schema;  // Compiled with an int via column.
  ProgramBuilder b(compiled);
  ASSERT_TRUE(b.AddPredicate("p", ExpressionSource{"exists(c)", {}}).ok());
  absl::StatusOr<Program> prog = std::move(b).Build();
  ASSERT_TRUE(prog.ok());
  EvalOptions o;
  o.as_of = absl::CivilDay(2026, 11, 22);
  absl::StatusOr<ProgramResult> r = prog->Evaluate(s2, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("c.pid"), std::string::npos) << r.status();
}

TEST(Related, DuplicateParentKeyIsADataError) {
  TableBuilder p("p");
  p.Add("id", Col<int64_t>(DataType::Int(), {1, 2, 1}));
  p.schema.key = "id";
  absl::StatusOr<Table> t = Table::Make(p.schema, p.columns);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("duplicate key 1"), std::string::npos) << t.status();
}

TEST(Related, SameRowsOnAnyThreadCount) {
  // 3 batches of accounts, 5 of contacts: stages and scatter cross batches and threads.
  const int64_t n = 5000, m = 9000;
  std::vector<S> ids, csms, cids, vias, personas;
  std::vector<F> arr, amount;
  for (int64_t i = 0; i < n; ++i) {
    ids.push_back(absl::StrCat("A", i));
    csms.push_back(i % 7 == 0 ? S() : S(absl::StrCat("csm", i % 5)));
    arr.push_back(i % 11 == 0 ? F() : F(static_cast<double>(i % 97) * 0.25));
  }
  for (int64_t j = 0; j < m; ++j) {
    cids.push_back(absl::StrCat("C", j));
    vias.push_back(j % 13 == 0 ? S() : S(absl::StrCat("A", (j * 7919) % (n + 50))));
    personas.push_back(j % 3 == 0 ? S("dm") : S("user"));
    amount.push_back(j % 5 == 0 ? F() : F(static_cast<double>(j % 101) / 8));
  }
  TableBuilder a("accounts");
  a.Add("id", Col<std::string>(DataType::String(), ids))
      .Add("csm", Col<std::string>(DataType::String(), csms))
      .Add("arr", Col<double>(DataType::Float(), arr));
  a.schema.key = "id";
  a.schema.owner = "csm";
  TableBuilder c("contacts");
  c.Add("id", Col<std::string>(DataType::String(), cids))
      .Add("account_id", Col<std::string>(DataType::String(), vias))
      .Add("persona", Col<std::string>(DataType::String(), personas))
      .Add("amount", Col<double>(DataType::Float(), amount));
  c.schema.key = "id";
  c.schema.parent = ParentRelation{"accounts", "account_id", "account", {}};
  Snapshot s;
  ASSERT_TRUE(s.AddTable(a.Build()).ok());
  ASSERT_TRUE(s.AddTable(c.Build()).ok());
  for (const char* expr :
       {"sum(contacts.amount WHERE persona = 'dm') > arr", "exists(contacts WHERE amount > 12)",
        "avg(contacts.amount) BETWEEN 3 AND 9 OR count(contacts) = 0"}) {
    for (std::optional<std::string> owner :
         {std::optional<std::string>(), std::optional<std::string>("csm3")}) {
      Outcome one = Eval(s, "accounts", expr, owner, 1);
      for (int threads : {2, 3, 8}) {
        Outcome many = Eval(s, "accounts", expr, owner, threads);
        EXPECT_EQ(one.rows, many.rows) << expr << " threads " << threads;
        EXPECT_EQ(one.nulls, many.nulls) << expr << " threads " << threads;
      }
      EXPECT_FALSE(one.rows.empty()) << expr;
    }
    Outcome child =
        Eval(s, "contacts", std::string("account.arr > 10 AND persona = 'dm'"), std::nullopt, 1);
    EXPECT_EQ(child.rows,
              Eval(s, "contacts", "account.arr > 10 AND persona = 'dm'", std::nullopt, 4).rows);
  }
}

}  // namespace
}  // namespace docket
