// exists and count(*) folded from a stage's 64-row words
// (exec/related_fold.h) against a row-at-a-time fold of the same rows:
// batch sizes that end inside a word, words empty, sparse, dense and full,
// rows without a parent, parents in row order and scattered.
#include "exec/related_fold.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "exec/bits.h"

namespace docket {
namespace {

TEST(RelatedFold, ExistsAndCountMatchARowAtATimeFold) {
  std::mt19937 rng(13);
  const int parents = 300;
  for (int n : {1, 5, 63, 64, 65, 130, 1000, 2047, 2048}) {
    for (int density : {0, 3, 30, 70, 97, 100}) {  // Percent of rows kept.
      for (bool clustered : {true, false}) {
        std::vector<int32_t> parent(n);
        for (int i = 0; i < n; ++i) {
          const int32_t p = clustered ? i * parents / n : static_cast<int32_t>(rng() % parents);
          parent[i] = rng() % 10 == 0 ? -1 : p;
        }
        std::vector<uint8_t> keep(n + 64, 0);
        for (int i = 0; i < n; ++i) keep[i] = static_cast<int>(rng() % 100) < density;
        // Raw words with garbage past n, as an evaluator may leave them.
        uint64_t raw[exec::kBatchWords];
        for (uint64_t& w : raw) w = (static_cast<uint64_t>(rng()) << 32) | rng();
        uint64_t packed[exec::kBatchWords] = {};
        exec::PackWords(keep.data(), n, packed);
        const int full = n / 64;
        for (int w = 0; w < full; ++w) raw[w] = packed[w];
        if (n % 64) {
          const uint64_t low = (uint64_t{1} << (n % 64)) - 1;
          raw[full] = (raw[full] & ~low) | (packed[full] & low);
        }

        uint64_t words[exec::kBatchWords];
        int expect_count = 0;
        std::vector<uint8_t> flags_ref(parents + 1, 0);
        std::vector<int64_t> counts_ref(parents + 1, 0);
        for (int i = 0; i < n; ++i) {
          expect_count += keep[i];
          if (keep[i] && parent[i] >= 0) {
            flags_ref[parent[i]] = 1;
            ++counts_ref[parent[i]];
          }
        }
        ASSERT_EQ(exec::MaskedWords(raw, n, words), expect_count) << n << " " << density;

        // Start from a previous batch's results: the fold only adds.
        std::vector<uint8_t> flags(parents + 1, 0);
        std::vector<int64_t> counts(parents + 1, 0);
        flags[7] = 1;
        counts[7] = 5;
        flags_ref[7] = 1;
        counts_ref[7] += 5;
        exec::FoldExistsWords(words, parent.data(), n, flags.data(), parents);
        exec::FoldCountWords(words, parent.data(), n, counts.data(), parents);
        for (int p = 0; p < parents; ++p) {
          ASSERT_EQ(flags[p], flags_ref[p])
              << "n " << n << " density " << density << " parent " << p;
          ASSERT_EQ(counts[p], counts_ref[p])
              << "n " << n << " density " << density << " parent " << p;
        }
      }
    }
  }
}

// Several exists folded together (one read of the parent map) against each
// folded on its own and a row-at-a-time fold: up to kMaxExistsFold tasks of
// different densities, batch sizes ending inside a word, orphans, parents in
// row order and scattered, flags already set by an earlier batch.
TEST(RelatedFold, ExistsOfSeveralTasksMatchesEachAlone) {
  std::mt19937 rng(17);
  const int parents = 200;
  for (int n : {1, 5, 63, 64, 65, 130, 1000, 2047, 2048}) {
    for (int tasks : {2, 3, exec::kMaxExistsFold}) {
      for (bool clustered : {true, false}) {
        std::vector<int32_t> parent(n);
        for (int i = 0; i < n; ++i) {
          const int32_t p = clustered ? i * parents / n : static_cast<int32_t>(rng() % parents);
          parent[i] = rng() % 10 == 0 ? -1 : p;
        }
        const int densities[] = {0, 2, 20, 50, 90, 100, 35, 60};
        std::vector<std::vector<uint64_t>> words(tasks,
                                                 std::vector<uint64_t>(exec::kBatchWords, 0));
        std::vector<std::vector<uint8_t>> flags(tasks, std::vector<uint8_t>(parents + 1, 0));
        std::vector<std::vector<uint8_t>> alone(tasks, std::vector<uint8_t>(parents + 1, 0));
        std::vector<std::vector<uint8_t>> ref(tasks, std::vector<uint8_t>(parents + 1, 0));
        for (int k = 0; k < tasks; ++k) {
          std::vector<uint8_t> keep(n + 64, 0);
          for (int i = 0; i < n; ++i) keep[i] = static_cast<int>(rng() % 100) < densities[k];
          uint64_t raw[exec::kBatchWords];
          for (uint64_t& w : raw) w = (static_cast<uint64_t>(rng()) << 32) | rng();
          exec::PackWords(keep.data(), n, raw);
          exec::MaskedWords(raw, n, words[k].data());
          const int earlier = (k * 37) % parents;  // Set by an earlier batch.
          flags[k][earlier] = alone[k][earlier] = ref[k][earlier] = 1;
          for (int i = 0; i < n; ++i) {
            if (keep[i] && parent[i] >= 0) ref[k][parent[i]] = 1;
          }
          exec::FoldExistsWords(words[k].data(), parent.data(), n, alone[k].data(), parents);
        }
        const uint64_t* w[exec::kMaxExistsFold];
        uint8_t* f[exec::kMaxExistsFold];
        for (int k = 0; k < tasks; ++k) {
          w[k] = words[k].data();
          f[k] = flags[k].data();
        }
        exec::FoldExistsWordsMulti(w, f, tasks, parent.data(), n, parents);
        for (int k = 0; k < tasks; ++k) {
          for (int p = 0; p < parents; ++p) {
            ASSERT_EQ(flags[k][p], ref[k][p])
                << "n " << n << " tasks " << tasks << " task " << k << " parent " << p;
            ASSERT_EQ(alone[k][p], ref[k][p]) << "n " << n << " task " << k << " parent " << p;
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace docket
