// History (issue 15, item 6): the key join between the current snapshot and
// a previous one, and rules reading the past against the same rules over
// current columns.
//
//   build/benchmarks/history_bench                         # 1,000,000 accounts
//   DOCKET_BENCH_ROWS=5000000 build/benchmarks/history_bench
//
// The current snapshot is the generator's accounts; the previous one is
// docket_gen's history a week earlier (gen/history.h), in two shapes:
//   - identical keys: the same accounts in the same order (gone_permille 0) —
//     the usual daily export; joined by one linear compare, no hash table;
//   - hashed: the same plus 2% accounts gone since (gone_permille 20), so the
//     key columns differ and the older table's key index is hashed.
// Join build time is a cold evaluation (a fresh History and a fresh older
// Table, so nothing is cached) minus a warm one.  Warm rule times are Google
// Benchmark's mean real time; the summary table puts each prev() rule beside
// the same rule over the current snapshot's precomputed columns
// (usage_prev_30d, previous_csm), measured in the same run, 1 thread.
// At start-up the prev() rule's count is compared with the current-column
// rule over the identical-keys snapshot built to agree with it (see below).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "benchmark/benchmark.h"
#include "docket/history.h"
#include "docket/options.h"
#include "docket/program.h"
#include "docket/table.h"
#include "gen/generator.h"
#include "gen/history.h"
#include "timing.h"

namespace docket::bench {
namespace {

int64_t EnvInt(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoll(v, nullptr, 10) : fallback;
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "history_bench: %s\n", what.c_str());
  std::exit(1);
}

// A rule over the past and the same rule over current columns.
struct Pair {
  const char* name;
  const char* current;  // over precomputed columns of the current snapshot
  const char* past;     // over the previous snapshot
};

const std::vector<Pair>& Pairs() {
  static const std::vector<Pair> p = {
      {"usage drop", "usage_30d < 0.7 * usage_prev_30d", "usage_30d < 0.7 * prev(usage_30d)"},
      {"health down 10", "health_score <= health_score_prev - 10",
       "health_score <= prev(health_score) - 10"},
      {"owner changed", "(csm <> previous_csm OR csm IS NULL) AND previous_csm IS NOT NULL",
       "changed(csm) AND prev(csm) IS NOT NULL"},
  };
  return p;
}

struct Older {
  absl::CivilDay date;
  Table table;  // accounts a week before as_of
};

struct State {
  gen::GenOptions gen;
  Snapshot current;
  Older identical, hashed;
  History identical_history, hashed_history;  // joins cached after the first evaluation
  std::vector<CompiledPredicate> current_rules, past_rules;
};

State* g = nullptr;

EvalOptions Options(const History* h) {
  EvalOptions o;
  o.as_of = g->gen.as_of;
  o.threads = 1;
  o.history = h;
  return o;
}

Older MakeOlder(int gone_permille) {
  gen::HistoryOptions h;
  h.snapshots = 1;
  h.columns = {"id", "csm", "health_score", "usage_30d"};
  h.gone_permille = gone_permille;
  absl::StatusOr<std::vector<gen::PastSnapshot>> past = gen::GenerateHistory(g->gen, g->current, h);
  if (!past.ok()) Die(std::string(past.status().message()));
  return Older{past->front().date, *past->front().snapshot.FindTable("accounts")};
}

// A History over a fresh copy of the older table (new cache identity: no
// join or key index is reused).
History Fresh(const Older& o) {
  absl::StatusOr<Table> t = Table::Make(o.table.schema(), o.table.columns());
  if (!t.ok()) Die(std::string(t.status().message()));
  Snapshot s;
  if (!s.AddTable(*std::move(t)).ok()) Die("snapshot");
  History h;
  if (!h.Add(o.date, std::move(s), "previous").ok()) Die("history");
  return h;
}

int64_t Count(const CompiledPredicate& p, const History* h) {
  absl::StatusOr<PredicateResult> r = p.Evaluate(g->current, Options(h));
  if (!r.ok()) Die(std::string(r.status().message()));
  return r->count;
}

void BM_Current(benchmark::State& state) {
  const CompiledPredicate& p = g->current_rules[static_cast<size_t>(state.range(0))];
  for (auto _ : state) benchmark::DoNotOptimize(Count(p, nullptr));
}
void BM_PrevIdentical(benchmark::State& state) {
  const CompiledPredicate& p = g->past_rules[static_cast<size_t>(state.range(0))];
  for (auto _ : state) benchmark::DoNotOptimize(Count(p, &g->identical_history));
}
void BM_PrevHashed(benchmark::State& state) {
  const CompiledPredicate& p = g->past_rules[static_cast<size_t>(state.range(0))];
  for (auto _ : state) benchmark::DoNotOptimize(Count(p, &g->hashed_history));
}

// Collects mean real time (ms) per benchmark name.
class Collector : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.run_type == Run::RT_Iteration && r.iterations > 0) {
        ms[r.benchmark_name()] =
            r.GetAdjustedRealTime() * 1e3 / benchmark::GetTimeUnitMultiplier(r.time_unit);
      }
    }
  }
  std::map<std::string, double> ms;
};

}  // namespace
}  // namespace docket::bench

int main(int argc, char** argv) {
  using namespace docket;
  using namespace docket::bench;
  const int64_t rows = EnvInt("DOCKET_BENCH_ROWS", 1'000'000);
  State state;
  g = &state;
  state.gen.num_accounts = rows;
  state.gen.tables = {"accounts"};
  const auto t0 = std::chrono::steady_clock::now();
  absl::StatusOr<Snapshot> now = gen::GenerateSnapshot(state.gen);
  if (!now.ok()) Die(std::string(now.status().message()));
  state.current = *std::move(now);
  state.identical = MakeOlder(0);
  state.hashed = MakeOlder(20);
  std::printf("generated %lld accounts and two previous snapshots (%lld and %lld rows) in %.1f s\n",
              static_cast<long long>(rows),
              static_cast<long long>(state.identical.table.num_rows()),
              static_cast<long long>(state.hashed.table.num_rows()),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  state.identical_history = Fresh(state.identical);
  state.hashed_history = Fresh(state.hashed);
  for (const Pair& p : Pairs()) {
    for (auto [text, out] :
         {std::pair{p.current, &state.current_rules}, std::pair{p.past, &state.past_rules}}) {
      absl::StatusOr<CompiledPredicate> c =
          CompiledPredicate::Compile(text, state.current.schema, "accounts");
      if (!c.ok()) Die(std::string(c.status().message()));
      out->push_back(*std::move(c));
    }
  }

  // Cold joins: a fresh History and older Table each time; the first rule
  // builds the join (identical: one compare; hashed: the key index and the
  // current → older row map) and the warm time of the same rule is removed.
  const CompiledPredicate& first = state.past_rules[0];
  auto cold = [&](const Older& o) {
    std::vector<double> t;
    for (int rep = 0; rep < 5; ++rep) {
      History h = Fresh(o);
      t.push_back(MedianSeconds([&] { Count(first, &h); }, 1));
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2] * 1e3;
  };
  // Warm the cached joins (and check counts) before timing.
  std::printf("counts (current columns / prev() identical / prev() hashed):");
  for (size_t k = 0; k < Pairs().size(); ++k) {
    std::printf(" %s %lld/%lld/%lld;", Pairs()[k].name,
                static_cast<long long>(Count(state.current_rules[k], nullptr)),
                static_cast<long long>(Count(state.past_rules[k], &state.identical_history)),
                static_cast<long long>(Count(state.past_rules[k], &state.hashed_history)));
  }
  std::printf("\n");
  const double cold_identical = cold(state.identical), cold_hashed = cold(state.hashed);

  for (size_t k = 0; k < Pairs().size(); ++k) {
    const std::string n = Pairs()[k].name;
    benchmark::RegisterBenchmark(("current/" + n).c_str(), BM_Current)
        ->Arg(static_cast<int64_t>(k))
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("prev_identical/" + n).c_str(), BM_PrevIdentical)
        ->Arg(static_cast<int64_t>(k))
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("prev_hashed/" + n).c_str(), BM_PrevHashed)
        ->Arg(static_cast<int64_t>(k))
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::Initialize(&argc, argv);
  Collector collector;
  benchmark::RunSpecifiedBenchmarks(&collector);
  benchmark::Shutdown();
  auto ms = [&](const std::string& prefix, size_t k) {
    auto it = collector.ms.find(prefix + "/" + Pairs()[k].name + "/" + std::to_string(k));
    return it == collector.ms.end() ? 0.0 : it->second;
  };

  std::printf("\nhistory: %lld accounts, as_of %s, previous snapshot %s, 1 thread\n",
              static_cast<long long>(rows), absl::FormatCivilTime(state.gen.as_of).c_str(),
              absl::FormatCivilTime(state.identical.date).c_str());
  const double warm_first = ms("prev_identical", 0), warm_first_h = ms("prev_hashed", 0);
  std::printf(
      "join build (cold first rule - warm): identical keys %.2f ms (cold %.2f), hashed %.2f ms "
      "(cold %.2f)\n",
      cold_identical - warm_first, cold_identical, cold_hashed - warm_first_h, cold_hashed);
  std::printf("%-16s %11s %12s %8s %12s %8s   (target <= 2x with the join built)\n", "rule",
              "current_ms", "prev_ident_ms", "ratio", "prev_hash_ms", "ratio");
  for (size_t k = 0; k < Pairs().size(); ++k) {
    const double c = ms("current", k), pi = ms("prev_identical", k), ph = ms("prev_hashed", k);
    std::printf("%-16s %11.2f %12.2f %7.2fx %12.2f %7.2fx\n", Pairs()[k].name, c, pi,
                c > 0 ? pi / c : 0, ph, c > 0 ? ph / c : 0);
  }
  return 0;
}
