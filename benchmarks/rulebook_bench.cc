// Workload B (SPEC section 7): the shipped CSM hub rulebook over generated
// accounts — all lists in one pass (one docket::Program) against each list
// evaluated on its own, beside the memory-bandwidth floor of the columns the
// rules read.
//
//   build/benchmarks/rulebook_bench                         # 1,000,000 accounts
//   DOCKET_BENCH_ACCOUNTS=10000000 build/benchmarks/rulebook_bench
//   DOCKET_BENCH_RULEBOOK=examples/rulebooks/portfolio_lists.yaml …
//
// Lists that do not compile yet (rules over related records before that
// feature lands) are left out and named; the table says how many ran.
// Google Benchmark prints its own lines; the summary table follows (times are
// the median of DOCKET_BENCH_REPS runs, default 7).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/time/civil_time.h"
#include "bandwidth.h"
#include "rule_bytes.h"
#include "benchmark/benchmark.h"
#include "docket/program.h"
#include "docket/rulebook.h"
#include "docket/table.h"
#include "gen/generator.h"

namespace docket::bench {
namespace {

int64_t EnvInt(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atoll(v) : fallback;
}

struct Setup {
  Rulebook book;                       // Only the lists that compile.
  std::vector<std::string> skipped;    // Lists left out, with why.
  Snapshot snapshot;
  CompiledRulebook* compiled = nullptr;
  std::vector<Program> single;         // One program per list.
  EvalOptions eval;
  RunOptions run;
  int64_t bytes = 0;                   // Columns the rules read, each once.
  int64_t rows = 0;
};

Setup* g = nullptr;

double Seconds(const std::function<void()>& f, int reps) {
  std::vector<double> t;
  for (int r = 0; r < reps; ++r) {
    auto start = std::chrono::steady_clock::now();
    f();
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

void BM_OnePass(benchmark::State& state) {
  for (auto _ : state) {
    auto r = g->compiled->program().Evaluate(g->snapshot, g->eval);
    benchmark::DoNotOptimize(r);
  }
}

void BM_EachListAlone(benchmark::State& state) {
  for (auto _ : state) {
    for (const Program& p : g->single) {
      auto r = p.Evaluate(g->snapshot, g->eval);
      benchmark::DoNotOptimize(r);
    }
  }
}

void BM_CommandCenter(benchmark::State& state) {
  for (auto _ : state) {
    auto r = g->compiled->Evaluate(g->snapshot, g->run);
    benchmark::DoNotOptimize(r);
  }
}

int Main(int argc, char** argv) {
  const int64_t accounts = EnvInt("DOCKET_BENCH_ACCOUNTS", 1000000);
  const int reps = static_cast<int>(EnvInt("DOCKET_BENCH_REPS", 7));
  const int threads = static_cast<int>(std::max<unsigned>(1, std::thread::hardware_concurrency()));
  std::string path = std::getenv("DOCKET_BENCH_RULEBOOK") != nullptr
                         ? std::getenv("DOCKET_BENCH_RULEBOOK")
#ifdef DOCKET_SOURCE_DIR
                         : std::string(DOCKET_SOURCE_DIR) + "/examples/rulebooks/csm_hub.yaml";
#else
                         : std::string("examples/rulebooks/csm_hub.yaml");  // From the source tree (make bench).
#endif
  static Setup setup;
  g = &setup;

  absl::StatusOr<Rulebook> book = Rulebook::Load(path);
  if (!book.ok()) {
    std::fprintf(stderr, "%s\n", std::string(book.status().message()).c_str());
    return 1;
  }
  // Keep the lists that compile on their own (and the KPIs over them).
  Rulebook kept = *book;
  kept.lists.clear();
  kept.kpis.clear();
  for (const ListSpec& l : book->lists) {
    Rulebook one = *book;
    one.lists = {l};
    one.kpis.clear();
    absl::StatusOr<CompiledRulebook> c = CompiledRulebook::Compile(one);
    if (c.ok()) {
      kept.lists.push_back(l);
    } else {
      std::string m(c.status().message());
      setup.skipped.push_back(l.id + ": " + m.substr(0, m.find('\n')));
    }
  }
  for (const KpiSpec& k : book->kpis) {
    if (kept.FindList(k.list) != nullptr) kept.kpis.push_back(k);
  }
  setup.book = kept;

  // Generate the tables the rulebook declares (lists range over them and
  // aggregates read their children).
  gen::GenOptions gopts;
  gopts.num_accounts = accounts;
  std::set<std::string> tables;
  for (const TableSchema& t : kept.schema.tables) tables.insert(t.name);
  tables.insert("accounts");
  gopts.tables.assign(tables.begin(), tables.end());
  setup.book = kept;
  auto t0 = std::chrono::steady_clock::now();
  absl::StatusOr<Snapshot> snap = gen::GenerateSnapshot(gopts);
  if (!snap.ok()) {
    std::fprintf(stderr, "%s\n", std::string(snap.status().message()).c_str());
    return 1;
  }
  setup.snapshot = *std::move(snap);
  double gen_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  t0 = std::chrono::steady_clock::now();
  absl::StatusOr<CompiledRulebook> compiled = CompiledRulebook::Compile(kept, setup.snapshot.schema);
  double compile_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!compiled.ok()) {
    std::fprintf(stderr, "%s\n", std::string(compiled.status().message()).c_str());
    return 1;
  }
  static CompiledRulebook holder = *compiled;
  setup.compiled = &holder;
  for (const ListSpec& l : kept.lists) {
    CompileOptions copts;
    for (const RulebookParam& p : kept.params) copts.params[p.name] = p.value;
    ProgramBuilder builder(holder.schema(), copts);
    for (const SegmentSpec& s : kept.segments) (void)builder.AddSegment(s.name, s.expression);
    (void)builder.AddPredicate(l.table, l.when);
    setup.single.push_back(*std::move(builder).Build());
  }
  setup.eval.as_of = gopts.as_of;
  setup.eval.time_zone = kept.time_zone;
  setup.run.as_of = gopts.as_of;
  setup.run.max_rows = 5;  // The command center's top rows.

  // Bytes the rules must read (rule_bytes.h).
  setup.bytes = RuleBytes(kept, setup.snapshot);
  setup.rows = setup.snapshot.FindTable("accounts")->num_rows();

  benchmark::RegisterBenchmark("rulebook/one_pass", BM_OnePass)->Unit(benchmark::kMillisecond)->UseRealTime();
  benchmark::RegisterBenchmark("rulebook/each_list_alone", BM_EachListAlone)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  benchmark::RegisterBenchmark("rulebook/command_center", BM_CommandCenter)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();

  // The summary, measured here in one run.
  BandwidthProbe probe;
  double bw = probe.Measure(threads);
  double one_pass = Seconds([] { (void)g->compiled->program().Evaluate(g->snapshot, g->eval); }, reps);
  double alone = Seconds(
      [] {
        for (const Program& p : g->single) (void)p.Evaluate(g->snapshot, g->eval);
      },
      reps);
  double center = Seconds([] { (void)g->compiled->Evaluate(g->snapshot, g->run); }, reps);
  double floor_s = static_cast<double>(setup.bytes) / bw;

  // The on-change path: the whole rulebook against a one-account snapshot.
  gen::GenOptions one_opts = gopts;
  one_opts.num_accounts = 1;
  absl::StatusOr<Snapshot> one = gen::GenerateSnapshot(one_opts);
  double one_program_us = 0, one_center_us = 0;
  if (one.ok()) {
    static Snapshot one_snap = *std::move(one);
    EvalOptions single_thread = setup.eval;
    single_thread.threads = 1;
    RunOptions single_run = setup.run;
    single_run.threads = 1;
    constexpr int kCalls = 2000;
    one_program_us = Seconds(
                         [&] {
                           for (int i = 0; i < kCalls; ++i) (void)g->compiled->program().Evaluate(one_snap, single_thread);
                         },
                         3) /
                     kCalls * 1e6;
    one_center_us = Seconds(
                        [&] {
                          for (int i = 0; i < kCalls; ++i) (void)g->compiled->Evaluate(one_snap, single_run);
                        },
                        3) /
                    kCalls * 1e6;
  }

  std::printf("\nRulebook %s — %zu of %zu lists, %zu KPIs, %lld accounts, %d threads\n", kept.name.c_str(),
              kept.lists.size(), book->lists.size(), kept.kpis.size(), static_cast<long long>(setup.rows), threads);
  for (const std::string& s : setup.skipped) std::printf("  left out: %s\n", s.c_str());
  std::printf("  generate %.2f s, compile %.1f ms\n", gen_s, compile_s * 1e3);
  std::printf("  bytes the rules read       %10.1f MB\n", static_cast<double>(setup.bytes) / 1e6);
  std::printf("  read bandwidth (%d thr)     %10.2f GB/s\n", threads, bw / 1e9);
  std::printf("  floor                      %10.2f ms\n", floor_s * 1e3);
  std::printf("  one pass (Program)         %10.2f ms   %5.2fx floor\n", one_pass * 1e3, one_pass / floor_s);
  std::printf("  each list alone (sum)      %10.2f ms   %5.2fx floor   %5.2fx one pass\n", alone * 1e3,
              alone / floor_s, alone / one_pass);
  std::printf("  command center (+order, top 5, KPIs) %6.2f ms   %5.2fx one pass\n", center * 1e3, center / one_pass);
  std::printf("  one account (on-change path, 1 thread): program %.1f us, command center %.1f us\n", one_program_us,
              one_center_us);
  std::printf("  (sink %llu)\n", static_cast<unsigned long long>(probe.sink() & 1));
  return 0;
}

}  // namespace
}  // namespace docket::bench

int main(int argc, char** argv) { return docket::bench::Main(argc, argv); }
