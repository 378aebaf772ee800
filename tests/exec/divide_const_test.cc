// Division and remainder by a constant (exec/divide_const.h) against the
// hardware's idiv (C++ / and %, which truncate like SQL: the remainder takes
// the dividend's sign): divisors ±1, ±2, ±3, 91, powers of two up to 2^62
// and INT64_MIN, values around 2^31 and 2^32, large and random ones; dividends
// at the int64 and int32 extremes, multiples of the divisor and their
// neighbours, random ones of every magnitude.  The batch loops are checked on
// both paths (all rows in the int32 range, and some outside it), on lengths
// that end inside an AVX2 vector, and with the 64-bit path forced.
#include "exec/divide_const.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <vector>

namespace docket {
namespace {

using exec::ConstDivisor;

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin32 = std::numeric_limits<int32_t>::min();
constexpr int64_t kMax32 = std::numeric_limits<int32_t>::max();

// The plain definitions (INT64_MIN / -1 wraps; % by ±1 is 0).
int64_t RefMod(int64_t x, int64_t d) { return d == -1 ? 0 : x % d; }
int64_t RefDiv(int64_t x, int64_t d) {
  return d == -1 ? static_cast<int64_t>(uint64_t{0} - static_cast<uint64_t>(x)) : x / d;
}

std::vector<int64_t> Divisors() {
  std::vector<int64_t> ds = {1,
                             -1,
                             2,
                             -2,
                             3,
                             -3,
                             5,
                             7,
                             -7,
                             10,
                             12,
                             60,
                             91,
                             -91,
                             100,
                             641,
                             1000,
                             86400,
                             146097,
                             1000000007,
                             kMax,
                             kMin,
                             kMin + 1,
                             kMax32,
                             kMin32,
                             kMax32 + 1,
                             kMax32 + 2,
                             -kMax32,
                             kMin32 - 1,
                             kMax - 1,
                             kMax / 3,
                             (int64_t{1} << 32) + 1,
                             int64_t{86400} * 1000000};
  for (int p = 1; p <= 62; ++p) {
    ds.push_back(int64_t{1} << p);
    ds.push_back(-(int64_t{1} << p));
    ds.push_back((int64_t{1} << p) + 1);
    ds.push_back((int64_t{1} << p) - 1);
  }
  std::mt19937_64 rng(13);
  for (int k = 0; k < 200; ++k) {
    int64_t d = static_cast<int64_t>(rng()) >> (rng() % 64);
    if (d != 0) ds.push_back(d);
  }
  return ds;
}

std::vector<int64_t> Dividends(int64_t d, std::mt19937_64& rng) {
  std::vector<int64_t> xs = {
      0,        1,      -1,     2,          -2,         kMin,       kMin + 1,   kMax,
      kMax - 1, kMin32, kMax32, kMin32 - 1, kMax32 + 1, kMin32 + 1, kMax32 - 1, int64_t{1} << 32};
  auto wrap = [](int64_t a, int64_t b) {  // a + b without signed overflow
    return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
  };
  for (int64_t m : {int64_t{0}, int64_t{1}, int64_t{2}, int64_t{3}, int64_t{1000}, kMax / 2}) {
    // Multiples of d and their neighbours (wrapping at the extremes: still values).
    const int64_t md = static_cast<int64_t>(static_cast<uint64_t>(m) * static_cast<uint64_t>(d));
    for (int64_t off : {-1, 0, 1}) {
      xs.push_back(wrap(md, off));
      xs.push_back(static_cast<int64_t>(uint64_t{0} - static_cast<uint64_t>(wrap(md, off))));
    }
  }
  for (int k = 0; k < 600; ++k) xs.push_back(static_cast<int64_t>(rng()) >> (rng() % 64));
  return xs;
}

TEST(DivideConst, ScalarMatchesIdiv) {
  std::mt19937_64 rng(7);
  for (int64_t d : Divisors()) {
    const ConstDivisor c(d);
    for (int64_t x : Dividends(d, rng)) {
      ASSERT_EQ(c.Mod(x), RefMod(x, d)) << x << " % " << d;
      ASSERT_EQ(c.Div(x), RefDiv(x, d)) << x << " / " << d;
    }
  }
}

TEST(DivideConst, BatchLoopsMatchIdivOnBothPaths) {
  std::mt19937_64 rng(11);
  for (bool force_wide : {false, true}) {
    ConstDivisor::ForceWidePathForTest(force_wide);
    for (int64_t d : Divisors()) {
      const ConstDivisor c(d);
      // Every row in the int32 range (the 32-bit multiply), its extremes included.
      std::vector<int64_t> narrow(2048);
      for (int64_t& x : narrow) x = static_cast<int32_t>(rng()) >> (rng() % 32);
      narrow[0] = kMin32;
      narrow[1] = kMax32;
      narrow[2] = kMin32 + 1;
      narrow[3] = 0;
      narrow[4] = -1;
      narrow[5] = d >= kMin32 && d <= kMax32 ? d : 5;
      // Some rows outside it (the 64-bit path for the whole batch).
      std::vector<int64_t> wide = Dividends(d, rng);
      for (const std::vector<int64_t>* xs : {&narrow, &wide}) {
        for (int n : {0, 1, 3, 4, 5, 63, 64, 65, static_cast<int>(xs->size())}) {
          if (n > static_cast<int>(xs->size())) continue;
          std::vector<int64_t> mod(n + 1, 77), div(n + 1, 77);
          c.ModRows(xs->data(), n, mod.data());
          c.DivRows(xs->data(), n, div.data());
          for (int i = 0; i < n; ++i) {
            const int64_t x = (*xs)[i];
            ASSERT_EQ(mod[i], RefMod(x, d))
                << x << " % " << d << " n " << n << " wide " << force_wide;
            ASSERT_EQ(div[i], RefDiv(x, d))
                << x << " / " << d << " n " << n << " wide " << force_wide;
          }
          EXPECT_EQ(mod[n], 77);  // Nothing written past n.
          EXPECT_EQ(div[n], 77);
        }
      }
      // One row outside the int32 range at the end of an otherwise narrow batch.
      std::vector<int64_t> mixed(narrow.begin(), narrow.begin() + 131);
      mixed.back() = kMin;
      std::vector<int64_t> mod(mixed.size());
      c.ModRows(mixed.data(), static_cast<int>(mixed.size()), mod.data());
      for (size_t i = 0; i < mixed.size(); ++i) ASSERT_EQ(mod[i], RefMod(mixed[i], d)) << d;
    }
  }
  ConstDivisor::ForceWidePathForTest(false);
}

// Every dividend in a window around the int32 extremes and zero, for small divisors.
TEST(DivideConst, DenseWindows) {
  for (int64_t d : {2, -2, 3, -3, 7, 91, -91, 128, 1000}) {
    const ConstDivisor c(d);
    for (int64_t center : {kMin32, int64_t{0}, kMax32, kMin, kMax}) {
      std::vector<int64_t> xs;
      for (int64_t off = -3000; off <= 3000; ++off) {
        const int64_t x =
            static_cast<int64_t>(static_cast<uint64_t>(center) + static_cast<uint64_t>(off));
        xs.push_back(x);
      }
      std::vector<int64_t> mod(xs.size());
      c.ModRows(xs.data(), static_cast<int>(xs.size()), mod.data());
      for (size_t i = 0; i < xs.size(); ++i) {
        ASSERT_EQ(mod[i], RefMod(xs[i], d)) << xs[i] << " % " << d;
        ASSERT_EQ(c.Div(xs[i]), RefDiv(xs[i], d)) << xs[i] << " / " << d;
      }
    }
  }
}

}  // namespace
}  // namespace docket
