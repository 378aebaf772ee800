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

}  // namespace
}  // namespace docket
