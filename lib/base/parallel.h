// base/parallel.h — the one scheduler of docket's multi-threaded loops
// (CSV chunks, joins, related stages, rule batches, the generator).
//
//   int workers = base::WorkerCount(options.threads, batches);
//   base::RunWorkers(workers, [&](int w) {
//     auto [b0, b1] = base::ShareOf(batches, w, workers);   // contiguous, deterministic
//     ...
//   });
//   base::ParallelFor(chunks, threads, [&](int64_t i) { ... });  // dynamic, for uneven items
//
// The calling thread is always worker 0, so one worker costs no thread.
#ifndef DOCKET_BASE_PARALLEL_H_
#define DOCKET_BASE_PARALLEL_H_

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <thread>
#include <utility>
#include <vector>

namespace docket::base {

// 0 means one per core.
inline int ResolveThreads(int threads) {
  if (threads > 0) return std::min(threads, 256);
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(std::min(hw, 256u));
}

// Workers for `items` units of work: `requested` threads (0: one per core),
// never more than the items, never fewer than one.
inline int WorkerCount(int requested, int64_t items) {
  return static_cast<int>(
      std::max<int64_t>(1, std::min<int64_t>(ResolveThreads(requested), items)));
}

// Worker w's share [first, second) of `items` split into `workers` contiguous
// ranges; the same split for the same arguments, so results are deterministic.
inline std::pair<int64_t, int64_t> ShareOf(int64_t items, int w, int workers) {
  return {items * w / workers, items * (w + 1) / workers};
}

// Runs fn(w) for w in [0, workers) on `workers` threads, the caller's among
// them, and returns when all are done.
template <typename Fn>
void RunWorkers(int workers, Fn&& fn) {
  if (workers <= 1) {
    fn(0);
    return;
  }
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  for (int w = 1; w < workers; ++w) pool.emplace_back([&fn, w] { fn(w); });
  fn(0);
  for (std::thread& t : pool) t.join();
}

template <typename Fn>
void ParallelFor(int64_t n, int threads, Fn&& fn) {
  int workers = static_cast<int>(std::min<int64_t>(n, std::max(1, threads)));
  if (workers <= 1) {
    for (int64_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<int64_t> next{0};
  auto work = [&] {
    for (int64_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) fn(i);
  };
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  for (int w = 1; w < workers; ++w) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
}

}  // namespace docket::base

#endif  // DOCKET_BASE_PARALLEL_H_
