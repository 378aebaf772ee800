// Tests of the history generator (gen/history.h): determinism, dates, the
// committed examples/history, consistency with the current snapshot, and the
// drift the example rulebooks read (usage drops, owner changes, first use of
// the key feature, new and gone accounts, renewals entering the window).
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "docket/history.h"
#include "docket/program.h"
#include "gen/generator.h"
#include "gen/history.h"
#include "gtest/gtest.h"

namespace docket::gen {
namespace {

std::string Csv(const Table& t) {
  std::string out;
  AppendTableCsv(t, &out);
  return out;
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Sample {
  GenOptions options;
  Snapshot current;
  std::vector<PastSnapshot> past;
};

Sample Make(uint64_t seed, int64_t accounts, const HistoryOptions& h = {}) {
  Sample s;
  s.options.seed = seed;
  s.options.num_accounts = accounts;
  s.options.tables = {"accounts"};
  absl::StatusOr<Snapshot> now = GenerateSnapshot(s.options);
  EXPECT_TRUE(now.ok()) << now.status();
  s.current = *std::move(now);
  absl::StatusOr<std::vector<PastSnapshot>> past = GenerateHistory(s.options, s.current, h);
  EXPECT_TRUE(past.ok()) << past.status();
  s.past = *std::move(past);
  return s;
}

TEST(HistoryGenTest, DeterministicAndSeeded) {
  Sample a = Make(7, 500), b = Make(7, 500), c = Make(8, 500);
  ASSERT_EQ(a.past.size(), 13u);
  for (size_t i = 0; i < a.past.size(); ++i) {
    EXPECT_EQ(a.past[i].date, b.past[i].date);
    EXPECT_EQ(Csv(*a.past[i].snapshot.FindTable("accounts")),
              Csv(*b.past[i].snapshot.FindTable("accounts")));
  }
  EXPECT_NE(Csv(*a.past[5].snapshot.FindTable("accounts")),
            Csv(*c.past[5].snapshot.FindTable("accounts")));
}

TEST(HistoryGenTest, WeeklyDatesBeforeAsOfOldestFirst) {
  Sample s = Make(42, 200);
  const absl::CivilDay as_of = s.options.as_of;
  for (size_t i = 0; i < s.past.size(); ++i) {
    EXPECT_EQ(s.past[i].date, as_of - 7 * static_cast<int>(13 - i));
  }
  HistoryOptions h;
  h.snapshots = 4;
  h.interval_days = 1;
  h.columns = {"csm", "usage_30d"};
  Sample d = Make(42, 200, h);
  ASSERT_EQ(d.past.size(), 4u);
  EXPECT_EQ(d.past.back().date, as_of - 1);
  const Table& t = *d.past.back().snapshot.FindTable("accounts");
  ASSERT_EQ(t.num_columns(), 3);  // id is always kept.
  EXPECT_EQ(t.schema().columns[0].name, "id");
}

TEST(HistoryGenTest, BadOptionsAreInvalidArgument) {
  GenOptions o;
  o.num_accounts = 10;
  absl::StatusOr<Snapshot> now = GenerateSnapshot(o);
  ASSERT_TRUE(now.ok());
  HistoryOptions h;
  h.columns = {"csm", "not_a_column"};
  EXPECT_EQ(GenerateHistory(o, *now, h).status().code(), absl::StatusCode::kInvalidArgument);
  h = HistoryOptions();
  h.snapshots = 0;
  EXPECT_EQ(GenerateHistory(o, *now, h).status().code(), absl::StatusCode::kInvalidArgument);
  o.tables = {"contacts"};
  absl::StatusOr<Snapshot> no_accounts = GenerateSnapshot(o);
  ASSERT_TRUE(no_accounts.ok());
  EXPECT_EQ(GenerateHistory(o, *no_accounts, HistoryOptions()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// `a IS DISTINCT FROM b` spelled with the operators docket has.
std::string Distinct(const std::string& a, const std::string& b) {
  return absl::StrCat("(", a, " <> ", b, " OR (", a, " IS NULL AND ", b, " IS NOT NULL) OR (", a,
                      " IS NOT NULL AND ", b, " IS NULL))");
}

// The drift, read through docket's own history functions over the sample.
TEST(HistoryGenTest, DriftTheRulebooksRead) {
  Sample s = Make(42, 2000);
  History h;
  for (PastSnapshot& p : s.past) ASSERT_TRUE(h.Add(p.date, p.snapshot).ok());
  EvalOptions eval;
  eval.as_of = s.options.as_of;
  eval.history = &h;
  auto count = [&](const std::string& rule) -> int64_t {
    absl::StatusOr<CompiledPredicate> p =
        CompiledPredicate::Compile(rule, s.current.schema, "accounts");
    EXPECT_TRUE(p.ok()) << rule << ": " << p.status();
    if (!p.ok()) return -1;
    absl::StatusOr<PredicateResult> r = p->Evaluate(s.current, eval);
    EXPECT_TRUE(r.ok()) << rule << ": " << r.status();
    return r.ok() ? r->count : -1;
  };
  // Usage: some accounts dropped by more than 30% over 30 days; the past
  // agrees with the current snapshot's own usage_prev_30d 30-42 days back.
  const int64_t drops = count("pct_change(usage_30d, INTERVAL 30 DAY) < -0.3");
  EXPECT_GT(drops, 100);
  EXPECT_LT(drops, 600);
  EXPECT_EQ(count(Distinct("prev(usage_30d, INTERVAL 30 DAY)", "usage_prev_30d") +
                  " AND go_live_date <= today - 42"),
            0);
  EXPECT_EQ(count(Distinct("prev(health_score, INTERVAL 30 DAY)", "health_score_prev") +
                  " AND health_score_prev IS NOT NULL AND created_at <= today - 42"),
            0);
  EXPECT_GT(count("health_score <= prev(health_score, INTERVAL 30 DAY) - 10"), 50);
  // Owner changes: a few percent a month, each to the current csm from previous_csm.
  const int64_t moved = count("changed(csm, INTERVAL 30 DAY)");
  EXPECT_GT(moved, 20);
  EXPECT_LT(moved, 200);
  EXPECT_EQ(count("changed(csm, INTERVAL 30 DAY) AND " +
                  Distinct("prev(csm, INTERVAL 30 DAY)", "previous_csm")),
            0);
  // First use of the key feature this week.
  EXPECT_GT(count("key_feature_first_used IS NOT NULL AND prev(key_feature_first_used) IS NULL AND "
                  "NOT is_new()"),
            30);
  // New accounts over the quarter; none the last week (the sample creates
  // accounts 20+ days before as_of).
  EXPECT_GT(count("is_new(INTERVAL 60 DAY)"), 20);
  // Renewals entering the 120-day window during the last week.
  EXPECT_GT(count("renewal_date BETWEEN today + 113 AND today + 120"), 5);
  // Churn: accounts churned in the quarter were customers before.
  EXPECT_GT(count("churned_at IS NOT NULL AND prev(churned_at, INTERVAL 90 DAY) IS NULL AND NOT "
                  "is_new(INTERVAL 90 DAY)"),
            3);
  // Gone accounts: in an older snapshot, not in the current one.
  const Table& now = *s.current.FindTable("accounts");
  std::set<std::string> current_ids;
  for (int64_t i = 0; i < now.num_rows(); ++i)
    current_ids.insert(std::string(now.key_column()->StringAt(i)));
  std::set<std::string> gone;
  for (const PastSnapshot& p : s.past) {
    const Table& t = *p.snapshot.FindTable("accounts");
    for (int64_t i = 0; i < t.num_rows(); ++i) {
      std::string id(t.key_column()->StringAt(i));
      if (current_ids.count(id) == 0) gone.insert(id);
    }
  }
  // 20 per thousand (a few were created after they were already gone).
  EXPECT_GE(gone.size(), 35u);
  EXPECT_LE(gone.size(), 40u);
  // Gone accounts disappear for good: the last snapshot holds fewer of them than the first.
  auto gone_in = [&](const PastSnapshot& p) {
    int n = 0;
    const Table& t = *p.snapshot.FindTable("accounts");
    for (int64_t i = 0; i < t.num_rows(); ++i)
      n += gone.count(std::string(t.key_column()->StringAt(i))) > 0;
    return n;
  };
  EXPECT_GT(gone_in(s.past.front()), gone_in(s.past.back()));
}

TEST(HistoryGenTest, CommittedExampleHistoryMatchesTheGenerator) {
  // The arguments of `make examples` (Makefile EXAMPLE_HISTORY_COLUMNS).
  GenOptions o;
  o.tables = {"accounts"};
  absl::StatusOr<Snapshot> now = GenerateSnapshot(o);
  ASSERT_TRUE(now.ok());
  HistoryOptions h;
  h.columns = {"id",           "csm",       "health_score",
               "renewal_date", "usage_30d", "key_feature_first_used",
               "churned_at"};
  absl::StatusOr<std::vector<PastSnapshot>> past = GenerateHistory(o, *now, h);
  ASSERT_TRUE(past.ok()) << past.status();
  const std::filesystem::path dir =
      std::filesystem::path(DOCKET_SOURCE_DIR) / "examples" / "history";
  size_t folders = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    folders += e.is_directory() ? 1 : 0;
  EXPECT_EQ(folders, past->size());
  for (const PastSnapshot& p : *past) {
    const std::filesystem::path file = dir / absl::FormatCivilTime(p.date) / "accounts.csv";
    EXPECT_EQ(ReadFile(file), Csv(*p.snapshot.FindTable("accounts")))
        << file << " differs from the generator: run `make examples`";
  }
}

TEST(HistoryGenTest, DocketGenHistoryExitCodesAndFiles) {
  const std::filesystem::path bin = std::filesystem::path(DOCKET_BINARY_DIR) / "docket_gen";
  if (!std::filesystem::exists(bin)) GTEST_SKIP() << "docket_gen is not built";
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("docket_gen_hist_" + std::to_string(::getpid()));
  auto run = [&](const std::string& args) {
    int status = std::system((bin.string() + " " + args + " > /dev/null 2>&1").c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  const std::string out =
      " --out " + (dir / "data").string() + " --history " + (dir / "hist").string();
  EXPECT_EQ(run(out + " --history-columns csm,nope"), 2);  // unknown column
  EXPECT_EQ(run(out + " --tables contacts"), 2);           // no accounts to derive from
  EXPECT_EQ(run(out + " --history-snapshots 0"), 2);
  ASSERT_EQ(run(out + " --accounts 60 --seed 5 --tables accounts --history-snapshots 3 "
                      "--history-interval-days 10 --history-columns csm,usage_30d --quiet"),
            0);
  std::vector<std::string> folders;
  for (const auto& e : std::filesystem::directory_iterator(dir / "hist"))
    folders.push_back(e.path().filename());
  std::sort(folders.begin(), folders.end());
  EXPECT_EQ(folders, (std::vector<std::string>{"2026-10-23", "2026-11-02", "2026-11-12"}));
  EXPECT_EQ(ReadFile(dir / "hist" / "2026-11-12" / "accounts.csv").substr(0, 17),
            "id,csm,usage_30d\n");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace docket::gen
