// exec/compare_words.cc — int64 column against a constant as words
// (exec/compare_words.h).
#include "exec/compare_words.h"

#include "exec/bits.h"

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

}  // namespace docket::exec
