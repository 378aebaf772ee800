// Workload A of issue 3 (SPEC section 7): eight rules over generated accounts,
// each beside its hand-written fused loop (hand_loops.h) and the memory
// bandwidth floor (bandwidth.h); the whole set on 1 and 2 threads; and the
// same eight rules as `SELECT count(*) … WHERE …` in an in-memory SQLite.
//
//   build-bench/benchmarks/workload_bench                  # 5,000,000 accounts
//   DOCKET_BENCH_ROWS=500000 build-bench/benchmarks/workload_bench
//   DOCKET_BENCH_SQLITE=0 …                                # skip SQLite (its load takes a while)
//
// At start-up every hand loop's bitmap and count are checked against
// docket's (and SQLite's counts against docket's): a mismatch aborts, so the
// ratios always compare equal work.  Google Benchmark prints its own lines;
// the summary table follows.  Times in the table are Google Benchmark's mean
// real time per iteration.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "bandwidth.h"
#include "benchmark/benchmark.h"
#include "docket/options.h"
#include "docket/program.h"
#include "docket/rulebook.h"
#include "docket/table.h"
#include "exec/morsel.h"
#include "gen/generator.h"
#include "hand_loops.h"

namespace docket::bench {
namespace {

const absl::CivilDay kAsOf(2026, 11, 22);

int64_t EnvInt(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoll(v, nullptr, 10) : fallback;
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "workload_bench: %s\n", what.c_str());
  std::exit(1);
}

int32_t Days(absl::CivilDay d) { return static_cast<int32_t>(d - absl::CivilDay(1970, 1, 1)); }

struct State {
  Snapshot snapshot;
  const Table* accounts = nullptr;
  AccountsView view;
  std::vector<CompiledPredicate> predicates;
  std::optional<Program> program;
  std::optional<CompiledRulebook> rulebook;  // The same eight rules as lists of a rulebook.
  int32_t today = 0, today_minus_4_months = 0;
  std::vector<int64_t> counts;
};

State* g = nullptr;

EvalOptions Options(int threads) {
  EvalOptions o;
  o.as_of = kAsOf;
  o.threads = threads;
  return o;
}

void BM_Docket(benchmark::State& state) {
  const CompiledPredicate& p = g->predicates[static_cast<size_t>(state.range(0))];
  EvalOptions opts = Options(1);
  for (auto _ : state) {
    absl::StatusOr<PredicateResult> r = p.EvaluateTable(*g->accounts, opts);
    benchmark::DoNotOptimize(r->count);
  }
}

void BM_Hand(benchmark::State& state) {
  const WorkloadRule& rule = WorkloadA()[static_cast<size_t>(state.range(0))];
  std::vector<uint64_t> out(static_cast<size_t>(g->view.n / 64 + 2));
  for (auto _ : state) {
    int64_t c = rule.hand(g->view, g->today, g->today_minus_4_months, out.data());
    benchmark::DoNotOptimize(c);
  }
}

void BM_DocketAll(benchmark::State& state) {
  EvalOptions opts = Options(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    absl::StatusOr<ProgramResult> r = g->program->Evaluate(g->snapshot, opts);
    benchmark::DoNotOptimize(r->predicates[0].count);
  }
}

// The main call: the eight rules as the lists of a rulebook (counts, kept
// rows and KPIs), against BM_DocketAll's bare Program in the same run.
void BM_RulebookAll(benchmark::State& state) {
  RunOptions opts;
  opts.as_of = kAsOf;
  opts.threads = static_cast<int>(state.range(0));
  for (auto _ : state) {
    absl::StatusOr<RulebookResult> r = g->rulebook->Evaluate(g->snapshot, opts);
    benchmark::DoNotOptimize(r->lists[0].count);
  }
}

void BM_HandAll(benchmark::State& state) {
  std::vector<std::vector<uint64_t>> out(
      WorkloadA().size(), std::vector<uint64_t>(static_cast<size_t>(g->view.n / 64 + 2)));
  for (auto _ : state) {
    for (size_t k = 0; k < WorkloadA().size(); ++k) {
      int64_t c = WorkloadA()[k].hand(g->view, g->today, g->today_minus_4_months, out[k].data());
      benchmark::DoNotOptimize(c);
    }
  }
}

// Records each benchmark's mean real time (ms) while printing as usual.
class RecordingReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      if (r.run_type == Run::RT_Iteration && !r.error_occurred) {
        ms[r.benchmark_name()] = r.GetAdjustedRealTime();  // Unit is ms (set below).
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }
  std::map<std::string, double> ms;
};

// SQL for the eight rules over table a (dates as integer days).
std::vector<std::string> SqlRules(int32_t today, int32_t today_minus_4_months) {
  std::string t = std::to_string(today);
  return {
      "pulse IS NULL OR (" + t + " - pulse_changed_at) > 90",
      "last_value_review IS NULL OR last_value_review < " + std::to_string(today_minus_4_months),
      "renewal_date BETWEEN " + t + " AND " + t + " + 120 AND forecast IS NULL",
      "usage_30d < 0.7 * usage_prev_30d",
      "arr > 100000 AND pulse IN ('red', 'yellow')",
      "regexp('(?i)^ent', segment) AND arr > 50000",
      "forecast_sentiment IN ('at risk', 'likely churn') AND (renewal_date - " + t + ") <= 180",
      "(" + t + " - subscription_start) % 91 BETWEEN 77 AND 90",
  };
}

void SqliteRegexp(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
    sqlite3_result_null(ctx);
    return;
  }
  // The pattern is constant: compile once per statement (SQLite aux data).
  auto* re = static_cast<RE2*>(sqlite3_get_auxdata(ctx, 0));
  if (re == nullptr) {
    re = new RE2(reinterpret_cast<const char*>(sqlite3_value_text(argv[0])));
    sqlite3_set_auxdata(ctx, 0, re, [](void* p) { delete static_cast<RE2*>(p); });
    re = static_cast<RE2*>(sqlite3_get_auxdata(ctx, 0));
    if (re == nullptr) {
      sqlite3_result_error(ctx, "regexp: no aux data", -1);
      return;
    }
  }
  std::string_view s(reinterpret_cast<const char*>(sqlite3_value_text(argv[1])),
                     static_cast<size_t>(sqlite3_value_bytes(argv[1])));
  sqlite3_result_int(ctx, RE2::PartialMatch(s, *re));
}

struct SqliteResult {
  bool ran = false;
  double load_s = 0;
  std::vector<double> ms;  // per rule, one run each
  std::vector<int64_t> counts;
};

SqliteResult RunSqlite(const State& s) {
  SqliteResult out;
  const Table& t = *s.accounts;
  sqlite3* db = nullptr;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) Die("sqlite3_open");
  sqlite3_create_function(db, "regexp", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                          SqliteRegexp, nullptr, nullptr);
  const std::vector<std::pair<const char*, const char*>> cols = {{"pulse", "TEXT"},
                                                                 {"pulse_changed_at", "INTEGER"},
                                                                 {"last_value_review", "INTEGER"},
                                                                 {"renewal_date", "INTEGER"},
                                                                 {"forecast", "TEXT"},
                                                                 {"usage_30d", "REAL"},
                                                                 {"usage_prev_30d", "REAL"},
                                                                 {"arr", "REAL"},
                                                                 {"segment", "TEXT"},
                                                                 {"forecast_sentiment", "TEXT"},
                                                                 {"subscription_start", "INTEGER"}};
  std::string create = "CREATE TABLE a(", insert = "INSERT INTO a VALUES(";
  std::vector<const Column*> columns;
  for (size_t c = 0; c < cols.size(); ++c) {
    create += std::string(c ? ", " : "") + cols[c].first + " " + cols[c].second;
    insert += c ? ", ?" : "?";
    columns.push_back(t.FindColumn(cols[c].first));
  }
  create += ")";
  insert += ")";
  auto start = std::chrono::steady_clock::now();
  sqlite3_exec(db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF", nullptr, nullptr,
               nullptr);
  if (sqlite3_exec(db, create.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
    Die(sqlite3_errmsg(db));
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, insert.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
    Die(sqlite3_errmsg(db));
  for (int64_t r = 0; r < t.num_rows(); ++r) {
    sqlite3_reset(stmt);
    for (size_t c = 0; c < columns.size(); ++c) {
      const Column& col = *columns[c];
      const int at = static_cast<int>(c) + 1;
      if (col.IsNull(r)) {
        sqlite3_bind_null(stmt, at);
        continue;
      }
      switch (col.type_id()) {
        case TypeId::kString: {
          std::string_view v = col.StringAt(r);
          sqlite3_bind_text(stmt, at, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
          break;
        }
        case TypeId::kFloat:
          sqlite3_bind_double(stmt, at, col.Values<double>()[r]);
          break;
        case TypeId::kDate:
          sqlite3_bind_int64(stmt, at, col.Values<int32_t>()[r]);
          break;
        default:
          Die("unexpected column type");
      }
    }
    if (sqlite3_step(stmt) != SQLITE_DONE) Die(sqlite3_errmsg(db));
  }
  sqlite3_finalize(stmt);
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  out.load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  for (const std::string& where : SqlRules(s.today, s.today_minus_4_months)) {
    std::string sql = "SELECT count(*) FROM a WHERE " + where;
    auto t0 = std::chrono::steady_clock::now();
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
      Die(sqlite3_errmsg(db));
    if (sqlite3_step(stmt) != SQLITE_ROW) Die(sqlite3_errmsg(db));
    out.counts.push_back(sqlite3_column_int64(stmt, 0));
    sqlite3_finalize(stmt);
    out.ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  sqlite3_close(db);
  out.ran = true;
  return out;
}

int64_t BytesOf(const Table& t, const std::vector<const char*>& names) {
  int64_t bytes = 0;
  for (const char* n : names) bytes += t.FindColumn(n)->ByteSize();
  return bytes;
}

}  // namespace
}  // namespace docket::bench

int main(int argc, char** argv) {
  using namespace docket;
  using namespace docket::bench;
  const int64_t rows = EnvInt("DOCKET_BENCH_ROWS", 5'000'000);
  const bool with_sqlite = EnvInt("DOCKET_BENCH_SQLITE", 1) != 0;
  // Batches per morsel of Program::Evaluate (exec/morsel.h), to measure its effect.
  if (int64_t m = EnvInt("DOCKET_BENCH_MORSEL", 0); m > 0) exec::SetMorselBatchesForTest(m);
  State state;
  g = &state;

  // Data: the sample-data generator's accounts (lib/gen), already in memory.
  auto t0 = std::chrono::steady_clock::now();
  gen::GenOptions gen_opts;
  gen_opts.num_accounts = rows;
  gen_opts.as_of = kAsOf;
  gen_opts.tables = {"accounts"};
  absl::StatusOr<Snapshot> snap = gen::GenerateSnapshot(gen_opts);
  if (!snap.ok()) Die(snap.status().ToString());
  state.snapshot = *std::move(snap);
  state.accounts = state.snapshot.FindTable("accounts");
  state.view = ViewAccounts(*state.accounts);
  state.today = Days(kAsOf);
  {
    // today - INTERVAL 4 MONTH, clamped to the month's end.
    absl::CivilMonth m = absl::CivilMonth(kAsOf) - 4;
    int dim = static_cast<int>(absl::CivilDay(m + 1) - absl::CivilDay(m));
    state.today_minus_4_months =
        Days(absl::CivilDay(m.year(), m.month(), std::min(kAsOf.day(), dim)));
  }
  std::printf("generated %lld accounts in %.1f s\n", static_cast<long long>(rows),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());

  // Compile, and check every hand loop against docket.
  ProgramBuilder builder(state.snapshot.schema);
  for (const WorkloadRule& rule : WorkloadA()) {
    absl::StatusOr<CompiledPredicate> p =
        CompiledPredicate::Compile(rule.text, state.accounts->schema());
    if (!p.ok()) Die(std::string(rule.name) + ": " + p.status().ToString());
    state.predicates.push_back(*std::move(p));
    absl::StatusOr<int> added = builder.AddPredicate("accounts", {rule.text, {}});
    if (!added.ok()) Die(added.status().ToString());
  }
  absl::StatusOr<Program> program = std::move(builder).Build();
  if (!program.ok()) Die(program.status().ToString());
  state.program = *std::move(program);
  {
    // Workload A as a rulebook: one list per rule, no order or limit (every
    // match is kept), over the generated accounts' own schema.
    std::string yaml = "docket: 1\nname: workload A\nlists:\n";
    for (const WorkloadRule& rule : WorkloadA()) {
      yaml += std::string("  - id: ") + rule.name + "\n    table: accounts\n    when: \"" +
              rule.text + "\"\n";
    }
    absl::StatusOr<Rulebook> book = Rulebook::FromYaml(yaml, "workload_a.yaml");
    if (!book.ok()) Die(book.status().ToString());
    absl::StatusOr<CompiledRulebook> compiled =
        CompiledRulebook::Compile(*book, state.snapshot.schema);
    if (!compiled.ok()) Die(compiled.status().ToString());
    state.rulebook = *std::move(compiled);
  }
  absl::StatusOr<ProgramResult> all1 = state.program->Evaluate(state.snapshot, Options(1));
  absl::StatusOr<ProgramResult> all2 = state.program->Evaluate(state.snapshot, Options(2));
  if (!all1.ok() || !all2.ok()) Die("program evaluation failed");
  for (size_t k = 0; k < WorkloadA().size(); ++k) {
    const WorkloadRule& rule = WorkloadA()[k];
    absl::StatusOr<PredicateResult> r =
        state.predicates[k].EvaluateTable(*state.accounts, Options(1));
    if (!r.ok()) Die(std::string(rule.name) + ": " + r.status().ToString());
    std::vector<uint64_t> hand(static_cast<size_t>(rows / 64 + 2), 0);
    int64_t hand_count =
        rule.hand(state.view, state.today, state.today_minus_4_months, hand.data());
    if (hand_count != r->count) {
      Die(std::string(rule.name) + ": hand loop counts " + std::to_string(hand_count) +
          ", docket " + std::to_string(r->count));
    }
    if (std::memcmp(hand.data(), r->rows.data(), static_cast<size_t>(BitmapBytes(rows))) != 0) {
      Die(std::string(rule.name) + ": hand loop and docket select different rows");
    }
    for (const ProgramResult* all : {&*all1, &*all2}) {
      const PredicateResult& p = all->predicates[k];
      if (p.count != r->count ||
          std::memcmp(p.rows.data(), r->rows.data(), static_cast<size_t>(BitmapBytes(rows))) != 0) {
        Die(std::string(rule.name) + ": the program's result differs from the single predicate's");
      }
    }
    state.counts.push_back(r->count);
  }
  std::printf("hand loops agree with docket on every rule (counts:");
  for (int64_t c : state.counts) std::printf(" %lld", static_cast<long long>(c));
  std::printf(")\n");

  // Read bandwidth, measured now, in this process.
  BandwidthProbe probe;
  const double bw1 = probe.Measure(1), bw2 = probe.Measure(2);
  std::printf("read bandwidth: %.1f GB/s (1 thread), %.1f GB/s (2 threads)\n", bw1 / 1e9,
              bw2 / 1e9);

  for (size_t k = 0; k < WorkloadA().size(); ++k) {
    const std::string name = WorkloadA()[k].name;
    benchmark::RegisterBenchmark(("docket/" + name).c_str(), BM_Docket)
        ->Arg(static_cast<int64_t>(k))
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
    benchmark::RegisterBenchmark(("hand/" + name).c_str(), BM_Hand)
        ->Arg(static_cast<int64_t>(k))
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }
  benchmark::RegisterBenchmark("docket/all8", BM_DocketAll)
      ->Arg(1)
      ->Arg(2)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  benchmark::RegisterBenchmark("rulebook/all8", BM_RulebookAll)
      ->Arg(1)
      ->Arg(2)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  benchmark::RegisterBenchmark("hand/all8", BM_HandAll)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  benchmark::Initialize(&argc, argv);
  RecordingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);

  SqliteResult sqlite;
  if (with_sqlite) {
    sqlite = RunSqlite(state);
    for (size_t k = 0; k < sqlite.counts.size(); ++k) {
      if (sqlite.counts[k] != state.counts[k]) {
        Die(std::string(WorkloadA()[k].name) + ": SQLite counts " +
            std::to_string(sqlite.counts[k]) + ", docket " + std::to_string(state.counts[k]));
      }
    }
  }

  // The summary table.
  auto get = [&](const std::string& name) {
    auto it = reporter.ms.find(name);
    return it == reporter.ms.end() ? -1.0 : it->second;
  };
  std::printf(
      "\nworkload A: %lld accounts, as_of %s, 1 thread per rule; floor = bytes / %.1f GB/s\n",
      static_cast<long long>(rows), "2026-11-22", bw1 / 1e9);
  std::printf("%-18s %10s %9s %8s %8s %9s %9s %9s\n", "rule", "rows", "docket_ms", "hand_ms",
              "d/hand", "MB", "floor_ms", "d/floor");
  double docket_sum = 0, hand_sum = 0;
  for (size_t k = 0; k < WorkloadA().size(); ++k) {
    const WorkloadRule& rule = WorkloadA()[k];
    const double d =
        get(std::string("docket/") + rule.name + "/" + std::to_string(k) + "/real_time");
    const double h = get(std::string("hand/") + rule.name + "/" + std::to_string(k) + "/real_time");
    const int64_t bytes = BytesOf(*state.accounts, rule.columns);
    const double floor_ms = static_cast<double>(bytes) / bw1 * 1e3;
    docket_sum += d;
    hand_sum += h;
    std::printf("%-18s %10lld %9.2f %8.2f %8.2f %9.1f %9.2f %9.2f\n", rule.name,
                static_cast<long long>(state.counts[k]), d, h, d / h,
                static_cast<double>(bytes) / 1e6, floor_ms, d / floor_ms);
  }
  std::set<std::string> all_columns;
  for (const WorkloadRule& rule : WorkloadA())
    for (const char* c : rule.columns) all_columns.insert(c);
  int64_t all_bytes = 0;
  for (const std::string& c : all_columns) all_bytes += state.accounts->FindColumn(c)->ByteSize();
  const double floor1 = static_cast<double>(all_bytes) / bw1 * 1e3,
               floor2 = static_cast<double>(all_bytes) / bw2 * 1e3;
  const double all_1 = get("docket/all8/1/real_time"), all_2 = get("docket/all8/2/real_time");
  const double hand_all = get("hand/all8/real_time");
  std::printf("%-18s %10s %9.2f %8.2f %8.2f %9s %9s %9s\n", "sum of 8 rules", "", docket_sum,
              hand_sum, docket_sum / hand_sum, "", "", "");
  std::printf("%-18s %10s %9.2f %8.2f %8.2f %9.1f %9.2f %9.2f\n", "all 8, 1 thread", "", all_1,
              hand_all, all_1 / hand_all, static_cast<double>(all_bytes) / 1e6, floor1,
              all_1 / floor1);
  std::printf("%-18s %10s %9.2f %8s %8s %9.1f %9.2f %9.2f   (floor at %.1f GB/s)\n",
              "all 8, 2 threads", "", all_2, "", "", static_cast<double>(all_bytes) / 1e6, floor2,
              all_2 / floor2, bw2 / 1e9);
  const double book_1 = get("rulebook/all8/1/real_time"), book_2 = get("rulebook/all8/2/real_time");
  std::printf(
      "\nthe main call, Rulebook::Evaluate of the 8 rules as lists (target <= 1.3x the "
      "Program):\n");
  std::printf("  1 thread  %9.2f ms = %.2fx the Program (%.2f ms)\n", book_1, book_1 / all_1,
              all_1);
  std::printf("  2 threads %9.2f ms = %.2fx the Program (%.2f ms)\n", book_2, book_2 / all_2,
              all_2);
  std::printf("threads (target >= 1.7x): Program 2 vs 1 = %.2fx, Rulebook 2 vs 1 = %.2fx\n",
              all_1 / all_2, book_1 / book_2);
  if (sqlite.ran) {
    double sqlite_ms = 0;
    for (double m : sqlite.ms) sqlite_ms += m;
    std::printf("\nSQLite %s (in memory, load %.1f s excluded): 8 x SELECT count(*) = %.0f ms\n",
                sqlite3_libversion(), sqlite.load_s, sqlite_ms);
    for (size_t k = 0; k < sqlite.ms.size(); ++k)
      std::printf("  %-18s %9.0f ms  (docket %.2f ms, %.0fx)\n", WorkloadA()[k].name, sqlite.ms[k],
                  get(std::string("docket/") + WorkloadA()[k].name + "/" + std::to_string(k) +
                      "/real_time"),
                  sqlite.ms[k] / get(std::string("docket/") + WorkloadA()[k].name + "/" +
                                     std::to_string(k) + "/real_time"));
    std::printf(
        "docket all 8 (1 thread) %.2f ms: %.0fx faster than SQLite; (2 threads) %.2f ms: %.0fx\n",
        all_1, sqlite_ms / all_1, all_2, sqlite_ms / all_2);
  }
  std::printf("(sink %llu)\n", static_cast<unsigned long long>(probe.sink() & 1));
  return 0;
}
