// CompiledRulebook: compile errors at file:line:column, and results checked
// against hand-computed expectations on a small snapshot built in code
// (month ends, a leap day, NULLs, owner scope, order and limit, KPIs).
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "docket/builder.h"
#include "docket/error.h"
#include "docket/rulebook.h"
#include "docket/table.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace docket {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Pair;
using ::testing::StartsWith;

constexpr char kTables[] = R"(tables:
  accounts:
    key: id
    owner: csm
    columns: {id: string, name: string, csm: string, arr: float, pulse: string,
              pulse_changed_at: date, renewal_date: date, created_at: date, health: int}
  contacts:
    key: id
    parent: {table: accounts, via: account_id, as: account}
    columns: {id: string, account_id: string, is_champion: bool}
  tasks:
    key: id
    owner: owner
    parent: {table: accounts, via: account_id, as: account}
    columns: {id: string, account_id: string, owner: string, status: string}
)";

constexpr char kBook[] = R"(docket: 1
name: Test Hub
time_zone: America/New_York
params:
  stale_days: 90
  big_arr: 1000.0
segments:
  is_big: arr >= $big_arr
lists:
  - id: outdated_pulse
    title: Outdated Pulse
    horizon: today
    table: accounts
    when: pulse IS NULL OR days_since(pulse_changed_at) > $stale_days
    show: [name, csm, arr]
    order_by: arr DESC
    action: Update the pulse.
  - id: outdated_nulls_first
    table: accounts
    when: pulse IS NULL OR days_since(pulse_changed_at) > $stale_days
    order_by: arr DESC NULLS FIRST
  - id: renewal_window
    horizon: upcoming
    table: accounts
    when: renewal_date BETWEEN today AND add_months(today, 1)
  - id: onboarding_review
    horizon: upcoming
    table: accounts
    when: days_since(created_at) = 30
  - id: healthy_big
    horizon: past
    table: accounts
    when: health >= 70 AND is_big
    order_by: csm, name DESC
    limit: 1
  - id: yellow
    table: accounts
    when: pulse = 'yellow'
  - id: nobody
    table: accounts
    when: arr > 1000000
  - id: no_champion_contacts
    table: contacts
    when: NOT is_champion
  - id: open_tasks
    table: tasks
    when: status = 'open'
kpis:
  - {id: outdated_count, list: outdated_pulse, by: owner}
  - {id: outdated_arr, list: outdated_pulse, measure: sum(arr), by: owner}
  - {id: outdated_avg, list: outdated_pulse, measure: avg(arr)}
  - {id: oldest_pulse, list: outdated_pulse, measure: min(pulse_changed_at)}
  - {id: last_name, list: outdated_pulse, measure: max(name)}
  - {id: owners, list: outdated_pulse, measure: count_distinct(csm)}
  - {id: with_arr, list: outdated_pulse, measure: count(arr)}
  - {id: yellow_by_owner, list: yellow, by: owner}
  - {id: nobody_arr, list: nobody, measure: sum(arr)}
  - {id: nobody_count, list: nobody}
  - {id: contacts_by_owner, list: no_champion_contacts, by: owner}
  - {id: health_sum, list: healthy_big, measure: sum(health)}
)";

std::string BookText() {
  std::string text = kBook;
  return absl::StrCat(text, kTables);
}

Column Strings(std::vector<std::optional<std::string>> v) {
  ColumnBuilder b(DataType::String());
  for (const auto& s : v) s ? b.AppendString(*s) : b.AppendNull();
  return std::move(b).Finish();
}
Column Floats(std::vector<std::optional<double>> v) {
  ColumnBuilder b(DataType::Float());
  for (const auto& x : v) x ? b.AppendFloat(*x) : b.AppendNull();
  return std::move(b).Finish();
}
Column Ints(std::vector<std::optional<int64_t>> v) {
  ColumnBuilder b(DataType::Int());
  for (const auto& x : v) x ? b.AppendInt(*x) : b.AppendNull();
  return std::move(b).Finish();
}
Column Bools(std::vector<bool> v) {
  ColumnBuilder b(DataType::Bool());
  for (bool x : v) b.AppendBool(x);
  return std::move(b).Finish();
}
Column Dates(std::vector<std::optional<absl::CivilDay>> v) {
  ColumnBuilder b(DataType::Date());
  for (const auto& d : v) d ? b.AppendDate(DaysSinceEpoch(*d)) : b.AppendNull();
  return std::move(b).Finish();
}

using D = absl::CivilDay;
const std::nullopt_t N = std::nullopt;

// as_of 2028-02-29 (a leap day):
//   row id  name  csm    arr   pulse   pulse_changed  renewal     created     health
//   0   A1  Acme  Alice  1000  green   2027-12-01(90) 2028-03-31  2027-11-29  80
//   1   A2  Beta  Bob    5000  NULL    NULL           2028-02-29  2027-11-30  40
//   2   A3  Core  Alice  NULL  red     2027-11-30(91) 2028-06-01  2028-01-30  NULL
//   3   A4  Delta NULL   250   yellow  2028-02-28     NULL        2027-08-31  55
//   4   A5  Echo  Alice  5000  NULL    2026-01-01     2028-04-15  2025-02-28  90
//   5   A6  Fox   Bob    300   green   2028-02-01     2029-01-01  2028-02-29  70
Snapshot MakeSnapshot(const Rulebook& book) {
  Snapshot snap;
  snap.schema = book.schema;
  auto accounts = Table::Make(
      *book.schema.FindTable("accounts"),
      {Strings({"A1", "A2", "A3", "A4", "A5", "A6"}),
       Strings({"Acme", "Beta", "Core", "Delta", "Echo", "Fox"}),
       Strings({"Alice", "Bob", "Alice", N, "Alice", "Bob"}),
       Floats({1000, 5000, N, 250, 5000, 300}), Strings({"green", N, "red", "yellow", N, "green"}),
       Dates({D(2027, 12, 1), N, D(2027, 11, 30), D(2028, 2, 28), D(2026, 1, 1), D(2028, 2, 1)}),
       Dates({D(2028, 3, 31), D(2028, 2, 29), D(2028, 6, 1), N, D(2028, 4, 15), D(2029, 1, 1)}),
       Dates({D(2027, 11, 29), D(2027, 11, 30), D(2028, 1, 30), D(2027, 8, 31), D(2025, 2, 28),
              D(2028, 2, 29)}),
       Ints({80, 40, N, 55, 90, 70})});
  EXPECT_TRUE(accounts.ok()) << accounts.status();
  auto contacts = Table::Make(*book.schema.FindTable("contacts"),
                              {Strings({"C1", "C2", "C3", "C4"}), Strings({"A1", "A2", "A3", "A6"}),
                               Bools({false, false, true, false})});
  EXPECT_TRUE(contacts.ok()) << contacts.status();
  // T1 is on Alice's account but owned by Bob: a table's own owner column wins.
  auto tasks = Table::Make(*book.schema.FindTable("tasks"),
                           {Strings({"T1", "T2", "T3"}), Strings({"A1", "A2", "A5"}),
                            Strings({"Bob", "Bob", "Alice"}), Strings({"open", "done", "open"})});
  EXPECT_TRUE(tasks.ok()) << tasks.status();
  EXPECT_TRUE(snap.AddTable(*std::move(accounts)).ok());
  EXPECT_TRUE(snap.AddTable(*std::move(contacts)).ok());
  EXPECT_TRUE(snap.AddTable(*std::move(tasks)).ok());
  return snap;
}

class RulebookEval : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<Rulebook> book = Rulebook::FromYaml(BookText(), "book.yaml");
    ASSERT_TRUE(book.ok()) << book.status();
    book_ = *book;
    absl::StatusOr<CompiledRulebook> compiled = CompiledRulebook::Compile(book_);
    ASSERT_TRUE(compiled.ok()) << compiled.status();
    compiled_ = std::make_unique<CompiledRulebook>(*compiled);
    snap_ = MakeSnapshot(book_);
  }

  RulebookResult Run(RunOptions o = {}) {
    if (o.as_of == absl::CivilDay()) o.as_of = D(2028, 2, 29);
    absl::StatusOr<RulebookResult> r = compiled_->Evaluate(snap_, o);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : RulebookResult{};
  }

  Rulebook book_;
  std::unique_ptr<CompiledRulebook> compiled_;
  Snapshot snap_;
};

TEST_F(RulebookEval, ListsOrderAndLimit) {
  RulebookResult r = Run();
  EXPECT_EQ(r.name, "Test Hub");
  EXPECT_EQ(r.as_of, D(2028, 2, 29));
  EXPECT_EQ(r.time_zone, "America/New_York");
  EXPECT_FALSE(r.owner.has_value());
  ASSERT_EQ(r.lists.size(), 9u);

  const ListResult* stale = r.FindList("outdated_pulse");
  ASSERT_NE(stale, nullptr);
  EXPECT_EQ(stale->title, "Outdated Pulse");
  EXPECT_EQ(stale->horizon, Horizon::kToday);
  EXPECT_EQ(stale->action, "Update the pulse.");
  // days_since(2027-12-01) is exactly 90 on the leap day: not > 90.
  EXPECT_EQ(stale->count, 3);
  // arr DESC: A2 and A5 tie at 5000 (row order), A3's NULL last.
  EXPECT_THAT(stale->Keys(), ElementsAre("A2", "A5", "A3"));
  EXPECT_THAT(stale->rows, ElementsAre(1, 4, 2));
  EXPECT_EQ(stale->Cell(4, "name"), Value::String("Echo"));
  EXPECT_TRUE(stale->Cell(2, "arr").is_null());
  EXPECT_TRUE(stale->matches.Get(1) && stale->matches.Get(2) && stale->matches.Get(4));
  EXPECT_FALSE(stale->matches.Get(0));

  EXPECT_THAT(r.FindList("outdated_nulls_first")->Keys(), ElementsAre("A3", "A2", "A5"));
  // Defaults: title is the id, show is the key and the owner.
  EXPECT_EQ(r.FindList("outdated_nulls_first")->title, "outdated_nulls_first");
  EXPECT_THAT(r.FindList("outdated_nulls_first")->show, ElementsAre("id", "csm"));

  // add_months(2028-02-29, 1) = 2028-03-29: A1 (03-31) is out, A2 (today) in.
  EXPECT_THAT(r.FindList("renewal_window")->Keys(), ElementsAre("A2"));
  // 2028-02-29 - 30 days = 2028-01-30.
  EXPECT_THAT(r.FindList("onboarding_review")->Keys(), ElementsAre("A3"));
  // health >= 70 AND arr >= 1000: A1, A5 (A3's NULL health is NULL, not TRUE);
  // csm ASC then name DESC puts Echo first; limit 1, count 2.
  const ListResult* healthy = r.FindList("healthy_big");
  EXPECT_EQ(healthy->count, 2);
  EXPECT_THAT(healthy->Keys(), ElementsAre("A5"));
  EXPECT_EQ(r.FindList("nobody")->count, 0);
  EXPECT_THAT(r.FindList("nobody")->Keys(), IsEmpty());
  EXPECT_THAT(r.FindList("no_champion_contacts")->Keys(), ElementsAre("C1", "C2", "C4"));
  EXPECT_THAT(r.FindList("open_tasks")->Keys(), ElementsAre("T1", "T3"));
}

TEST_F(RulebookEval, MonthEndClamps) {
  RunOptions o;
  o.as_of = D(2028, 1, 31);  // + 1 month = 2028-02-29.
  RulebookResult r = Run(o);
  EXPECT_THAT(r.FindList("renewal_window")->Keys(), ElementsAre("A2"));
  o.as_of = D(2027, 1, 31);  // + 1 month = 2027-02-28: A2's 2028-02-29 is a year out.
  r = Run(o);
  EXPECT_THAT(r.FindList("renewal_window")->Keys(), IsEmpty());
  o.as_of = D(2028, 3, 31);  // [03-31, 04-30]: A1 (today) and A5.
  r = Run(o);
  EXPECT_THAT(r.FindList("renewal_window")->Keys(), ElementsAre("A1", "A5"));
}

TEST_F(RulebookEval, Kpis) {
  RulebookResult r = Run();
  ASSERT_EQ(r.kpis.size(), 12u);
  const KpiResult* count = r.FindKpi("outdated_count");
  EXPECT_EQ(count->value, Value::Int(3));
  EXPECT_THAT(count->groups, ElementsAre(Pair("Alice", Value::Int(2)), Pair("Bob", Value::Int(1))));
  const KpiResult* arr = r.FindKpi("outdated_arr");
  EXPECT_EQ(arr->value, Value::Float(10000));
  EXPECT_THAT(arr->groups,
              ElementsAre(Pair("Alice", Value::Float(5000)), Pair("Bob", Value::Float(5000))));
  EXPECT_EQ(r.FindKpi("outdated_avg")->value, Value::Float(5000));  // NULL arr ignored.
  EXPECT_EQ(r.FindKpi("oldest_pulse")->value, Value::Date(D(2026, 1, 1)));
  EXPECT_EQ(r.FindKpi("last_name")->value, Value::String("Echo"));
  EXPECT_EQ(r.FindKpi("owners")->value, Value::Int(2));
  EXPECT_EQ(r.FindKpi("with_arr")->value, Value::Int(2));
  EXPECT_THAT(r.FindKpi("yellow_by_owner")->groups,
              ElementsAre(Pair(std::string(kUnassignedOwner), Value::Int(1))));
  EXPECT_TRUE(r.FindKpi("nobody_arr")->value.is_null());
  EXPECT_EQ(r.FindKpi("nobody_count")->value, Value::Int(0));
  // Contacts have no owner column: their account's owner.
  EXPECT_THAT(r.FindKpi("contacts_by_owner")->groups,
              ElementsAre(Pair("Alice", Value::Int(1)), Pair("Bob", Value::Int(2))));
  // An int column sums as int, over every matching row (not only the limit).
  EXPECT_EQ(r.FindKpi("health_sum")->value, Value::Int(170));
}

TEST_F(RulebookEval, OwnerScope) {
  RunOptions o;
  o.owner = "Alice";
  RulebookResult r = Run(o);
  EXPECT_EQ(r.owner, "Alice");
  EXPECT_EQ(r.FindList("outdated_pulse")->count, 2);
  EXPECT_THAT(r.FindList("outdated_pulse")->Keys(), ElementsAre("A5", "A3"));
  EXPECT_FALSE(
      r.FindList("outdated_pulse")->matches.Get(1));  // Bob's row is not even in the bitmap.
  EXPECT_EQ(r.FindList("yellow")->count, 0);          // A4 has no owner: outside every scope.
  EXPECT_THAT(r.FindList("renewal_window")->Keys(), IsEmpty());
  EXPECT_THAT(r.FindList("no_champion_contacts")->Keys(),
              ElementsAre("C1"));                                    // Through the parent.
  EXPECT_THAT(r.FindList("open_tasks")->Keys(), ElementsAre("T3"));  // Own owner column wins.
  EXPECT_THAT(r.FindKpi("outdated_arr")->groups, ElementsAre(Pair("Alice", Value::Float(5000))));
  EXPECT_EQ(r.FindKpi("outdated_arr")->value, Value::Float(5000));
  EXPECT_THAT(r.FindKpi("contacts_by_owner")->groups, ElementsAre(Pair("Alice", Value::Int(1))));

  o.owner = "Bob";
  r = Run(o);
  EXPECT_THAT(r.FindList("outdated_pulse")->Keys(), ElementsAre("A2"));
  EXPECT_THAT(r.FindList("open_tasks")->Keys(), ElementsAre("T1"));
  EXPECT_THAT(r.FindList("no_champion_contacts")->Keys(), ElementsAre("C2", "C4"));

  o.owner = "Nobody";
  r = Run(o);
  for (const ListResult& l : r.lists) EXPECT_EQ(l.count, 0) << l.id;
}

TEST_F(RulebookEval, ParamsOverrideAtRunTime) {
  RunOptions o;
  o.params["stale_days"] = Value::Int(89);  // A1's 90 days now count.
  RulebookResult r = Run(o);
  EXPECT_THAT(r.FindList("outdated_pulse")->Keys(), ElementsAre("A2", "A5", "A1", "A3"));
  o.params.clear();
  o.params["big_arr"] = Value::Int(5000);  // An int stands for a float param.
  r = Run(o);
  EXPECT_THAT(r.FindList("healthy_big")->Keys(), ElementsAre("A5"));
  EXPECT_EQ(r.FindList("healthy_big")->count, 1);

  absl::StatusOr<Value> v = compiled_->ParseParam("stale_days", "60");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, Value::Int(60));
  EXPECT_EQ(compiled_->ParseParam("stale_day", "60").status().message(),
            "unknown param 'stale_day' — did you mean 'stale_days'?");
  EXPECT_EQ(compiled_->ParseParam("stale_days", "soon").status().message(),
            "param 'stale_days': 'soon' is not an int — its default is 90 (int)");

  o.params.clear();
  o.params["stale_days"] = Value::String("x");
  o.as_of = D(2028, 2, 29);
  EXPECT_EQ(compiled_->Evaluate(snap_, o).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(RulebookEval, ListFilterAndMaxRows) {
  RunOptions o;
  o.lists = {"renewal_window", "outdated_pulse"};
  o.max_rows = 1;
  RulebookResult r = Run(o);
  ASSERT_EQ(r.lists.size(), 2u);
  EXPECT_EQ(r.lists[0].id, "outdated_pulse");  // Rulebook order.
  EXPECT_EQ(r.lists[0].count, 3);
  EXPECT_THAT(r.lists[0].Keys(), ElementsAre("A2"));
  // Only KPIs over the chosen lists.
  for (const KpiResult& k : r.kpis) EXPECT_EQ(k.list, "outdated_pulse");
  EXPECT_EQ(r.kpis.size(), 7u);

  o.lists = {"renewal_windw"};
  absl::StatusOr<RulebookResult> bad = compiled_->Evaluate(snap_, o);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "unknown list 'renewal_windw' — did you mean 'renewal_window'?");
}

TEST_F(RulebookEval, ThreadCountDoesNotChangeResults) {
  RunOptions one, two;
  one.threads = 1;
  two.threads = 2;
  RulebookResult a = Run(one), b = Run(two);
  ASSERT_EQ(a.lists.size(), b.lists.size());
  for (size_t i = 0; i < a.lists.size(); ++i) {
    EXPECT_EQ(a.lists[i].Keys(), b.lists[i].Keys());
    EXPECT_EQ(a.lists[i].count, b.lists[i].count);
  }
}

// A subset of the lists is the same compiled program re-planned for those
// lists: it gives the full run's answers, needs only its own tables, and the
// second run of the same subset reuses the first's program.
TEST_F(RulebookEval, SubsetOfListsIsCompiledOnce) {
  RunOptions all;
  RulebookResult full = Run(all);
  Snapshot accounts_only;
  accounts_only.schema = book_.schema;
  ASSERT_TRUE(accounts_only.AddTable(*snap_.FindTable("accounts")).ok());
  RunOptions o;
  o.as_of = D(2028, 2, 29);
  o.lists = {"yellow", "healthy_big"};
  for (int round = 0; round < 2; ++round) {
    absl::StatusOr<RulebookResult> r = compiled_->Evaluate(accounts_only, o);
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_EQ(r->lists.size(), 2u);
    for (const ListResult& l : r->lists) {
      const ListResult* f = full.FindList(l.id);
      ASSERT_NE(f, nullptr);
      EXPECT_EQ(l.count, f->count) << l.id;
      EXPECT_EQ(l.Keys(), f->Keys()) << l.id;
    }
  }
  // A list over tasks still needs the tasks table.
  o.lists = {"open_tasks"};
  EXPECT_EQ(compiled_->Evaluate(accounts_only, o).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(RulebookEval, MissingTableInSnapshotIsADataError) {
  Snapshot partial;
  partial.schema = book_.schema;
  EXPECT_TRUE(partial.AddTable(*snap_.FindTable("accounts")).ok());
  RunOptions o;
  o.as_of = D(2028, 2, 29);
  absl::StatusOr<RulebookResult> r = compiled_->Evaluate(partial, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
}

// Compile errors, each at its file:line:column.
std::string CompileErrorOf(const std::string& lists_and_kpis, const std::string& segments = "") {
  std::string text =
      absl::StrCat("docket: 1\nparams: {days: 90}\n", segments, lists_and_kpis, kTables);
  absl::StatusOr<Rulebook> book = Rulebook::FromYaml(text, "book.yaml");
  if (!book.ok()) return absl::StrCat("LOAD: ", book.status().message());
  absl::StatusOr<CompiledRulebook> c = CompiledRulebook::Compile(*book);
  if (c.ok()) return "OK";
  std::string m(c.status().message());
  return m.substr(0, m.find('\n'));
}

// Related records in a rulebook: aggregates in `when`, parent fields shown
// and ordered by, KPIs over a child table, and orphans reported.
TEST(RulebookRelated, AggregatesParentFieldsAndOrphans) {
  const std::string text = absl::StrCat(R"(docket: 1
name: Related
lists:
  - id: no_champion
    table: accounts
    when: NOT exists(contacts WHERE is_champion)
    show: [name]
  - id: open_tasks
    table: tasks
    when: status = 'open'
    show: [id, account.name, account.csm]
    order_by: account.name DESC
  - id: contacts_of_big
    table: contacts
    when: account.arr >= 1000
    show: [id, account.name]
    order_by: account.arr DESC, id
kpis:
  - {id: open_by_owner, list: open_tasks, by: owner}
)",
                                        kTables);
  absl::StatusOr<Rulebook> book = Rulebook::FromYaml(text, "related.yaml");
  ASSERT_TRUE(book.ok()) << book.status();
  absl::StatusOr<CompiledRulebook> compiled = CompiledRulebook::Compile(*book);
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  Snapshot snap = MakeSnapshot(*book);
  RunOptions o;
  o.as_of = D(2028, 2, 29);
  absl::StatusOr<RulebookResult> r = compiled->Evaluate(snap, o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(r->FindList("no_champion")->Keys(),
              ElementsAre("A1", "A2", "A4", "A5", "A6"));  // C3 on A3 is one.
  const ListResult* open = r->FindList("open_tasks");
  EXPECT_THAT(open->Keys(), ElementsAre("T3", "T1"));  // Echo before Acme.
  EXPECT_EQ(open->Cell(open->rows[0], "account.name"), Value::String("Echo"));
  EXPECT_EQ(open->Cell(open->rows[1], "account.csm"), Value::String("Alice"));
  EXPECT_THAT(r->FindKpi("open_by_owner")->groups,
              ElementsAre(Pair("Alice", Value::Int(1)), Pair("Bob", Value::Int(1))));
  const ListResult* big = r->FindList("contacts_of_big");
  EXPECT_THAT(big->Keys(), ElementsAre("C2", "C1"));
  EXPECT_EQ(big->Cell(big->rows[0], "account.name"), Value::String("Beta"));
  EXPECT_THAT(r->relations, Not(IsEmpty()));
  for (const RelationDiagnostics& rel : r->relations)
    EXPECT_EQ(rel.null_keys + rel.missing_keys, 0) << rel.table;

  // Alice's tasks (own owner column), with the account fields beside them.
  o.owner = "Alice";
  r = compiled->Evaluate(snap, o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(r->FindList("open_tasks")->Keys(), ElementsAre("T3"));
  EXPECT_THAT(r->FindList("contacts_of_big")->Keys(), ElementsAre("C1"));

  // An orphan contact: its account fields are NULL, it counts for no account, and it is reported.
  o.owner.reset();
  auto contacts = Table::Make(*book->schema.FindTable("contacts"),
                              {Strings({"C1", "C2", "C3", "C4"}), Strings({"A1", "A2", "A9", "A6"}),
                               Bools({false, false, true, false})});
  ASSERT_TRUE(contacts.ok());
  snap.tables["contacts"] = *std::move(contacts);
  r = compiled->Evaluate(snap, o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(r->FindList("no_champion")->Keys(), ElementsAre("A1", "A2", "A3", "A4", "A5", "A6"));
  EXPECT_EQ(r->FindList("no_champion")->diagnostics.orphan_rows, 1);
  bool reported = false;
  for (const RelationDiagnostics& rel : r->relations) {
    if (rel.table == "contacts") reported = rel.missing_keys == 1 && rel.parent == "accounts";
  }
  EXPECT_TRUE(reported);
}

TEST(RulebookCompile, UnknownParentFields) {
  EXPECT_EQ(CompileErrorOf("lists:\n  - id: a\n    table: tasks\n    when: status = 'open'\n"
                           "    show: [id, account.nme]\n"),
            "book.yaml:7:16: unknown parent field 'account.nme' in 'show' of list 'a' — table "
            "accounts has no column "
            "'nme'");
  EXPECT_EQ(CompileErrorOf("lists:\n  - id: a\n    table: tasks\n    when: status = 'open'\n"
                           "    order_by: acount.arr\n"),
            "book.yaml:7:15: unknown parent field 'acount.arr' in 'order_by' of list 'a' — "
            "'acount' is not the parent "
            "of tasks (its parent is 'account', table accounts)");
  EXPECT_EQ(
      CompileErrorOf(
          "lists:\n  - id: a\n    table: accounts\n    when: exists(tasks WHERE status = 'open')\n"
          "    show: [name]\n"),
      "OK");
}

TEST(RulebookCompile, UnknownNamesNeedingTheSchema) {
  EXPECT_EQ(
      CompileErrorOf(
          "lists:\n  - id: a\n    table: accounts\n    when: arr > 1\n    show: [name, pluse]\n"),
      "book.yaml:7:18: unknown column 'pluse' in 'show' of list 'a' (table 'accounts') — did you "
      "mean 'pulse'?");
  EXPECT_EQ(
      CompileErrorOf("lists:\n  - id: a\n    table: acounts\n    when: arr > 1\n"),
      "book.yaml:5:12: list 'a' ranges over unknown table 'acounts' — did you mean 'accounts'?");
  EXPECT_EQ(CompileErrorOf("lists:\n  - id: a\n    table: accounts\n    when: arr > 1\n    "
                           "order_by: name, ar DESC\n"),
            "book.yaml:7:21: unknown column 'ar' in 'order_by' of list 'a' (table 'accounts') — "
            "did you mean 'arr'?");
  EXPECT_EQ(CompileErrorOf("lists:\n  - {id: a, table: accounts, when: arr > 1}\nkpis:\n"
                           "  - {id: k, list: a, measure: sum(ar)}\n"),
            "book.yaml:6:35: unknown column 'ar' in the measure of KPI 'k' (list 'a' is over table "
            "'accounts') — did "
            "you mean 'arr'?");
  EXPECT_EQ(CompileErrorOf("lists:\n  - {id: a, table: accounts, when: arr > 1}\nkpis:\n"
                           "  - {id: k, list: a, measure: avg(name)}\n"),
            "book.yaml:6:35: cannot compute avg(name) of a string column — sum and avg need an int "
            "or float column");
  EXPECT_EQ(CompileErrorOf("lists:\n  - {id: a, table: contacts, when: is_champion}\nkpis:\n"
                           "  - {id: k, list: a, by: owner}\n"),
            "OK");  // Contacts are owned through accounts.
}

TEST(RulebookCompile, ExpressionErrorsPointIntoTheYamlFile) {
  // `pluse` is on line 6, column 11 of the file, not column 1 of the expression.
  std::string e =
      CompileErrorOf("lists:\n  - id: a\n    table: accounts\n    when: pluse IS NULL\n");
  EXPECT_THAT(e, StartsWith("book.yaml:6:11: "));
  EXPECT_THAT(e, HasSubstr("pluse"));
  // Inside a block scalar: the second content line.
  e = CompileErrorOf(
      "lists:\n  - id: a\n    table: accounts\n    when: |\n      arr > 1\n        AND pluse IS "
      "NULL\n");
  EXPECT_THAT(e, StartsWith("book.yaml:8:13: "));
  // An unknown param.
  e = CompileErrorOf(
      "lists:\n  - id: a\n    table: accounts\n    when: days_since(created_at) > $dayz\n");
  EXPECT_THAT(e, StartsWith("book.yaml:6:36: "));
  EXPECT_THAT(e, HasSubstr("dayz"));
  // In a segment.
  e = CompileErrorOf("lists:\n  - {id: a, table: accounts, when: s}\n",
                     "segments:\n  s: arr >> 1\n");
  EXPECT_THAT(e, StartsWith("book.yaml:4:"));
}

TEST(RulebookCompile, SegmentCyclesNameThePath) {
  std::string e = CompileErrorOf("lists:\n  - {id: l, table: accounts, when: a}\n",
                                 "segments:\n  a: b AND arr > 1\n  b: c\n  c: a\n");
  EXPECT_THAT(e, StartsWith("book.yaml:"));
  EXPECT_THAT(e, HasSubstr("cycle"));
  EXPECT_THAT(e, HasSubstr("a -> b -> c -> a"));
}

TEST(RulebookCompile, DataSchemaMustMatchTheDeclaredTables) {
  absl::StatusOr<Rulebook> book = Rulebook::FromYaml(BookText(), "book.yaml");
  ASSERT_TRUE(book.ok());
  Schema data = book->schema;
  data.FindTable("accounts")->columns.pop_back();  // No `health`.
  absl::StatusOr<CompiledRulebook> c = CompiledRulebook::Compile(*book, data);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(c.status().message()),
              HasSubstr("column 'accounts.health' is declared but not in the data"));

  // A rulebook without tables compiles against the data's schema.
  std::string text = BookText();
  text = text.substr(0, text.find("tables:"));
  absl::StatusOr<Rulebook> bare = Rulebook::FromYaml(text, "bare.yaml");
  ASSERT_TRUE(bare.ok()) << bare.status();
  EXPECT_FALSE(CompiledRulebook::Compile(*bare).ok());
  EXPECT_TRUE(CompiledRulebook::Compile(*bare, book->schema).ok());
}

}  // namespace
}  // namespace docket
