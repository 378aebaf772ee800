// A list's `show:` reads the past: `prev(csm)` and
// "prev(usage, INTERVAL 1 MONTH)" (rulebook/show_history.h).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "docket/history.h"
#include "docket/rulebook.h"
#include "exec/test_table.h"
#include "gtest/gtest.h"
#include "rulebook/show_history.h"

namespace docket {
namespace {

using testing::Col;
using testing::TableBuilder;

Table Accounts(std::vector<std::optional<std::string>> id,
               std::vector<std::optional<std::string>> csm,
               std::vector<std::optional<int64_t>> usage, bool keyed = true) {
  TableBuilder b("accounts");
  b.Add("id", Col(DataType::String(), id)).Add("csm", Col(DataType::String(), csm));
  b.Add("usage", Col(DataType::Int(), usage));
  if (keyed) b.schema.key = "id";
  b.schema.owner = "csm";
  return b.Build();
}

absl::StatusOr<Rulebook> LoadYaml(const std::string& yaml) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            absl::StrCat("docket_show_prev_", ::getpid(), ".yaml"))
                               .string();
  std::ofstream(path) << yaml;
  absl::StatusOr<Rulebook> book = Rulebook::Load(path);
  std::filesystem::remove(path);
  return book;
}

const char* kBook = R"y(docket: 1
name: handover
time_zone: UTC
lists:
  - id: transitions
    table: accounts
    when: changed(csm) AND prev(csm) IS NOT NULL
    show: [id, csm, prev(csm), "prev(usage, INTERVAL 1 MONTH) AS usage_then"]
    order_by: id
)y";

// The cell of `column` for the row with key `id` in a list.
std::optional<std::string> Cell(const ListResult& l, const std::string& id,
                                const std::string& column) {
  const Column* key = l.data.key_column();
  const Column* c = l.data.FindColumn(column);
  if (key == nullptr || c == nullptr) return "<no column>";
  for (int64_t r : l.rows) {
    if (key->StringAt(r) != id) continue;
    if (c->IsNull(r)) return std::nullopt;
    if (c->type_id() == TypeId::kString) return std::string(c->StringAt(r));
    return absl::StrCat(c->Values<int64_t>()[r]);
  }
  return "<no row>";
}

TEST(ShowPrev, ShowsTheOlderValueByKey) {
  absl::StatusOr<Rulebook> book = LoadYaml(kBook);
  ASSERT_TRUE(book.ok()) << book.status();
  // Now: A1 moved bob → alice, A2 stays with carol, A3 moved from the pool,
  // A4 is new, A5 moved carol → bob and its row order changed.
  Snapshot now;
  ASSERT_TRUE(
      now.AddTable(Accounts({"A5", "A1", "A2", "A3", "A4"},
                            {"bob", "alice", "carol", "alice", "bob"}, {50, 10, 20, 30, 40}))
          .ok());
  History h;
  Snapshot month_ago, week_ago;
  ASSERT_TRUE(month_ago
                  .AddTable(Accounts({"A1", "A2", "A5"}, {"bob", "carol", "carol"},
                                     {100, 200, std::nullopt}))
                  .ok());
  ASSERT_TRUE(week_ago
                  .AddTable(Accounts({"A1", "A2", "A3", "A5"},
                                     {"bob", "carol", std::nullopt, "carol"}, {11, 21, 31, 51}))
                  .ok());
  ASSERT_TRUE(h.Add(absl::CivilDay(2026, 10, 20), std::move(month_ago)).ok());
  ASSERT_TRUE(h.Add(absl::CivilDay(2026, 11, 15), std::move(week_ago)).ok());
  absl::StatusOr<CompiledRulebook> compiled = CompiledRulebook::Compile(*book, now.schema);
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  RunOptions run;
  run.as_of = absl::CivilDay(2026, 11, 22);
  run.history = &h;
  absl::StatusOr<RulebookResult> r = compiled->Evaluate(now, run);
  ASSERT_TRUE(r.ok()) << r.status();
  const ListResult& l = r->lists[0];
  EXPECT_EQ(l.count, 2);  // A1 and A5 (A3 came from the pool: prev(csm) IS NULL).
  EXPECT_EQ(Cell(l, "A1", "prev(csm)"), "bob");
  EXPECT_EQ(Cell(l, "A5", "prev(csm)"), "carol");
  // INTERVAL 1 MONTH: the snapshot on or before 2026-10-22 (2026-10-20).
  EXPECT_EQ(Cell(l, "A1", "usage_then"), "100");
  EXPECT_EQ(Cell(l, "A5", "usage_then"), std::nullopt);
  EXPECT_TRUE(r->notes.empty()) << r->notes[0];

  // Owner scope is today's: alice sees A1, shown with bob before her.
  run.owner = "alice";
  absl::StatusOr<RulebookResult> mine = compiled->Evaluate(now, run);
  ASSERT_TRUE(mine.ok()) << mine.status();
  EXPECT_EQ(mine->lists[0].count, 1);
  EXPECT_EQ(Cell(mine->lists[0], "A1", "prev(csm)"), "bob");

  // No snapshot old enough for the interval: NULL with a note naming it.
  History recent;
  Snapshot only;
  ASSERT_TRUE(only.AddTable(Accounts({"A1"}, {"bob"}, {1})).ok());
  ASSERT_TRUE(recent.Add(absl::CivilDay(2026, 11, 15), std::move(only)).ok());
  run.owner.reset();
  run.history = &recent;
  absl::StatusOr<RulebookResult> thin = compiled->Evaluate(now, run);
  ASSERT_TRUE(thin.ok()) << thin.status();
  EXPECT_EQ(Cell(thin->lists[0], "A1", "usage_then"), std::nullopt);
  bool noted = false;
  for (const std::string& n : thin->notes)
    noted = noted || absl::StrContains(n, "no snapshot old enough");
  EXPECT_TRUE(noted);
}

TEST(ShowPrev, WithoutHistoryTheColumnIsNullWithANote) {
  absl::StatusOr<Rulebook> book = LoadYaml(R"(docket: 1
name: t
time_zone: UTC
lists:
  - id: everyone
    table: accounts
    when: usage > 0
    show: [id, prev(csm)]
)");
  ASSERT_TRUE(book.ok()) << book.status();
  Snapshot now;
  ASSERT_TRUE(now.AddTable(Accounts({"A1", "A2"}, {"bob", "carol"}, {1, 2})).ok());
  absl::StatusOr<CompiledRulebook> compiled = CompiledRulebook::Compile(*book, now.schema);
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  RunOptions run;
  run.as_of = absl::CivilDay(2026, 11, 22);
  absl::StatusOr<RulebookResult> r = compiled->Evaluate(now, run);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->lists[0].count, 2);
  EXPECT_EQ(Cell(r->lists[0], "A1", "prev(csm)"), std::nullopt);
  ASSERT_EQ(r->notes.size(), 1u);
  EXPECT_TRUE(absl::StrContains(r->notes[0], "prev(csm) in 'show' is NULL: no history"))
      << r->notes[0];
}

TEST(ShowPrev, MistakesAreCompileErrors) {
  Snapshot now;
  ASSERT_TRUE(now.AddTable(Accounts({"A1"}, {"bob"}, {1})).ok());
  auto compile_error = [&](const std::string& show, const Snapshot& data) -> std::string {
    absl::StatusOr<Rulebook> book =
        LoadYaml(absl::StrCat("docket: 1\nname: t\ntime_zone: UTC\nlists:\n  - id: l\n    table: "
                              "accounts\n    when: usage > 0\n"
                              "    show: ",
                              show, "\n"));
    if (!book.ok()) return std::string(book.status().message());
    absl::StatusOr<CompiledRulebook> c = CompiledRulebook::Compile(*book, data.schema);
    return c.ok() ? "" : c.status().ToString();
  };
  std::string e = compile_error("[id, prev(csn)]", now);
  EXPECT_TRUE(absl::StrContains(e, "unknown column 'csn'")) << e;
  EXPECT_TRUE(absl::StrContains(e, "csm")) << e;  // did you mean
  e = compile_error("[id, \"prev(csm, INTERVAL 2 FORTNIGHT)\"]", now);
  EXPECT_TRUE(absl::StrContains(e, "unknown interval unit")) << e;
  e = compile_error("[id, \"prev(csm, INTERVAL 0 DAY)\"]", now);
  EXPECT_TRUE(absl::StrContains(e, "positive whole n")) << e;
  e = compile_error("[id, prev(csm) AS usage]", now);
  EXPECT_TRUE(absl::StrContains(e, "already a column")) << e;
  e = compile_error("[id, prev(csm) AS two words]", now);
  EXPECT_TRUE(absl::StrContains(e, "one word")) << e;
  e = compile_error("[id, \"prev(usage + 1)\"]", now);
  EXPECT_TRUE(absl::StrContains(e, "must be a column")) << e;
  Snapshot unkeyed;
  ASSERT_TRUE(unkeyed.AddTable(Accounts({"A1"}, {"bob"}, {1}, /*keyed=*/false)).ok());
  e = compile_error("[csm, prev(csm)]", unkeyed);
  EXPECT_TRUE(absl::StrContains(e, "needs a key")) << e;
}

TEST(ShowPrev, Parse) {
  auto p = rulebook::ParseShowHistory("name");
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->has_value());
  p = rulebook::ParseShowHistory("prev(health_score, interval 2 quarter)");
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_TRUE(p->has_value());
  EXPECT_EQ((*p)->column, "health_score");
  EXPECT_EQ((*p)->months, 6);
  EXPECT_FALSE(rulebook::ParseShowHistory("prev(csm").ok());
  p = rulebook::ParseShowHistory("prev(csm) as from_csm");
  ASSERT_TRUE(p.ok() && p->has_value());
  EXPECT_EQ((*p)->label, "from_csm");
  EXPECT_EQ((*p)->column, "csm");
  EXPECT_FALSE(rulebook::ParseShowHistory("prev(csm, INTERVAL 1 DAY, 2)").ok());
}

}  // namespace
}  // namespace docket
