// The on-change path (issue 13, item 4): the CSM hub rulebook against a
// one-account snapshot (the account and its related rows), 1 thread, four
// ways in one run — the plain Program::Evaluate, the same with a kept
// EvalContext, the command center (CompiledRulebook::Evaluate) plain and
// with a kept RulebookContext — each the median of DOCKET_BENCH_REPS runs of
// DOCKET_BENCH_CALLS calls, and the ratios between them.  Times are the
// thread's CPU time (CLOCK_THREAD_CPUTIME_ID: on a machine shared with other
// builds, time spent descheduled is not counted), wall-clock beside.  Before timing, the
// kept-context results are compared with the plain ones (a difference aborts).
//
//   build/benchmarks/onchange_bench --benchmark_filter=NONE
//   DOCKET_BENCH_ONLY=program_ctx build/benchmarks/onchange_bench   # one way only (for perf)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <set>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "benchmark/benchmark.h"
#include "docket/program.h"
#include "docket/rulebook.h"
#include "gen/generator.h"

namespace {

using namespace docket;  // NOLINT: a benchmark driver.

int64_t EnvInt(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atoll(v) : fallback;
}

double ThreadCpuMicros() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

struct Timing {
  double cpu = 0, wall = 0;  // Microseconds per call, medians.
};

template <typename Fn>
Timing MedianMicros(Fn&& fn, int calls, int reps) {
  std::vector<double> cpu, wall;
  for (int r = 0; r < reps; ++r) {
    const double c0 = ThreadCpuMicros();
    auto a = std::chrono::steady_clock::now();
    for (int i = 0; i < calls; ++i) fn();
    auto b = std::chrono::steady_clock::now();
    cpu.push_back((ThreadCpuMicros() - c0) / calls);
    wall.push_back(std::chrono::duration<double, std::micro>(b - a).count() / calls);
  }
  std::sort(cpu.begin(), cpu.end());
  std::sort(wall.begin(), wall.end());
  return Timing{cpu[cpu.size() / 2], wall[wall.size() / 2]};
}

bool SameLists(const RulebookResult& a, const RulebookResult& b) {
  if (a.lists.size() != b.lists.size() || a.kpis.size() != b.kpis.size()) return false;
  for (size_t i = 0; i < a.lists.size(); ++i) {
    if (a.lists[i].count != b.lists[i].count) return false;
    if (a.lists[i].KeptRows() != b.lists[i].KeptRows()) return false;
  }
  for (size_t i = 0; i < a.kpis.size(); ++i) {
    if (!(a.kpis[i].value == b.kpis[i].value) || a.kpis[i].groups != b.kpis[i].groups) return false;
  }
  return true;
}

void Run() {
  const std::string path = std::string(DOCKET_SOURCE_DIR) + "/examples/rulebooks/csm_hub.yaml";
  absl::StatusOr<Rulebook> book = Rulebook::Load(path);
  if (!book.ok()) {
    std::fprintf(stderr, "%s\n", std::string(book.status().message()).c_str());
    std::exit(1);
  }
  absl::StatusOr<CompiledRulebook> compiled = CompiledRulebook::Compile(*book);
  if (!compiled.ok()) {
    std::fprintf(stderr, "%s\n", std::string(compiled.status().message()).c_str());
    std::exit(1);
  }
  gen::GenOptions gopts;
  gopts.num_accounts = 1;
  gopts.seed = static_cast<uint64_t>(EnvInt("DOCKET_BENCH_SEED", 42));
  gopts.as_of = absl::CivilDay(2026, 11, 22);
  std::set<std::string> tables{"accounts"};
  for (const TableSchema& t : book->schema.tables) tables.insert(t.name);
  gopts.tables.assign(tables.begin(), tables.end());
  absl::StatusOr<Snapshot> one = gen::GenerateSnapshot(gopts);
  if (!one.ok()) {
    std::fprintf(stderr, "%s\n", std::string(one.status().message()).c_str());
    std::exit(1);
  }
  const int calls = static_cast<int>(EnvInt("DOCKET_BENCH_CALLS", 2000));
  const int reps = static_cast<int>(EnvInt("DOCKET_BENCH_REPS", 5));
  const char* only_env = std::getenv("DOCKET_BENCH_ONLY");
  const std::string only = only_env != nullptr ? only_env : "";

  EvalOptions eval;
  eval.as_of = gopts.as_of;
  eval.time_zone = book->time_zone;
  eval.threads = 1;
  RunOptions run;
  run.as_of = gopts.as_of;
  run.max_rows = 5;  // The command center's top rows (as rulebook_bench).
  run.threads = 1;

  const Program& program = compiled->program();
  EvalContext ctx;
  ProgramResult kept;
  RulebookContext book_ctx;
  RulebookResult kept_book;
  (void)program.Evaluate(*one, eval, &ctx, &kept);
  if (absl::Status s = compiled->Evaluate(*one, run, &book_ctx, &kept_book); !s.ok()) {
    std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
    std::exit(1);
  }
  absl::StatusOr<RulebookResult> plain = compiled->Evaluate(*one, run);
  if (!plain.ok() || !SameLists(*plain, kept_book)) {
    std::fprintf(stderr, "the kept-context command center differs from the plain one\n");
    std::exit(1);
  }

  Timing t[4];
  const char* names[4] = {"program", "program_ctx", "center", "center_ctx"};
  for (int w = 0; w < 4; ++w) {
    if (!only.empty() && only != names[w]) continue;
    switch (w) {
      case 0:
        t[w] = MedianMicros([&] { (void)program.Evaluate(*one, eval); }, calls, reps);
        break;
      case 1:
        t[w] = MedianMicros([&] { (void)program.Evaluate(*one, eval, &ctx, &kept); }, calls, reps);
        break;
      case 2:
        t[w] = MedianMicros([&] { (void)compiled->Evaluate(*one, run); }, calls, reps);
        break;
      case 3:
        t[w] = MedianMicros([&] { (void)compiled->Evaluate(*one, run, &book_ctx, &kept_book); },
                            calls, reps);
        break;
    }
  }
  int64_t rows = 0;
  for (const auto& [name, table] : one->tables) rows += table.num_rows();
  std::printf(
      "on-change: CSM hub (%d lists, %zu KPIs), one account and its related rows (%lld rows"
      " in %zu tables), 1 thread, median of %d x %d calls\n",
      program.num_predicates(), book->kpis.size(), static_cast<long long>(rows), one->tables.size(),
      reps, calls);
  auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  std::printf("                                   cpu us/call  wall us/call\n");
  std::printf("  program, plain Evaluate          %10.2f  %10.2f\n", t[0].cpu, t[0].wall);
  std::printf(
      "  program, kept EvalContext        %10.2f  %10.2f   %5.2fx faster than plain (cpu)\n",
      t[1].cpu, t[1].wall, ratio(t[0].cpu, t[1].cpu));
  std::printf("  command center, plain Evaluate   %10.2f  %10.2f\n", t[2].cpu, t[2].wall);
  std::printf(
      "  command center, kept context     %10.2f  %10.2f   %5.2fx faster than plain (cpu)\n",
      t[3].cpu, t[3].wall, ratio(t[2].cpu, t[3].cpu));
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  Run();
  return 0;
}
