// The on-change path (issue 13, item 4): a compiled rulebook evaluated
// against one account and its related rows through a kept EvalContext
// allocates nothing once warm.  This binary replaces the global operator
// new/delete with counting ones; the count is read around the calls.
//
// It also checks that a reused context gives exactly the results of a fresh
// evaluation: across as_of dates, params, snapshots of other sizes, other
// programs and thread counts.
#include <execinfo.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <new>
#include <set>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "docket/program.h"
#include "docket/rulebook.h"
#include "gen/generator.h"
#include "gtest/gtest.h"

namespace {
std::atomic<int64_t> g_news{0};
std::atomic<bool> g_counting{false};

// DOCKET_ALLOC_TRACE=1: print the stack of the first counted allocations
// (to find what allocates when the test fails).
void Trace() {
  static const bool on = std::getenv("DOCKET_ALLOC_TRACE") != nullptr;
  if (!on || g_news.load() > 80) return;
  void* frames[24];
  const int n = backtrace(frames, 24);
  backtrace_symbols_fd(frames, n, STDERR_FILENO);
  (void)!write(STDERR_FILENO, "----\n", 5);
}

void* CountedNew(std::size_t n) {
  if (g_counting.load(std::memory_order_relaxed)) {
    g_news.fetch_add(1, std::memory_order_relaxed);
    g_counting.store(false);
    Trace();
    g_counting.store(true);
  }
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
void* CountedAlignedNew(std::size_t n, std::align_val_t a) {
  if (g_counting.load(std::memory_order_relaxed)) {
    g_news.fetch_add(1, std::memory_order_relaxed);
    g_counting.store(false);
    Trace();
    g_counting.store(true);
  }
  const std::size_t align = static_cast<std::size_t>(a);
  void* p = std::aligned_alloc(align, (n + align - 1) / align * align);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
}  // namespace

void* operator new(std::size_t n) { return CountedNew(n); }
void* operator new[](std::size_t n) { return CountedNew(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return CountedNew(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return CountedNew(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new(std::size_t n, std::align_val_t a) { return CountedAlignedNew(n, a); }
void* operator new[](std::size_t n, std::align_val_t a) { return CountedAlignedNew(n, a); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace docket {
namespace {

// Heap allocations made by fn().
template <typename Fn>
int64_t CountAllocations(Fn&& fn) {
  {
    void* warm[2];
    (void)backtrace(warm, 2);  // Loads the unwinder before counting.
  }
  g_news.store(0);
  g_counting.store(true);
  fn();
  g_counting.store(false);
  return g_news.load();
}

struct Hub {
  Rulebook book;
  CompiledRulebook compiled;
};

const Hub& CsmHub() {
  static const Hub* hub = [] {
    absl::StatusOr<Rulebook> book =
        Rulebook::Load(std::string(DOCKET_SOURCE_DIR) + "/examples/rulebooks/csm_hub.yaml");
    EXPECT_TRUE(book.ok()) << book.status();
    absl::StatusOr<CompiledRulebook> compiled = CompiledRulebook::Compile(*book);
    EXPECT_TRUE(compiled.ok()) << compiled.status();
    return new Hub{*book, *compiled};
  }();
  return *hub;
}

// Generated accounts with every table the rulebook declares (as rulebook_bench).
Snapshot Accounts(int64_t n, uint64_t seed = 42) {
  gen::GenOptions opts;
  opts.num_accounts = n;
  opts.seed = seed;
  opts.as_of = absl::CivilDay(2026, 11, 22);
  std::set<std::string> tables{"accounts"};
  for (const TableSchema& t : CsmHub().book.schema.tables) tables.insert(t.name);
  opts.tables.assign(tables.begin(), tables.end());
  absl::StatusOr<Snapshot> snap = gen::GenerateSnapshot(opts);
  EXPECT_TRUE(snap.ok()) << snap.status();
  return *std::move(snap);
}

EvalOptions HubOptions(absl::CivilDay as_of = absl::CivilDay(2026, 11, 22)) {
  EvalOptions opts;
  opts.as_of = as_of;
  opts.time_zone = CsmHub().book.time_zone;
  opts.threads = 1;
  return opts;
}

void ExpectSame(const ProgramResult& a, const ProgramResult& b, const std::string& how) {
  ASSERT_EQ(a.predicates.size(), b.predicates.size()) << how;
  for (size_t i = 0; i < a.predicates.size(); ++i) {
    const PredicateResult& x = a.predicates[i];
    const PredicateResult& y = b.predicates[i];
    EXPECT_EQ(x.table, y.table) << how;
    EXPECT_EQ(x.count, y.count) << how << ": predicate " << i;
    ASSERT_EQ(x.rows.size(), y.rows.size()) << how << ": predicate " << i;
    for (int64_t r = 0; r < x.rows.size(); ++r) {
      ASSERT_EQ(x.rows.Get(r), y.rows.Get(r)) << how << ": predicate " << i << " row " << r;
    }
    EXPECT_EQ(x.diagnostics.division_by_zero, y.diagnostics.division_by_zero) << how;
    EXPECT_EQ(x.diagnostics.int_overflow, y.diagnostics.int_overflow) << how;
    EXPECT_EQ(x.diagnostics.orphan_rows, y.diagnostics.orphan_rows) << how;
  }
  ASSERT_EQ(a.relations.size(), b.relations.size()) << how;
  for (size_t i = 0; i < a.relations.size(); ++i) {
    EXPECT_EQ(a.relations[i].table, b.relations[i].table) << how;
    EXPECT_EQ(a.relations[i].missing_keys, b.relations[i].missing_keys) << how;
    EXPECT_EQ(a.relations[i].null_keys, b.relations[i].null_keys) << how;
  }
}

TEST(OnChange, OneAccountProgramAllocatesNothingOnceWarm) {
  const Program& program = CsmHub().compiled.program();
  // One account and its related rows; the stages (aggregates over contacts,
  // goals, …) and the parent fields all run.
  Snapshot one = Accounts(1);
  ASSERT_GT(one.FindTable("contacts")->num_rows() + one.FindTable("tasks")->num_rows(), 0);
  EvalOptions opts = HubOptions();
  EvalContext ctx;
  ProgramResult result;
  ASSERT_TRUE(program.Evaluate(one, opts, &ctx, &result).ok());  // Warm up.
  absl::Status status;
  const int64_t news = CountAllocations([&] {
    for (int i = 0; i < 1000 && status.ok(); ++i) {
      opts.as_of = absl::CivilDay(2026, 11, 22) + i % 40;  // as_of moves: constants are recomputed.
      status = program.Evaluate(one, opts, &ctx, &result);
    }
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(news, 0) << "heap allocations over 1000 warm on-change evaluations";
  EXPECT_EQ(ctx.evaluations(), 1001);
  EXPECT_EQ(ctx.setups(), 1);  // The first call: program and snapshot.

  // And the results are a fresh evaluation's.
  absl::StatusOr<ProgramResult> fresh = program.Evaluate(one, opts);
  ASSERT_TRUE(fresh.ok());
  ExpectSame(result, *fresh, "one account");
}

TEST(OnChange, CountingAllocatorCounts) {
  // The test above cannot pass by accident: a plain evaluation allocates.
  const Program& program = CsmHub().compiled.program();
  Snapshot one = Accounts(1);
  EvalOptions opts = HubOptions();
  const int64_t news = CountAllocations([&] { (void)program.Evaluate(one, opts); });
  EXPECT_GT(news, 0);
}

TEST(OnChange, ReusedContextGivesFreshResults) {
  const Program& program = CsmHub().compiled.program();
  std::vector<Snapshot> snaps;
  snaps.push_back(Accounts(1));
  snaps.push_back(Accounts(3000, 7));  // More than one batch.
  snaps.push_back(Accounts(1, 9));
  snaps.push_back(Accounts(50, 11));
  EvalContext ctx;
  ProgramResult result;
  int k = 0;
  for (int round = 0; round < 2; ++round) {
    for (const Snapshot& snap : snaps) {
      for (int threads : {1, 2}) {
        EvalOptions opts = HubOptions(absl::CivilDay(2026, 11, 22) + 17 * k++);
        opts.threads = threads;
        if (k % 3 == 0) opts.params["pulse_stale_days"] = Value::Int(30 + k);
        ASSERT_TRUE(program.Evaluate(snap, opts, &ctx, &result).ok());
        absl::StatusOr<ProgramResult> fresh = program.Evaluate(snap, opts);
        ASSERT_TRUE(fresh.ok());
        ExpectSame(result, *fresh,
                   "snapshot of " + std::to_string(snap.FindTable("accounts")->num_rows()) +
                       " accounts, " + std::to_string(threads) + " threads, call " +
                       std::to_string(k));
      }
    }
  }
  // Another program through the same context.
  const Program one_list = program.Select({1, 0});
  EvalOptions opts = HubOptions();
  ASSERT_TRUE(one_list.Evaluate(snaps[1], opts, &ctx, &result).ok());
  absl::StatusOr<ProgramResult> fresh = one_list.Evaluate(snaps[1], opts);
  ASSERT_TRUE(fresh.ok());
  ExpectSame(result, *fresh, "another program");
}

TEST(OnChange, CopiesOfASnapshotAreBoundAgain) {
  // A copy shares the tables' buffers and caches but not their Column objects:
  // the context binds it again (and the original afterwards), never reading a
  // destroyed copy.
  const Program& program = CsmHub().compiled.program();
  Snapshot one = Accounts(1);
  EvalOptions opts = HubOptions();
  EvalContext ctx;
  ProgramResult result;
  ASSERT_TRUE(program.Evaluate(one, opts, &ctx, &result).ok());
  {
    auto copy = std::make_unique<Snapshot>(one);
    ASSERT_TRUE(program.Evaluate(*copy, opts, &ctx, &result).ok());
    EXPECT_EQ(ctx.setups(), 2);
  }
  auto other = std::make_unique<Snapshot>(Accounts(1, 5));  // May land where the copy was.
  ASSERT_TRUE(program.Evaluate(*other, opts, &ctx, &result).ok());
  absl::StatusOr<ProgramResult> fresh = program.Evaluate(*other, opts);
  ASSERT_TRUE(fresh.ok());
  ExpectSame(result, *fresh, "another snapshot after a destroyed copy");
  ASSERT_TRUE(program.Evaluate(one, opts, &ctx, &result).ok());
  fresh = program.Evaluate(one, opts);
  ASSERT_TRUE(fresh.ok());
  ExpectSame(result, *fresh, "the original again");
  EXPECT_EQ(ctx.setups(), 4);
}

TEST(OnChange, ErrorsStillReported) {
  const Program& program = CsmHub().compiled.program();
  Snapshot one = Accounts(1);
  EvalContext ctx;
  ProgramResult result;
  EvalOptions opts = HubOptions();
  opts.params["no_such_param"] = Value::Int(1);
  absl::Status s = program.Evaluate(one, opts, &ctx, &result);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  opts.params.clear();
  Snapshot missing = one;
  missing.tables.erase("contacts");
  s = program.Evaluate(missing, opts, &ctx, &result);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  // The context is still good.
  ASSERT_TRUE(program.Evaluate(one, opts, &ctx, &result).ok());
  absl::StatusOr<ProgramResult> fresh = program.Evaluate(one, opts);
  ASSERT_TRUE(fresh.ok());
  ExpectSame(result, *fresh, "after errors");
}

// The command center (CompiledRulebook::Evaluate with a kept RulebookContext).

void ExpectSameBook(const RulebookResult& a, const RulebookResult& b, const std::string& how) {
  EXPECT_EQ(a.name, b.name) << how;
  EXPECT_EQ(a.as_of, b.as_of) << how;
  EXPECT_EQ(a.time_zone, b.time_zone) << how;
  EXPECT_EQ(a.owner, b.owner) << how;
  EXPECT_EQ(a.notes, b.notes) << how;
  ASSERT_EQ(a.relations.size(), b.relations.size()) << how;
  for (size_t i = 0; i < a.relations.size(); ++i) {
    EXPECT_EQ(a.relations[i].table, b.relations[i].table) << how;
    EXPECT_EQ(a.relations[i].parent, b.relations[i].parent) << how;
    EXPECT_EQ(a.relations[i].null_keys, b.relations[i].null_keys) << how;
    EXPECT_EQ(a.relations[i].missing_keys, b.relations[i].missing_keys) << how;
  }
  ASSERT_EQ(a.lists.size(), b.lists.size()) << how;
  for (size_t i = 0; i < a.lists.size(); ++i) {
    const ListResult& x = a.lists[i];
    const ListResult& y = b.lists[i];
    const std::string where = how + ", list " + x.id;
    EXPECT_EQ(x.id, y.id) << where;
    EXPECT_EQ(x.title, y.title) << where;
    EXPECT_EQ(x.horizon, y.horizon) << where;
    EXPECT_EQ(x.table, y.table) << where;
    EXPECT_EQ(x.action, y.action) << where;
    EXPECT_EQ(x.resources.size(), y.resources.size()) << where;
    EXPECT_EQ(x.show, y.show) << where;
    EXPECT_EQ(x.count, y.count) << where;
    EXPECT_EQ(x.all_matches, y.all_matches) << where;
    EXPECT_EQ(x.diagnostics.division_by_zero, y.diagnostics.division_by_zero) << where;
    EXPECT_EQ(x.diagnostics.int_overflow, y.diagnostics.int_overflow) << where;
    EXPECT_EQ(x.diagnostics.orphan_rows, y.diagnostics.orphan_rows) << where;
    ASSERT_EQ(x.matches.size(), y.matches.size()) << where;
    for (int64_t r = 0; r < x.matches.size(); ++r)
      ASSERT_EQ(x.matches.Get(r), y.matches.Get(r)) << where << " row " << r;
    ASSERT_EQ(x.KeptRows(), y.KeptRows()) << where;
    ASSERT_EQ(x.data.num_columns(), y.data.num_columns()) << where;
    ASSERT_EQ(x.data.num_rows(), y.data.num_rows()) << where;
    for (int c = 0; c < x.data.num_columns(); ++c) {
      const std::string& name = x.data.schema().columns[c].name;
      ASSERT_EQ(name, y.data.schema().columns[c].name) << where;
      for (int64_t r : x.KeptRows())
        ASSERT_EQ(x.Cell(r, name), y.Cell(r, name)) << where << " column " << name << " row " << r;
    }
    for (int64_t r : x.KeptRows()) ASSERT_EQ(x.Key(r), y.Key(r)) << where;
  }
  ASSERT_EQ(a.kpis.size(), b.kpis.size()) << how;
  for (size_t i = 0; i < a.kpis.size(); ++i) {
    const KpiResult& x = a.kpis[i];
    const KpiResult& y = b.kpis[i];
    EXPECT_EQ(x.id, y.id) << how;
    EXPECT_EQ(x.title, y.title) << how;
    EXPECT_EQ(x.list, y.list) << how;
    EXPECT_EQ(x.by_owner, y.by_owner) << how;
    EXPECT_EQ(x.value, y.value) << how << ", KPI " << x.id;
    EXPECT_EQ(x.groups, y.groups) << how << ", KPI " << x.id;
  }
}

RunOptions CenterOptions(absl::CivilDay as_of = absl::CivilDay(2026, 11, 22)) {
  RunOptions run;
  run.as_of = as_of;
  run.max_rows = 5;  // The command center's top rows.
  run.threads = 1;
  return run;
}

TEST(OnChange, CommandCenterAllocatesNothingOnceWarm) {
  const CompiledRulebook& hub = CsmHub().compiled;
  Snapshot one = Accounts(1);
  RunOptions run = CenterOptions();
  RulebookContext ctx;
  RulebookResult result;
  // Warm up: two calls (each list's bitmap and the program's trade places
  // every call, so both need their storage).
  ASSERT_TRUE(hub.Evaluate(one, run, &ctx, &result).ok());
  ASSERT_TRUE(hub.Evaluate(one, run, &ctx, &result).ok());
  absl::Status status;
  const int64_t news = CountAllocations([&] {
    for (int i = 0; i < 1000 && status.ok(); ++i) status = hub.Evaluate(one, run, &ctx, &result);
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(news, 0) << "heap allocations over 1000 warm command-center evaluations";
  EXPECT_EQ(ctx.evaluations(), 1002);
  EXPECT_EQ(ctx.setups(), 2);  // The first call: the list selection and the snapshot.
  EXPECT_EQ(ctx.eval_context().setups(), 1);
  // The plain call allocates (so the count above can fail) and gives the same.
  absl::StatusOr<RulebookResult> plain;
  EXPECT_GT(CountAllocations([&] { plain = hub.Evaluate(one, run); }), 0);
  ASSERT_TRUE(plain.ok());
  ExpectSameBook(result, *plain, "one account, warm");
  int64_t kept = 0;
  for (const ListResult& l : result.lists) kept += l.kept();
  EXPECT_GT(kept, 0);  // Some list keeps rows (ordered, with their parent fields).
}

TEST(OnChange, CommandCenterGivesThePlainResults) {
  // Many accounts of generated data, one at a time and together, with as_of,
  // owners, params, list selections and top rows moving between calls
  // through one context: each call's result is the plain call's.
  const CompiledRulebook& hub = CsmHub().compiled;
  std::vector<Snapshot> snaps;
  for (uint64_t seed = 1; seed <= 40; ++seed) snaps.push_back(Accounts(1, seed));
  snaps.push_back(Accounts(300, 77));
  snaps.push_back(Accounts(3000, 78));  // More than one batch.
  RulebookContext ctx;
  RulebookResult result;
  int64_t kept = 0, matched = 0;
  int k = 0;
  for (int round = 0; round < 2; ++round) {
    for (const Snapshot& snap : snaps) {
      for (int variant = 0; variant < 4; ++variant, ++k) {
        RunOptions run = CenterOptions(absl::CivilDay(2026, 11, 22) + (k % 5) * 23);
        if (variant == 1) run.owner = "Alice Chen";
        if (variant == 2) run.max_rows.reset();
        if (variant == 3 && k % 2 == 0) run.params["pulse_stale_days"] = Value::Int(20 + k % 50);
        if (k % 7 == 0) run.lists = {"renewal_risks", "tasks_due", "outdated_pulse"};
        if (k % 11 == 0) run.time_zone = absl::UTCTimeZone();
        absl::Status s = hub.Evaluate(snap, run, &ctx, &result);
        ASSERT_TRUE(s.ok()) << s;
        absl::StatusOr<RulebookResult> plain = hub.Evaluate(snap, run);
        ASSERT_TRUE(plain.ok()) << plain.status();
        ExpectSameBook(result, *plain,
                       "call " + std::to_string(k) + " (" +
                           std::to_string(snap.FindTable("accounts")->num_rows()) +
                           " accounts, variant " + std::to_string(variant) + ")");
        if (HasFatalFailure()) return;
        for (const ListResult& l : result.lists) {
          kept += l.kept();
          matched += l.count;
        }
        // The same call again through the warm context: still the same.
        ASSERT_TRUE(hub.Evaluate(snap, run, &ctx, &result).ok());
        ExpectSameBook(result, *plain, "call " + std::to_string(k) + " again");
        if (HasFatalFailure()) return;
      }
    }
  }
  EXPECT_GT(matched, 1000);  // The comparison saw real lists, not empty ones.
  EXPECT_GT(kept, 500);
}

TEST(OnChange, CommandCenterErrorsAsThePlainCall) {
  const CompiledRulebook& hub = CsmHub().compiled;
  Snapshot one = Accounts(1);
  RulebookContext ctx;
  RulebookResult result;
  RunOptions run = CenterOptions();
  run.lists = {"outdated_pulze"};
  absl::Status s = hub.Evaluate(one, run, &ctx, &result);
  EXPECT_EQ(s.code(), hub.Evaluate(one, run).status().code());
  EXPECT_NE(s.message().find("outdated_pulse"), std::string_view::npos) << s;  // did-you-mean
  run.lists.clear();
  run.params["no_such_param"] = Value::Int(1);
  s = hub.Evaluate(one, run, &ctx, &result);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  run.params.clear();
  Snapshot missing = one;
  missing.tables.erase("contacts");
  s = hub.Evaluate(missing, run, &ctx, &result);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  // The context is still good.
  ASSERT_TRUE(hub.Evaluate(one, run, &ctx, &result).ok());
  absl::StatusOr<RulebookResult> plain = hub.Evaluate(one, run);
  ASSERT_TRUE(plain.ok());
  ExpectSameBook(result, *plain, "after errors");
}

TEST(OnChange, KeptConstantsFollowAsOfParamsAndZone) {
  // The constants are kept while as_of, the zone and the params stay; any
  // change computes them again.
  const Program& program = CsmHub().compiled.program();
  Snapshot snap = Accounts(200, 21);
  EvalContext ctx;
  ProgramResult result;
  const absl::CivilDay day(2026, 11, 22);
  std::vector<EvalOptions> sequence;
  for (int i = 0; i < 12; ++i) {
    EvalOptions o = HubOptions(day + (i / 3) * 45);  // Three calls per as_of.
    if (i % 3 == 1) o.params["pulse_stale_days"] = Value::Int(15);
    if (i % 4 == 3) o.time_zone = absl::UTCTimeZone();
    sequence.push_back(o);
  }
  for (size_t i = 0; i < sequence.size(); ++i) {
    ASSERT_TRUE(program.Evaluate(snap, sequence[i], &ctx, &result).ok());
    absl::StatusOr<ProgramResult> fresh = program.Evaluate(snap, sequence[i]);
    ASSERT_TRUE(fresh.ok());
    ExpectSame(result, *fresh, "call " + std::to_string(i));
  }
}

}  // namespace
}  // namespace docket
