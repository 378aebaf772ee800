// benchmarks/bandwidth.h — the read bandwidth of this machine, measured in
// the same run as the benchmarks, for SPEC section 7's floor:
//
//   floor = bytes a rule must read (each needed column once) ÷ read bandwidth
//
// The bandwidth is the best of several streaming sums over a buffer far
// larger than the last-level cache, split across `threads` threads: the
// fastest a loop that only reads memory can go on this machine, with the
// same compiler flags as the engine.
#ifndef DOCKET_BENCHMARKS_BANDWIDTH_H_
#define DOCKET_BENCHMARKS_BANDWIDTH_H_

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

namespace docket::bench {

// Sum of words [begin, end) with independent accumulators (so the loop is
// bound by memory, not by one add chain).
inline uint64_t StreamingSum(const uint64_t* begin, const uint64_t* end) {
  uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
  const uint64_t* p = begin;
  for (; p + 8 <= end; p += 8) {
    a0 += p[0];
    a1 += p[1];
    a2 += p[2];
    a3 += p[3];
    a4 += p[4];
    a5 += p[5];
    a6 += p[6];
    a7 += p[7];
  }
  for (; p < end; ++p) a0 += *p;
  return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
}

// A buffer of `bytes` (touched once so its pages exist) reused by every
// measurement.
class BandwidthProbe {
 public:
  explicit BandwidthProbe(int64_t bytes = int64_t{512} << 20)
      : words_(static_cast<size_t>(bytes / 8)) {
    for (size_t i = 0; i < words_.size(); ++i) words_[i] = i;
  }

  // Bytes per second read by `threads` threads, best of `reps`.
  double Measure(int threads, int reps = 5) {
    double best = 0;
    for (int r = 0; r < reps; ++r) {
      std::vector<uint64_t> sums(static_cast<size_t>(threads));
      const size_t n = words_.size();
      auto start = std::chrono::steady_clock::now();
      if (threads == 1) {
        sums[0] = StreamingSum(words_.data(), words_.data() + n);
      } else {
        std::vector<std::thread> pool;
        for (int t = 0; t < threads; ++t) {
          pool.emplace_back([&, t] {
            size_t lo = n * static_cast<size_t>(t) / static_cast<size_t>(threads);
            size_t hi = n * static_cast<size_t>(t + 1) / static_cast<size_t>(threads);
            sums[static_cast<size_t>(t)] = StreamingSum(words_.data() + lo, words_.data() + hi);
          });
        }
        for (auto& th : pool) th.join();
      }
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      uint64_t total = 0;
      for (uint64_t s : sums) total += s;
      sink_ += total;
      best = std::max(best, static_cast<double>(n * 8) / seconds);
    }
    return best;
  }

  uint64_t sink() const { return sink_; }

 private:
  std::vector<uint64_t> words_;
  uint64_t sink_ = 0;
};

}  // namespace docket::bench

#endif  // DOCKET_BENCHMARKS_BANDWIDTH_H_
