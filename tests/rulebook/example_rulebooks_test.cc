// Every example rulebook (examples/rulebooks/*.yaml) loads, compiles against
// the example data (examples/data, the contract examples/schema.yaml) and
// runs clean for as_of 2026-11-22 with every list non-empty — for everyone,
// and the CSM hub also for its demo owner — with the shipped history
// (examples/history).  Without the history the lists that read the past
// (trigger lists, prev()/changed()/pct_change()) are empty and the result
// carries a note saying why; every other list is unchanged.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "docket/csv.h"
#include "docket/history.h"
#include "docket/rulebook.h"
#include "gtest/gtest.h"

namespace docket {
namespace {

std::vector<std::string> ExampleRulebooks() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(
           std::string(DOCKET_SOURCE_DIR) + "/examples/rulebooks", ec)) {
    if (entry.path().extension() == ".yaml") out.push_back(entry.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class ExampleRulebook : public ::testing::TestWithParam<std::string> {};

TEST_P(ExampleRulebook, RunsCleanWithEveryListNonEmpty) {
  const std::string& path = GetParam();
  absl::StatusOr<Rulebook> book = Rulebook::Load(path);
  ASSERT_TRUE(book.ok()) << book.status();
  ASSERT_FALSE(book->lists.empty());
  const Schema* schema = book->schema.tables.empty() ? nullptr : &book->schema;
  absl::StatusOr<Snapshot> data =
      ReadCsvDirectory(std::string(DOCKET_SOURCE_DIR) + "/examples/data", schema);
  ASSERT_TRUE(data.ok()) << data.status();
  absl::StatusOr<CompiledRulebook> compiled = CompiledRulebook::Compile(*book, data->schema);
  if (!compiled.ok() && absl::StrContains(compiled.status().message(), "not supported yet")) {
    // The one skip: rules over related records wait for that feature (issue
    // 5); this turns into a failure-or-pass by itself once it lands.
    GTEST_SKIP() << "waits for the related-records feature: " << compiled.status().message();
  }
  ASSERT_TRUE(compiled.ok()) << compiled.status();

  RunOptions run;
  run.as_of = absl::CivilDay(2026, 11, 22);
  absl::StatusOr<History> history = ReadHistoryDirectory(
      std::string(DOCKET_SOURCE_DIR) + "/examples/history", &data->schema, run.as_of);
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->snapshots().size(), 13u);

  // Without the history: the lists reading the past are empty, with notes.
  absl::StatusOr<RulebookResult> bare = compiled->Evaluate(*data, run);
  ASSERT_TRUE(bare.ok()) << bare.status();

  run.history = &*history;
  absl::StatusOr<RulebookResult> r = compiled->Evaluate(*data, run);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->lists.size(), book->lists.size());
  for (const ListResult& l : r->lists) {
    EXPECT_GT(l.count, 0) << path << ": list '" << l.id << "' is empty";
    EXPECT_TRUE(l.diagnostics.empty()) << path << ": list '" << l.id << "' has diagnostics";
    for (const std::string& action : {l.action})
      EXPECT_FALSE(action.empty()) << l.id << " has no action";
  }
  EXPECT_EQ(r->kpis.size(), book->kpis.size());
  for (const std::string& note : r->notes)
    ADD_FAILURE() << path << ": note with the history: " << note;
  ASSERT_EQ(bare->lists.size(), r->lists.size());
  bool reads_past = false;
  for (size_t i = 0; i < bare->lists.size(); ++i) {
    const ListSpec& spec = book->lists[i];
    const bool past = spec.trigger != Trigger::kNone ||
                      absl::StrContains(spec.when.text, "prev(") ||
                      absl::StrContains(spec.when.text, "changed(") ||
                      absl::StrContains(spec.when.text, "pct_change(");
    reads_past = reads_past || past;
    if (past) {
      EXPECT_EQ(bare->lists[i].count, 0) << path << ": " << spec.id << " without history";
    } else {
      EXPECT_EQ(bare->lists[i].count, r->lists[i].count) << path << ": " << spec.id;
    }
  }
  if (reads_past) {
    EXPECT_FALSE(bare->notes.empty()) << path << ": no note without the history";
  }

  // The demo owner sees only their rows, and the counts add up to no more.
  run.owner = "Alice Chen";
  absl::StatusOr<RulebookResult> mine = compiled->Evaluate(*data, run);
  ASSERT_TRUE(mine.ok()) << mine.status();
  for (size_t i = 0; i < mine->lists.size(); ++i) {
    EXPECT_LE(mine->lists[i].count, r->lists[i].count) << mine->lists[i].id;
  }
}

INSTANTIATE_TEST_SUITE_P(Examples, ExampleRulebook, ::testing::ValuesIn(ExampleRulebooks()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return std::filesystem::path(info.param).stem().string();
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ExampleRulebook);

}  // namespace
}  // namespace docket
