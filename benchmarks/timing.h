// Wall-clock timing shared by the hand-rolled benchmark programs
// (related_bench, rulebook_bench): the median of several runs, which a
// shared machine's occasional stall does not move.
#ifndef DOCKET_BENCHMARKS_TIMING_H_
#define DOCKET_BENCHMARKS_TIMING_H_

#include <algorithm>
#include <chrono>
#include <functional>
#include <vector>

namespace docket::bench {

// Median wall time of `reps` calls of f, in seconds.
inline double MedianSeconds(const std::function<void()>& f, int reps) {
  std::vector<double> t;
  for (int r = 0; r < reps; ++r) {
    const auto start = std::chrono::steady_clock::now();
    f();
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

}  // namespace docket::bench

#endif  // DOCKET_BENCHMARKS_TIMING_H_
