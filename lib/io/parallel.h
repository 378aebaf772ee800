// A minimal parallel loop for the readers: runs fn(0..n-1) on up to
// `threads` std::threads (the calling thread is one of them).
#ifndef DOCKET_IO_PARALLEL_H_
#define DOCKET_IO_PARALLEL_H_

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

namespace docket::io {

// 0 means one per core.
inline int ResolveThreads(int threads) {
  if (threads > 0) return std::min(threads, 256);
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(std::min(hw, 256u));
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

}  // namespace docket::io

#endif  // DOCKET_IO_PARALLEL_H_
