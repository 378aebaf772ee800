// Workload B (SPEC section 7): the shipped CSM hub rulebook over generated
// accounts — all lists in one pass (one docket::Program) against each list
// evaluated on its own, beside the memory-bandwidth floor of the columns the
// rules read.
//
//   build/benchmarks/rulebook_bench                         # 1,000,000 accounts
//   DOCKET_BENCH_ACCOUNTS=10000000 build/benchmarks/rulebook_bench
//   DOCKET_BENCH_RULEBOOK=examples/rulebooks/portfolio_lists.yaml …
//   DOCKET_BENCH_ONE_ACCOUNT=0 …      # skip the on-change path (one-account snapshots)
//
// Lists that do not compile are left out and named; the table says how many ran.
// Google Benchmark prints its own lines; the summary table follows (times are
// the median of DOCKET_BENCH_REPS runs, default 7).
//
// For the CSM hub (the default rulebook) the summary also has the practical
// limit of SPEC section 7: hub_hand_loop.h, every list written by hand as
// fused C++ loops, one pass per table.  Before anything is timed, its bitmap
// of every list is compared with docket's, bit for bit, on 1 thread and on
// the benchmark's thread count; a difference aborts, naming the list and
// the first differing row.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/time/civil_time.h"
#include "bandwidth.h"
#include "benchmark/benchmark.h"
#include "docket/program.h"
#include "docket/rulebook.h"
#include "docket/table.h"
#include "gen/generator.h"
#include "hub_hand_loop.h"
#include "rule_bytes.h"
#include "timing.h"

namespace docket::bench {
namespace {

int64_t EnvInt(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atoll(v) : fallback;
}

struct Setup {
  Rulebook book;                     // Only the lists that compile.
  std::vector<std::string> skipped;  // Lists left out, with why.
  Snapshot snapshot;
  CompiledRulebook* compiled = nullptr;
  std::vector<Program> single;  // One program per list.
  EvalOptions eval;
  RunOptions run;
  int64_t bytes = 0;  // Columns the rules read, each once.
  int64_t rows = 0;
  std::unique_ptr<HubHandLoop>
      hand;  // The CSM hub's hand-written loops (null for other rulebooks).
  int threads = 1;
};

Setup* g = nullptr;

// Medians of f and h run alternately, `reps` times each: on a shared
// machine both see the same load, so their ratio is steadier than that of
// two separate medians.
std::pair<double, double> Alternating(const std::function<void()>& f,
                                      const std::function<void()>& h, int reps) {
  std::vector<double> tf, th;
  for (int r = 0; r < reps; ++r) {
    auto start = std::chrono::steady_clock::now();
    f();
    auto mid = std::chrono::steady_clock::now();
    h();
    auto end = std::chrono::steady_clock::now();
    tf.push_back(std::chrono::duration<double>(mid - start).count());
    th.push_back(std::chrono::duration<double>(end - mid).count());
  }
  std::sort(tf.begin(), tf.end());
  std::sort(th.begin(), th.end());
  return {tf[tf.size() / 2], th[th.size() / 2]};
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

void BM_HandLoop(benchmark::State& state) {
  for (auto _ : state) g->hand->Run(g->threads);
}

void BM_CommandCenter(benchmark::State& state) {
  for (auto _ : state) {
    auto r = g->compiled->Evaluate(g->snapshot, g->run);
    benchmark::DoNotOptimize(r);
  }
}

// True when `book` is the CSM hub: its lists, in order, are the hand loop's.
bool IsCsmHub(const Rulebook& book) {
  if (book.lists.size() != static_cast<size_t>(hub::kNumLists)) return false;
  for (int k = 0; k < hub::kNumLists; ++k) {
    if (book.lists[static_cast<size_t>(k)].id != hub::kLists[k].id ||
        book.lists[static_cast<size_t>(k)].table != hub::kLists[k].table) {
      return false;
    }
  }
  return true;
}

// Aborts unless the hand loop's bitmap of every list equals docket's.
void CheckHandLoop(const ProgramResult& docket, const HubHandLoop& hand, const Snapshot& snap,
                   const char* how) {
  for (int k = 0; k < hub::kNumLists; ++k) {
    const PredicateResult& p = docket.predicates[static_cast<size_t>(k)];
    const Table& t = *snap.FindTable(hub::kLists[k].table);
    const int64_t n = t.num_rows();
    const std::vector<uint64_t>& words = hand.bitmap(k);
    if (p.rows.size() != n || static_cast<int64_t>(words.size()) != (n + 63) / 64) {
      std::fprintf(
          stderr,
          "hub hand loop (%s): list %s: bitmap sizes differ (docket %lld rows, table %lld)\n", how,
          hub::kLists[k].id, static_cast<long long>(p.rows.size()), static_cast<long long>(n));
      std::abort();
    }
    const uint8_t* hand_bits = reinterpret_cast<const uint8_t*>(words.data());
    for (int64_t i = 0; i < n; ++i) {
      const bool d = GetBit(p.rows.data(), i), h = GetBit(hand_bits, i);
      if (d == h) continue;
      const Column* key = t.key_column();
      std::fprintf(
          stderr,
          "hub hand loop (%s): list %s differs first at row %lld (%s %s): docket %s, hand loop %s "
          "(counts: docket %lld, hand loop %lld)\n",
          how, hub::kLists[k].id, static_cast<long long>(i), t.name().c_str(),
          key != nullptr ? std::string(key->StringAt(i)).c_str() : "?", d ? "TRUE" : "not TRUE",
          h ? "TRUE" : "not TRUE", static_cast<long long>(p.count),
          static_cast<long long>(hand.count(k)));
      std::abort();
    }
    if (p.count != hand.count(k)) {
      std::fprintf(stderr, "hub hand loop (%s): list %s: count %lld, docket %lld\n", how,
                   hub::kLists[k].id, static_cast<long long>(hand.count(k)),
                   static_cast<long long>(p.count));
      std::abort();
    }
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
                         : std::string("examples/rulebooks/csm_hub.yaml");  // From the source tree
                                                                            // (make bench).
#endif
  static Setup setup;
  g = &setup;
  setup.threads = threads;

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
  absl::StatusOr<CompiledRulebook> compiled =
      CompiledRulebook::Compile(kept, setup.snapshot.schema);
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

  // The CSM hub's hand loop: row maps built here (not timed), then every
  // list checked against docket's one pass on 1 and on `threads` threads.
  double hand_setup_s = 0;
  if (IsCsmHub(kept)) {
    t0 = std::chrono::steady_clock::now();
    setup.hand =
        std::make_unique<HubHandLoop>(setup.snapshot, gopts.as_of, kept.time_zone, kept.params);
    hand_setup_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    absl::StatusOr<ProgramResult> docket = holder.program().Evaluate(setup.snapshot, setup.eval);
    if (!docket.ok()) {
      std::fprintf(stderr, "%s\n", std::string(docket.status().message()).c_str());
      return 1;
    }
    setup.hand->Run(1);
    CheckHandLoop(*docket, *setup.hand, setup.snapshot, "1 thread");
    setup.hand->Run(threads);
    CheckHandLoop(*docket, *setup.hand, setup.snapshot,
                  (std::to_string(threads) + " threads").c_str());
  }

  benchmark::RegisterBenchmark("rulebook/one_pass", BM_OnePass)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  benchmark::RegisterBenchmark("rulebook/each_list_alone", BM_EachListAlone)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  if (setup.hand != nullptr) {
    benchmark::RegisterBenchmark("rulebook/hand_loop", BM_HandLoop)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }
  benchmark::RegisterBenchmark("rulebook/command_center", BM_CommandCenter)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();

  // The summary, measured here in one run.
  BandwidthProbe probe;
  double bw = probe.Measure(threads);
  double one_pass =
      MedianSeconds([] { (void)g->compiled->program().Evaluate(g->snapshot, g->eval); }, reps);
  double alone = MedianSeconds(
      [] {
        for (const Program& p : g->single) (void)p.Evaluate(g->snapshot, g->eval);
      },
      reps);
  double center = MedianSeconds([] { (void)g->compiled->Evaluate(g->snapshot, g->run); }, reps);
  double floor_s = static_cast<double>(setup.bytes) / bw;

  // Against the hand loop: the one pass and the hand loop on 1 thread and
  // on `threads`; per table, docket's lists each alone and the hand loop's
  // pass of that table, all on 1 thread.
  double one_pass_1 = 0, hand_1 = 0, one_pass_n = 0, hand_n = 0;
  struct TableRow {
    const char* table;
    std::vector<HubHandLoop::Pass> passes;
    int lists = 0;
    double docket_alone = 0, hand = 0;
  };
  std::vector<TableRow> per_table;
  std::vector<double> list_alone(setup.single.size(), 0);
  if (setup.hand != nullptr) {
    EvalOptions one_thread = setup.eval;
    one_thread.threads = 1;
    std::tie(one_pass_n, hand_n) =
        Alternating([] { (void)g->compiled->program().Evaluate(g->snapshot, g->eval); },
                    [] { g->hand->Run(g->threads); }, reps);
    std::tie(one_pass_1, hand_1) =
        Alternating([&] { (void)g->compiled->program().Evaluate(g->snapshot, one_thread); },
                    [] { g->hand->Run(1); }, reps);
    using P = HubHandLoop::Pass;
    per_table = {{"accounts", {P::kContacts, P::kGoals, P::kAccounts}},
                 {"activities", {P::kActivities}},
                 {"tasks", {P::kTasks}},
                 {"playbooks", {P::kPlaybooks}},
                 {"conversations", {P::kConversations}},
                 {"requests", {P::kRequests}}};
    for (size_t i = 0; i < setup.single.size(); ++i) {
      list_alone[i] =
          MedianSeconds([&] { (void)setup.single[i].Evaluate(g->snapshot, one_thread); }, reps);
      for (TableRow& row : per_table) {
        if (kept.lists[i].table == row.table) {
          row.docket_alone += list_alone[i];
          ++row.lists;
        }
      }
    }
    for (TableRow& row : per_table) {
      for (HubHandLoop::Pass pass : row.passes)
        row.hand += MedianSeconds([&] { g->hand->RunPass(pass); }, reps);
    }
    g->hand->Run(1);  // Leave complete results behind.
  }

  // The on-change path: the whole rulebook against a one-account snapshot.
  gen::GenOptions one_opts = gopts;
  one_opts.num_accounts = 1;
  absl::StatusOr<Snapshot> one = gen::GenerateSnapshot(one_opts);
  double one_program_us = 0, one_center_us = 0, one_context_us = 0, one_center_context_us = 0;
  if (one.ok() && EnvInt("DOCKET_BENCH_ONE_ACCOUNT", 1) != 0) {
    static Snapshot one_snap = *std::move(one);
    EvalOptions single_thread = setup.eval;
    single_thread.threads = 1;
    RunOptions single_run = setup.run;
    single_run.threads = 1;
    constexpr int kCalls = 2000;
    one_program_us = MedianSeconds(
                         [&] {
                           for (int i = 0; i < kCalls; ++i)
                             (void)g->compiled->program().Evaluate(one_snap, single_thread);
                         },
                         3) /
                     kCalls * 1e6;
    // The on-change API: a kept EvalContext and result (no allocation once warm).
    static EvalContext ctx;
    static ProgramResult kept_result;
    (void)g->compiled->program().Evaluate(one_snap, single_thread, &ctx, &kept_result);
    one_context_us =
        MedianSeconds(
            [&] {
              for (int i = 0; i < kCalls; ++i)
                (void)g->compiled->program().Evaluate(one_snap, single_thread, &ctx, &kept_result);
            },
            3) /
        kCalls * 1e6;
    one_center_us = MedianSeconds(
                        [&] {
                          for (int i = 0; i < kCalls; ++i)
                            (void)g->compiled->Evaluate(one_snap, single_run);
                        },
                        3) /
                    kCalls * 1e6;
    // The command center with a kept RulebookContext and result.
    static RulebookContext center_ctx;
    static RulebookResult center_result;
    (void)g->compiled->Evaluate(one_snap, single_run, &center_ctx, &center_result);
    one_center_context_us =
        MedianSeconds(
            [&] {
              for (int i = 0; i < kCalls; ++i)
                (void)g->compiled->Evaluate(one_snap, single_run, &center_ctx, &center_result);
            },
            3) /
        kCalls * 1e6;
  }

  std::printf("\nRulebook %s — %zu of %zu lists, %zu KPIs, %lld accounts, %d threads\n",
              kept.name.c_str(), kept.lists.size(), book->lists.size(), kept.kpis.size(),
              static_cast<long long>(setup.rows), threads);
  for (const std::string& s : setup.skipped) std::printf("  left out: %s\n", s.c_str());
  std::printf("  generate %.2f s, compile %.1f ms\n", gen_s, compile_s * 1e3);
  std::printf("  bytes the rules read       %10.1f MB\n", static_cast<double>(setup.bytes) / 1e6);
  std::printf("  read bandwidth (%d thr)     %10.2f GB/s\n", threads, bw / 1e9);
  std::printf("  floor                      %10.2f ms\n", floor_s * 1e3);
  std::printf("  one pass (Program)         %10.2f ms   %5.2fx floor\n", one_pass * 1e3,
              one_pass / floor_s);
  if (setup.hand != nullptr) {
    // Each ratio from the one pass and the hand loop timed alternately (the
    // one pass's own median alongside).
    std::printf(
        "  hand-written fused loop    %10.2f ms   one pass / hand = %.2f   (%d threads; one pass "
        "%.2f ms "
        "alternating with it)\n",
        hand_n * 1e3, one_pass_n / hand_n, threads, one_pass_n * 1e3);
    std::printf(
        "  hand-written loop, 1 thread %9.2f ms   one pass / hand = %.2f   (1 thread; one pass "
        "%.2f ms)\n",
        hand_1 * 1e3, one_pass_1 / hand_1, one_pass_1 * 1e3);
    std::printf(
        "  hand loop: %.2fx floor (%d threads); it reads %.1f MB (row maps, not the via strings: "
        "%.2f ms at this bandwidth); row maps built once in %.0f ms (not timed)\n",
        hand_n / floor_s, threads, static_cast<double>(setup.hand->bytes_read()) / 1e6,
        static_cast<double>(setup.hand->bytes_read()) / bw * 1e3, hand_setup_s * 1e3);
  }
  std::printf("  each list alone (sum)      %10.2f ms   %5.2fx floor   %5.2fx one pass\n",
              alone * 1e3, alone / floor_s, alone / one_pass);
  std::printf("  command center (+order, top 5, KPIs) %6.2f ms   %5.2fx one pass\n", center * 1e3,
              center / one_pass);
  std::printf(
      "  one account (on-change path, 1 thread): program %.1f us, with a kept EvalContext %.1f us "
      "(%.1fx), command center %.1f us, with a kept RulebookContext %.1f us (%.1fx)\n",
      one_program_us, one_context_us, one_context_us > 0 ? one_program_us / one_context_us : 0.0,
      one_center_us, one_center_context_us,
      one_center_context_us > 0 ? one_center_us / one_center_context_us : 0.0);
  if (setup.hand != nullptr) {
    std::printf(
        "\n  Per table, 1 thread: docket's lists each alone (summed) against the hand loop's "
        "pass\n");
    std::printf("  %-14s %5s %14s %10s %8s\n", "table", "lists", "docket alone", "hand",
                "d / hand");
    for (const auto& row : per_table) {
      std::printf("  %-14s %5d %11.2f ms %7.2f ms %8.2f\n", row.table, row.lists,
                  row.docket_alone * 1e3, row.hand * 1e3, row.docket_alone / row.hand);
    }
    std::printf(
        "  (accounts: the hand loop's accounts, contacts and success_plans + objectives passes; "
        "the\n"
        "  recent-meeting flag of renewal_no_meeting is set in the activities pass)\n");
    std::printf("\n  Each list alone, 1 thread (docket ms, TRUE rows):\n");
    for (size_t i = 0; i < setup.single.size(); ++i) {
      std::printf("    %-22s %-14s %9.2f ms %10lld\n", kept.lists[i].id.c_str(),
                  kept.lists[i].table.c_str(), list_alone[i] * 1e3,
                  static_cast<long long>(setup.hand->count(static_cast<int>(i))));
    }
  }
  std::printf("  (sink %llu)\n", static_cast<unsigned long long>(probe.sink() & 1));
  return 0;
}

}  // namespace
}  // namespace docket::bench

int main(int argc, char** argv) { return docket::bench::Main(argc, argv); }
