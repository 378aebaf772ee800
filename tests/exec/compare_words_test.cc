// An int64 column against a constant as words (exec/compare_words.h), on
// the AVX2 path (when the CPU has it) and the baseline one, against a comparison row by row: the
// six operators, the constant on either side, values at the int64 extremes and equal to the
// constant, batch sizes that end inside a word; and the cases it must decline (a selection, two
// columns, other types, a NULL constant).
#include "exec/compare_words.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <vector>

#include "exec/bits.h"

namespace docket {
namespace {

using exec::BatchValues;
using exec::Phys;
using exec::RowSet;
using plan::Cmp;

bool Reference(Cmp cmp, int64_t x, int64_t y) {
  switch (cmp) {
    case Cmp::kEq:
      return x == y;
    case Cmp::kNe:
      return x != y;
    case Cmp::kLt:
      return x < y;
    case Cmp::kLe:
      return x <= y;
    case Cmp::kGt:
      return x > y;
    case Cmp::kGe:
      return x >= y;
  }
  return false;
}

TEST(CompareWords, MatchesRowByRowOnBothSides) {
  for (bool baseline : {false, true}) {
    exec::ForceBaselineCompareForTest(baseline);
    std::mt19937_64 rng(21);
    constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
    for (int64_t c : {int64_t{0}, int64_t{-1}, int64_t{1785024000000000}, kMin, kMax}) {
      std::vector<int64_t> xs(exec::kBatch);
      for (size_t i = 0; i < xs.size(); ++i) {
        switch (rng() % 6) {
          case 0:
            xs[i] = c;
            break;
          case 1:
            xs[i] = kMin;
            break;
          case 2:
            xs[i] = kMax;
            break;
          case 3:
            // c - 1, c or c + 1, wrapping (as unsigned) at the extremes: still a value.
            xs[i] = static_cast<int64_t>(static_cast<uint64_t>(c) + rng() % 3 - 1);
            break;
          default:
            xs[i] = static_cast<int64_t>(rng());
        }
      }
      BatchValues col;
      col.data = xs.data();
      BatchValues k;
      k.data = &c;
      k.is_const = true;
      for (int n : {1, 63, 64, 65, 1000, 2048}) {
        RowSet all;
        all.n = n;
        all.count = n;
        for (Cmp cmp : {Cmp::kEq, Cmp::kNe, Cmp::kLt, Cmp::kLe, Cmp::kGt, Cmp::kGe}) {
          for (bool const_left : {false, true}) {
            uint64_t words[exec::kBatchWords];
            for (uint64_t& w : words) w = ~uint64_t{0};
            ASSERT_TRUE(exec::CompareI64ConstWords(cmp, Phys::kI64, Phys::kI64,
                                                   const_left ? k : col, const_left ? col : k, all,
                                                   words));
            for (int i = 0; i < n; ++i) {
              const bool want = const_left ? Reference(cmp, c, xs[i]) : Reference(cmp, xs[i], c);
              ASSERT_EQ(((words[i / 64] >> (i % 64)) & 1) != 0, want)
                  << "baseline " << baseline << " c " << c << " x " << xs[i] << " cmp "
                  << static_cast<int>(cmp) << " left " << const_left << " n " << n << " row " << i;
            }
            if (n % 64) {
              EXPECT_EQ(words[n / 64] >> (n % 64), 0u) << n;
            }
          }
        }
      }
    }
  }
  exec::ForceBaselineCompareForTest(false);
}

TEST(CompareWords, DeclinesWhatItDoesNotCover) {
  std::vector<int64_t> xs(exec::kBatch, 5);
  int64_t c = 3;
  BatchValues col;
  col.data = xs.data();
  BatchValues k;
  k.data = &c;
  k.is_const = true;
  RowSet all;
  all.n = 100;
  all.count = 100;
  uint64_t words[exec::kBatchWords];
  EXPECT_FALSE(exec::CompareI64ConstWords(Cmp::kLt, Phys::kI64, Phys::kI64, col, col, all, words));
  EXPECT_FALSE(exec::CompareI64ConstWords(Cmp::kLt, Phys::kI32, Phys::kI64, col, k, all, words));
  EXPECT_FALSE(exec::CompareI64ConstWords(Cmp::kLt, Phys::kF64, Phys::kF64, col, k, all, words));
  uint16_t sel[1] = {3};
  RowSet sparse = all;
  sparse.sel = sel;
  sparse.count = 1;
  EXPECT_FALSE(exec::CompareI64ConstWords(Cmp::kLt, Phys::kI64, Phys::kI64, col, k, sparse, words));
  const uint8_t null_flag = 0;
  BatchValues null_k = k;
  null_k.valid = &null_flag;
  EXPECT_FALSE(
      exec::CompareI64ConstWords(Cmp::kLt, Phys::kI64, Phys::kI64, col, null_k, all, words));
}

}  // namespace
}  // namespace docket
