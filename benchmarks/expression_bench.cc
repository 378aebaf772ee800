// Per-operator-class micro-benchmarks of the expression engine, each beside
// a hand-written fused loop computing the same rows (hand_loops.h) and the
// bandwidth floor of the columns it reads (bandwidth.h):
//
//   comparison        arr > 100000
//   AND selection     arr > 100000 AND usage_30d < 0.7 * usage_prev_30d
//   OR selection      usage_30d < 1000 OR arr > 500000
//   IN (dictionary)   pulse IN ('red', 'yellow')
//   MATCHES           segment MATCHES '(?i)^ent'
//   date (folded)     days_since(pulse_changed_at) > 90
//   date (per row)    add_months(pulse_changed_at, 3) < today
//   modulo            days_since(subscription_start) % 91 BETWEEN 77 AND 90
//
//   build-bench/benchmarks/expression_bench                   # 5,000,000 accounts
//   DOCKET_BENCH_ROWS=1000000 build-bench/benchmarks/expression_bench
//
// At start-up each hand loop's bitmap is checked against docket's; a
// mismatch aborts.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "bandwidth.h"
#include "benchmark/benchmark.h"
#include "docket/options.h"
#include "docket/program.h"
#include "docket/table.h"
#include "gen/generator.h"
#include "hand_loops.h"

namespace docket::bench {
namespace {

const absl::CivilDay kAsOf(2026, 11, 22);

struct MicroCase {
  const char* name;
  const char* text;
  std::vector<const char*> columns;
  int64_t (*hand)(const AccountsView&, int32_t today, uint64_t* out);
};

const std::vector<MicroCase>& Cases() {
  static const std::vector<MicroCase>* cases = new std::vector<MicroCase>{
      {"comparison",
       "arr > 100000",
       {"arr"},
       [](const AccountsView& a, int32_t, uint64_t* o) { return HandArrGreater(a, 100000, o); }},
      {"and_selection",
       "arr > 100000 AND usage_30d < 0.7 * usage_prev_30d",
       {"arr", "usage_30d", "usage_prev_30d"},
       [](const AccountsView& a, int32_t, uint64_t* o) { return HandArrAndUsage(a, o); }},
      {"or_selection",
       "usage_30d < 1000 OR arr > 500000",
       {"usage_30d", "arr"},
       [](const AccountsView& a, int32_t, uint64_t* o) { return HandUsageOrArr(a, o); }},
      {"in_dictionary",
       "pulse IN ('red', 'yellow')",
       {"pulse"},
       [](const AccountsView& a, int32_t, uint64_t* o) { return HandPulseIn(a, o); }},
      {"matches",
       "segment MATCHES '(?i)^ent'",
       {"segment"},
       [](const AccountsView& a, int32_t, uint64_t* o) { return HandSegmentMatches(a, o); }},
      {"date_folded",
       "days_since(pulse_changed_at) > 90",
       {"pulse_changed_at"},
       [](const AccountsView& a, int32_t t, uint64_t* o) { return HandDaysSince(a, t, o); }},
      {"date_per_row",
       "add_months(pulse_changed_at, 3) < today",
       {"pulse_changed_at"},
       [](const AccountsView& a, int32_t t, uint64_t* o) { return HandAddMonthsLess(a, t, o); }},
      {"modulo",
       "days_since(subscription_start) % 91 BETWEEN 77 AND 90",
       {"subscription_start"},
       [](const AccountsView& a, int32_t t, uint64_t* o) { return HandRule8(a, t, o); }},
  };
  return *cases;
}

struct State {
  Snapshot snapshot;
  const Table* accounts = nullptr;
  AccountsView view;
  std::vector<CompiledPredicate> predicates;
  int32_t today = 0;
};
State* g = nullptr;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "expression_bench: %s\n", what.c_str());
  std::exit(1);
}

EvalOptions Options() {
  EvalOptions o;
  o.as_of = kAsOf;
  o.threads = 1;
  return o;
}

void BM_Docket(benchmark::State& state) {
  const CompiledPredicate& p = g->predicates[static_cast<size_t>(state.range(0))];
  const EvalOptions opts = Options();
  for (auto _ : state) {
    absl::StatusOr<PredicateResult> r = p.EvaluateTable(*g->accounts, opts);
    benchmark::DoNotOptimize(r->count);
  }
  state.SetItemsProcessed(state.iterations() * g->accounts->num_rows());
}

void BM_Hand(benchmark::State& state) {
  const MicroCase& c = Cases()[static_cast<size_t>(state.range(0))];
  std::vector<uint64_t> out(static_cast<size_t>(g->view.n / 64 + 2));
  for (auto _ : state) {
    int64_t n = c.hand(g->view, g->today, out.data());
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(state.iterations() * g->accounts->num_rows());
}

class RecordingReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs)
      if (r.run_type == Run::RT_Iteration && !r.error_occurred)
        ms[r.benchmark_name()] = r.GetAdjustedRealTime();
    ConsoleReporter::ReportRuns(runs);
  }
  std::map<std::string, double> ms;
};

}  // namespace
}  // namespace docket::bench

int main(int argc, char** argv) {
  using namespace docket;
  using namespace docket::bench;
  const char* env_rows = std::getenv("DOCKET_BENCH_ROWS");
  const int64_t rows = env_rows && *env_rows ? std::strtoll(env_rows, nullptr, 10) : 5'000'000;
  State state;
  g = &state;
  gen::GenOptions gen_opts;
  gen_opts.num_accounts = rows;
  gen_opts.as_of = kAsOf;
  gen_opts.tables = {"accounts"};
  absl::StatusOr<Snapshot> snap = gen::GenerateSnapshot(gen_opts);
  if (!snap.ok()) Die(snap.status().ToString());
  state.snapshot = *std::move(snap);
  state.accounts = state.snapshot.FindTable("accounts");
  state.view = ViewAccounts(*state.accounts);
  state.today = static_cast<int32_t>(kAsOf - absl::CivilDay(1970, 1, 1));

  std::vector<int64_t> counts;
  for (const MicroCase& c : Cases()) {
    absl::StatusOr<CompiledPredicate> p =
        CompiledPredicate::Compile(c.text, state.accounts->schema());
    if (!p.ok()) Die(std::string(c.name) + ": " + p.status().ToString());
    absl::StatusOr<PredicateResult> r = p->EvaluateTable(*state.accounts, Options());
    if (!r.ok()) Die(std::string(c.name) + ": " + r.status().ToString());
    std::vector<uint64_t> hand(static_cast<size_t>(rows / 64 + 2), 0);
    int64_t hand_count = c.hand(state.view, state.today, hand.data());
    if (hand_count != r->count ||
        std::memcmp(hand.data(), r->rows.data(), static_cast<size_t>(BitmapBytes(rows)))) {
      Die(std::string(c.name) + ": hand loop (" + std::to_string(hand_count) +
          " rows) and docket (" + std::to_string(r->count) + " rows) disagree");
    }
    counts.push_back(r->count);
    state.predicates.push_back(*std::move(p));
  }

  BandwidthProbe probe;
  const double bw = probe.Measure(1);
  std::printf("read bandwidth: %.1f GB/s (1 thread)\n", bw / 1e9);

  for (size_t k = 0; k < Cases().size(); ++k) {
    benchmark::RegisterBenchmark((std::string("docket/") + Cases()[k].name).c_str(), BM_Docket)
        ->Arg(static_cast<int64_t>(k))
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
    benchmark::RegisterBenchmark((std::string("hand/") + Cases()[k].name).c_str(), BM_Hand)
        ->Arg(static_cast<int64_t>(k))
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }
  benchmark::Initialize(&argc, argv);
  RecordingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);

  auto get = [&](const std::string& name) {
    auto it = reporter.ms.find(name);
    return it == reporter.ms.end() ? -1.0 : it->second;
  };
  std::printf("\noperator classes: %lld accounts, 1 thread; floor = bytes / %.1f GB/s\n",
              static_cast<long long>(rows), bw / 1e9);
  std::printf("%-15s %-55s %9s %9s %8s %8s %8s %8s\n", "class", "expression", "rows", "docket_ms",
              "hand_ms", "d/hand", "floor_ms", "d/floor");
  for (size_t k = 0; k < Cases().size(); ++k) {
    const MicroCase& c = Cases()[k];
    const std::string suffix = std::string(c.name) + "/" + std::to_string(k) + "/real_time";
    const double d = get("docket/" + suffix), h = get("hand/" + suffix);
    int64_t bytes = 0;
    for (const char* col : c.columns) bytes += state.accounts->FindColumn(col)->ByteSize();
    const double floor_ms = static_cast<double>(bytes) / bw * 1e3;
    std::printf("%-15s %-55s %9lld %9.2f %8.2f %8.2f %8.2f %8.2f\n", c.name, c.text,
                static_cast<long long>(counts[k]), d, h, d / h, floor_ms, d / floor_ms);
  }
  std::printf("(sink %llu)\n", static_cast<unsigned long long>(probe.sink() & 1));
  return 0;
}
