// CTA sync (docket/cta.h) over generated accounts: five CTA rules, about 5%
// of the accounts triggering, into an SQLite store — beside the evaluation of
// the same trigger lists measured in the same run.
//
//   build/benchmarks/cta_bench                        # 1,000,000 accounts
//   DOCKET_BENCH_ACCOUNTS=100000 build/benchmarks/cta_bench
//   DOCKET_BENCH_DIR=/path/on/disk …                  # where the stores go (default: the temp dir)
//
// Rows (medians of DOCKET_BENCH_REPS runs, default 3):
//   evaluate            the five trigger lists, every row (RunOptions::max_rows = 0)
//   sync: first         an empty store: every triggered identity is created (CTA, tasks, event)
//   sync: same day      the same data and as_of again: nothing is written
//   sync: a week later  as_of + 7: rows whose condition lapsed close themselves
// Each sync row has its own evaluation inside; "store" is the rest (reading
// the live CTAs, planning, writing, committing).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "docket/cta.h"
#include "docket/rulebook.h"
#include "gen/generator.h"

namespace docket::bench {
namespace {

int64_t EnvInt(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atoll(v) : fallback;
}

constexpr const char* kBook = R"(docket: 1
name: CTA bench
lists:
  - {id: go_live, table: accounts, when: "days_since(go_live_date) BETWEEN 30 AND 45"}
  - {id: nps, table: accounts, when: "days_since(nps_responded_at) < 1"}
  - {id: usage, table: accounts, when: "usage_30d < 0.2 * usage_prev_30d"}
  - {id: event, table: accounts, when: "important_event IS NOT NULL AND days_since(important_event_at) <= 2"}
  - {id: transition, table: accounts, when: "previous_csm IS NOT NULL AND days_since(csm_changed_at) <= 7"}
ctas:
  - {id: go_live, list: go_live, type: lifecycle, reason: Post go-live check-in, name: "Check in with {name}",
     due: 7 days, owner: {owner_or: pool}, tasks: [Review usage, Call the admin, Log it]}
  - {id: nps, list: nps, type: activity, reason: NPS response, name: "NPS {nps_score} from {name}", priority: high,
     due: 3 days, owner: {owner_or: pool}, identity: [nps_responded_at], close: manual,
     tasks: [Read the verbatim, Reply, Log the outcome]}
  - {id: usage, list: usage, type: risk, reason: Usage habits decreased, name: "Usage down at {name}",
     priority: high, due: 5 days, owner: {owner_or: pool}, cooldown: 30 days, tasks: [E-mail, Call]}
  - {id: event, list: event, type: activity, reason: Important event, name: "{important_event} at {name}",
     owner: {owner_or: pool}, identity: [important_event_at]}
  - {id: transition, list: transition, type: transition, reason: Transition, name: "Take over {name}",
     priority: high, due: 14 days, owner: owner, identity: [csm_changed_at], close: manual,
     tasks: [Read the notes, Hand-off meeting, Introduction call]}
)";

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void Remove(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

}  // namespace
}  // namespace docket::bench

int main() {
  using namespace docket;
  using namespace docket::bench;
  const int64_t accounts = EnvInt("DOCKET_BENCH_ACCOUNTS", 1000000);
  const int reps = static_cast<int>(std::max<int64_t>(1, EnvInt("DOCKET_BENCH_REPS", 3)));
  const char* dir_env = std::getenv("DOCKET_BENCH_DIR");
  const std::string dir = dir_env != nullptr && *dir_env != '\0'
                              ? dir_env
                              : std::filesystem::temp_directory_path().string();
  const absl::CivilDay as_of(2026, 11, 22);

  gen::GenOptions gen;
  gen.num_accounts = accounts;
  gen.tables = {"accounts"};
  gen.as_of = as_of;
  absl::StatusOr<Snapshot> snapshot = gen::GenerateSnapshot(gen);
  if (!snapshot.ok()) {
    std::fprintf(stderr, "cta_bench: %s\n", std::string(snapshot.status().message()).c_str());
    return 1;
  }
  absl::StatusOr<Rulebook> book = Rulebook::FromYaml(kBook, "cta_bench.yaml");
  if (!book.ok()) {
    std::fprintf(stderr, "cta_bench: %s\n", std::string(book.status().message()).c_str());
    return 1;
  }
  absl::StatusOr<CompiledRulebook> compiled = CompiledRulebook::Compile(*book, snapshot->schema);
  if (!compiled.ok()) {
    std::fprintf(stderr, "cta_bench: %s\n", std::string(compiled.status().message()).c_str());
    return 1;
  }

  RunOptions run;
  run.as_of = as_of;
  run.max_rows = 0;
  std::vector<double> eval_times;
  int64_t triggered_rows = 0;
  for (int r = 0; r < reps; ++r) {
    auto start = std::chrono::steady_clock::now();
    absl::StatusOr<RulebookResult> res = compiled->Evaluate(*snapshot, run);
    eval_times.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    if (!res.ok()) {
      std::fprintf(stderr, "cta_bench: %s\n", std::string(res.status().message()).c_str());
      return 1;
    }
    if (r == 0) {
      Bitmap any(res->lists[0].matches.size());
      for (const ListResult& l : res->lists) {
        for (int64_t i = 0; i < l.matches.size(); ++i) {
          if (l.matches.Get(i)) any.Set(i);
        }
      }
      triggered_rows = any.CountSet();
    }
  }
  const double eval = Median(eval_times);

  struct Row {
    std::string what;
    std::vector<double> total, evaluate, store;
    int64_t created = 0, updated = 0, closed = 0, unchanged = 0;
  };
  std::vector<Row> rows = {
      {"sync: first (empty store)"}, {"sync: same day again"}, {"sync: a week later"}};
  const std::string path = absl::StrCat(dir, "/docket_cta_bench_", getpid(), ".db");
  int64_t store_bytes = 0;
  for (int r = 0; r < reps; ++r) {
    Remove(path);
    absl::StatusOr<CtaStore> store = CtaStore::Open(path);
    if (!store.ok()) {
      std::fprintf(stderr, "cta_bench: %s\n", std::string(store.status().message()).c_str());
      return 1;
    }
    CtaSyncOptions o;
    o.as_of = as_of;
    o.limits.max_ctas_per_sync = accounts;  // The benchmark's own scale.
    for (size_t k = 0; k < rows.size(); ++k) {
      o.as_of = k == 2 ? as_of + 7 : as_of;
      auto start = std::chrono::steady_clock::now();
      absl::StatusOr<CtaSyncReport> rep = store->Sync(*compiled, *snapshot, o);
      double total =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (!rep.ok()) {
        std::fprintf(stderr, "cta_bench: %s\n", std::string(rep.status().message()).c_str());
        return 1;
      }
      rows[k].total.push_back(total);
      rows[k].evaluate.push_back(rep->evaluate_seconds);
      rows[k].store.push_back(rep->store_seconds);
      rows[k].created = rep->created;
      rows[k].updated = rep->updated;
      rows[k].closed = rep->closed;
      rows[k].unchanged = rep->unchanged;
    }
    std::error_code ec;
    store_bytes = static_cast<int64_t>(std::filesystem::file_size(path, ec)) +
                  static_cast<int64_t>(std::filesystem::file_size(path + "-wal", ec));
  }
  Remove(path);

  std::printf(
      "\nCTA sync: %lld accounts, 5 CTA rules, %lld accounts triggering (%.1f%%), %d reps "
      "(medians)\n",
      static_cast<long long>(accounts), static_cast<long long>(triggered_rows),
      100.0 * static_cast<double>(triggered_rows) /
          static_cast<double>(std::max<int64_t>(1, accounts)),
      reps);
  std::printf("%-30s %9s %9s %9s %8s   %s\n", "", "total s", "eval s", "store s", "÷ eval",
              "created/updated/closed/unchanged");
  std::printf("%-30s %9.3f %9s %9s %8s\n", "evaluate the trigger lists", eval, "", "", "1.00");
  for (const Row& row : rows) {
    std::printf("%-30s %9.3f %9.3f %9.3f %8.2f   %lld/%lld/%lld/%lld\n", row.what.c_str(),
                Median(row.total), Median(row.evaluate), Median(row.store),
                Median(row.total) / eval, static_cast<long long>(row.created),
                static_cast<long long>(row.updated), static_cast<long long>(row.closed),
                static_cast<long long>(row.unchanged));
  }
  std::printf("store file after the three syncs: %.1f MB (%s)\n",
              static_cast<double>(store_bytes) / 1e6, dir.c_str());
  return 0;
}
