// exec/compare_words.cc — int64 column against a constant as words
// (exec/compare_words.h).
#include "exec/compare_words.h"

#include <algorithm>
#include <limits>

#include "exec/bits.h"
#include "exec/kernels.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

namespace docket::exec {

using plan::Cmp;

namespace {

// out[i] = x[i] cmp c for i < n, one byte per row (the baseline path).
void CompareBytes(Cmp cmp, const int64_t* __restrict x, int64_t c, int n, uint8_t* __restrict out) {
  switch (cmp) {
    case Cmp::kEq:
      for (int i = 0; i < n; ++i) out[i] = x[i] == c;
      return;
    case Cmp::kNe:
      for (int i = 0; i < n; ++i) out[i] = x[i] != c;
      return;
    case Cmp::kLt:
      for (int i = 0; i < n; ++i) out[i] = x[i] < c;
      return;
    case Cmp::kLe:
      for (int i = 0; i < n; ++i) out[i] = x[i] <= c;
      return;
    case Cmp::kGt:
      for (int i = 0; i < n; ++i) out[i] = x[i] > c;
      return;
    case Cmp::kGe:
      for (int i = 0; i < n; ++i) out[i] = x[i] >= c;
      return;
  }
}

#if defined(__x86_64__) && defined(__GNUC__)
#define DOCKET_HAVE_AVX2_PATH 1
// 4 rows per AVX2 comparison (vpcmpgtq / vpcmpeqq), their sign bits taken
// straight into the word.  kGt: x > c, else x == c; kSwap compares c > x;
// kNot inverts.  The upper halves of the ymm registers are cleared before
// returning, so that SSE code after it pays no transition penalty.
template <bool kGt, bool kSwap, bool kNot>
__attribute__((target("avx2"))) void WordsAvx2(const int64_t* x, int64_t c, int n, uint64_t* out) {
  const __m256i vc = _mm256_set1_epi64x(c);
  const int full = n / 64;
  for (int w = 0; w < full; ++w) {
    const int64_t* p = x + 64 * w;
    uint64_t word = 0;
    for (int q = 0; q < 16; ++q) {
      const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 4 * q));
      __m256i m;
      if constexpr (!kGt) {
        m = _mm256_cmpeq_epi64(v, vc);
      } else if constexpr (kSwap) {
        m = _mm256_cmpgt_epi64(vc, v);
      } else {
        m = _mm256_cmpgt_epi64(v, vc);
      }
      uint64_t bits = static_cast<uint32_t>(_mm256_movemask_pd(_mm256_castsi256_pd(m)));
      if constexpr (kNot) bits ^= 0xF;
      word |= bits << (4 * q);
    }
    out[w] = word;
  }
  if (n % 64) {
    const int64_t* p = x + 64 * full;
    uint64_t word = 0;
    for (int j = 0; j < n % 64; ++j) {
      bool r = !kGt ? p[j] == c : kSwap ? c > p[j] : p[j] > c;
      if (kNot) r = !r;
      word |= static_cast<uint64_t>(r) << j;
    }
    out[full] = word;
  }
  _mm256_zeroupper();
}

void CompareWordsAvx2(Cmp cmp, const int64_t* x, int64_t c, int n, uint64_t* out) {
  switch (cmp) {
    case Cmp::kEq:
      return WordsAvx2<false, false, false>(x, c, n, out);
    case Cmp::kNe:
      return WordsAvx2<false, false, true>(x, c, n, out);
    case Cmp::kGt:  // x > c
      return WordsAvx2<true, false, false>(x, c, n, out);
    case Cmp::kLe:  // !(x > c)
      return WordsAvx2<true, false, true>(x, c, n, out);
    case Cmp::kLt:  // c > x
      return WordsAvx2<true, true, false>(x, c, n, out);
    case Cmp::kGe:  // !(c > x)
      return WordsAvx2<true, true, true>(x, c, n, out);
  }
}

// lo <= x <= hi as (x - lo) <= hi - lo unsigned: a signed comparison after
// flipping both sign bits.
__attribute__((target("avx2"))) void BetweenWordsAvx2(const int64_t* x, int64_t lo, uint64_t width,
                                                      int n, uint64_t* out) {
  const __m256i vlo = _mm256_set1_epi64x(lo);
  const __m256i sign = _mm256_set1_epi64x(std::numeric_limits<int64_t>::min());
  const __m256i vw = _mm256_xor_si256(_mm256_set1_epi64x(static_cast<int64_t>(width)), sign);
  const int full = n / 64;
  for (int w = 0; w < full; ++w) {
    const int64_t* p = x + 64 * w;
    uint64_t word = 0;
    for (int q = 0; q < 16; ++q) {
      const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 4 * q));
      const __m256i off = _mm256_xor_si256(_mm256_sub_epi64(v, vlo), sign);
      const __m256i above = _mm256_cmpgt_epi64(off, vw);
      const uint64_t bits = static_cast<uint32_t>(_mm256_movemask_pd(_mm256_castsi256_pd(above)));
      word |= (bits ^ 0xF) << (4 * q);
    }
    out[w] = word;
  }
  if (n % 64) {
    const int64_t* p = x + 64 * full;
    uint64_t word = 0;
    for (int j = 0; j < n % 64; ++j) {
      const bool r = static_cast<uint64_t>(p[j]) - static_cast<uint64_t>(lo) <= width;
      word |= static_cast<uint64_t>(r) << j;
    }
    out[full] = word;
  }
  _mm256_zeroupper();
}

// Floats, 4 rows per vcmppd; a constant operand is broadcast (kConstA / kConstB).
template <int kPred, bool kConstA, bool kConstB>
__attribute__((target("avx2"))) void F64WordsAvx2(const double* a, const double* b, int n,
                                                  uint64_t* out) {
  const __m256d ca = _mm256_set1_pd(a[0]), cb = _mm256_set1_pd(b[0]);
  const int full = n / 64;
  for (int w = 0; w < full; ++w) {
    uint64_t word = 0;
    for (int q = 0; q < 16; ++q) {
      const int i = 64 * w + 4 * q;
      const __m256d va = kConstA ? ca : _mm256_loadu_pd(a + i);
      const __m256d vb = kConstB ? cb : _mm256_loadu_pd(b + i);
      const uint64_t bits = static_cast<uint32_t>(_mm256_movemask_pd(_mm256_cmp_pd(va, vb, kPred)));
      word |= bits << (4 * q);
    }
    out[w] = word;
  }
  if (n % 64) {
    // The rest of the last word, one vector of 4 at a time (rows past n are 0).
    uint64_t word = 0;
    alignas(32) double ta[4], tb[4];
    for (int j = 0; j < n % 64; j += 4) {
      const int i = 64 * full + j;
      const int cnt = std::min(4, n - i);
      for (int t = 0; t < 4; ++t) {
        ta[t] = t < cnt ? a[kConstA ? 0 : i + t] : 0.0;
        tb[t] = t < cnt ? b[kConstB ? 0 : i + t] : 0.0;
      }
      uint64_t bits = static_cast<uint32_t>(
          _mm256_movemask_pd(_mm256_cmp_pd(_mm256_load_pd(ta), _mm256_load_pd(tb), kPred)));
      bits &= (uint64_t{1} << cnt) - 1;
      word |= bits << j;
    }
    out[full] = word;
  }
  _mm256_zeroupper();
}

template <bool kConstA, bool kConstB>
void CompareF64Avx2(Cmp cmp, const double* a, const double* b, int n, uint64_t* out) {
  // The predicates of C++'s operators: ordered (false on NaN), except != (true on NaN).
  switch (cmp) {
    case Cmp::kEq:
      return F64WordsAvx2<_CMP_EQ_OQ, kConstA, kConstB>(a, b, n, out);
    case Cmp::kNe:
      return F64WordsAvx2<_CMP_NEQ_UQ, kConstA, kConstB>(a, b, n, out);
    case Cmp::kLt:
      return F64WordsAvx2<_CMP_LT_OQ, kConstA, kConstB>(a, b, n, out);
    case Cmp::kLe:
      return F64WordsAvx2<_CMP_LE_OQ, kConstA, kConstB>(a, b, n, out);
    case Cmp::kGt:
      return F64WordsAvx2<_CMP_GT_OQ, kConstA, kConstB>(a, b, n, out);
    case Cmp::kGe:
      return F64WordsAvx2<_CMP_GE_OQ, kConstA, kConstB>(a, b, n, out);
  }
}

bool HasAvx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}
#endif

bool force_baseline = false;  // ForceBaselineCompareForTest.

}  // namespace

void ForceBaselineCompareForTest(bool on) { force_baseline = on; }

bool CompareI64ConstWords(Cmp cmp, Phys pa, Phys pb, const BatchValues& a, const BatchValues& b,
                          const RowSet& act, uint64_t* out) {
  if (pa != Phys::kI64 || pb != Phys::kI64 || act.sel != nullptr || a.is_const == b.is_const) {
    return false;
  }
  const BatchValues& col = a.is_const ? b : a;
  const BatchValues& k = a.is_const ? a : b;
  if (!k.ValidAt(0)) return false;  // A NULL constant: the caller's general path.
  const int n = act.n;
  if (n > kBatch) return false;
  // c cmp x  <=>  x flip(cmp) c.
  const Cmp op = a.is_const ? plan::FlipCmp(cmp) : cmp;
#ifdef DOCKET_HAVE_AVX2_PATH
  if (!force_baseline && HasAvx2()) {
    CompareWordsAvx2(op, col.As<int64_t>(), *k.As<int64_t>(), n, out);
    return true;
  }
#endif
  alignas(64) uint8_t bytes[kBatch];
  CompareBytes(op, col.As<int64_t>(), *k.As<int64_t>(), n, bytes);
  PackWords(bytes, n, out);
  return true;
}

bool CompareF64Words(Cmp cmp, Phys pa, Phys pb, const BatchValues& a, const BatchValues& b,
                     const RowSet& act, uint64_t* out) {
  if (pa != Phys::kF64 || pb != Phys::kF64 || act.sel != nullptr || (a.is_const && b.is_const) ||
      act.n > kBatch) {
    return false;
  }
  if ((a.is_const && !a.ValidAt(0)) || (b.is_const && !b.ValidAt(0))) return false;
  const int n = act.n;
  const double* x = a.As<double>();
  const double* y = b.As<double>();
#ifdef DOCKET_HAVE_AVX2_PATH
  if (!force_baseline && HasAvx2()) {
    if (a.is_const) {
      CompareF64Avx2<true, false>(cmp, x, y, n, out);
    } else if (b.is_const) {
      CompareF64Avx2<false, true>(cmp, x, y, n, out);
    } else {
      CompareF64Avx2<false, false>(cmp, x, y, n, out);
    }
    return true;
  }
#endif
  alignas(64) uint8_t bytes[kBatch];
  CompareInto(cmp, pa, pb, a, b, act, bytes);
  PackWords(bytes, n, out);
  return true;
}

bool BetweenI64Words(const BatchValues& x, int64_t lo, int64_t hi, const RowSet& act,
                     uint64_t* out) {
  if (x.is_const || act.sel != nullptr || lo > hi || act.n > kBatch) return false;
  const int n = act.n;
  const int64_t* xs = x.As<int64_t>();
  const uint64_t width = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
#ifdef DOCKET_HAVE_AVX2_PATH
  if (!force_baseline && HasAvx2()) {
    BetweenWordsAvx2(xs, lo, width, n, out);
    return true;
  }
#endif
  alignas(64) uint8_t bytes[kBatch];
  const uint64_t base = static_cast<uint64_t>(lo);
  for (int i = 0; i < n; ++i) bytes[i] = static_cast<uint64_t>(xs[i]) - base <= width;
  PackWords(bytes, n, out);
  return true;
}

}  // namespace docket::exec
