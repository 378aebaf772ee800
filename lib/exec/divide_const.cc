// exec/divide_const.cc — the magic numbers and the batch loops
// (exec/divide_const.h).
#include "exec/divide_const.h"

#ifdef __AVX2__
#include <immintrin.h>
#endif

namespace docket::exec {

namespace {

bool force_wide = false;  // ConstDivisor::ForceWidePathForTest.

// ceil(log2 v) for v >= 2.
int CeilLog2(uint64_t v) { return 64 - __builtin_clzll(v - 1); }

}  // namespace

void ConstDivisor::ForceWidePathForTest(bool on) { force_wide = on; }

ConstDivisor::ConstDivisor(int64_t d) : d_(d) {
  ad_ = d < 0 ? uint64_t{0} - static_cast<uint64_t>(d) : static_cast<uint64_t>(d);
  pow2_ = (ad_ & (ad_ - 1)) == 0;
  magic_ = 0;
  if (pow2_) {
    shift_ = ad_ == 1 ? 0 : __builtin_ctzll(ad_);
  } else {
    // 3 <= |d| < 2^63, 2^(l-1) < |d| < 2^l: m = floor(2^(63+l) / |d|) + 1 < 2^64.
    const int l = CeilLog2(ad_);
    magic_ = static_cast<uint64_t>((static_cast<unsigned __int128>(1) << (63 + l)) / ad_) + 1;
    shift_ = l - 1;
  }
  if (ad_ <= (uint64_t{1} << 31)) {
    // n <= 2^31: m = floor(2^(31+l) / |d|) + 1 < 2^32; m = 2^31 (e = 0) for |d| = 2^l.
    const int l = pow2_ ? shift_ : CeilLog2(ad_);
    shift32_ = 31 + l;
    magic32_ =
        pow2_ ? uint32_t{1} << 31 : static_cast<uint32_t>(((uint64_t{1} << shift32_) / ad_) + 1);
    ad32_ = static_cast<uint32_t>(ad_);
  } else {
    // n <= 2^31 < |d|: q = 0.
    magic32_ = 0;
    shift32_ = 0;
    ad32_ = 0;
  }
}

template <bool kMod>
void ConstDivisor::Rows(const int64_t* __restrict x, int n, int64_t* __restrict out) const {
  const uint64_t flip = d_ < 0 ? ~uint64_t{0} : 0;
  // The int32-range path, every row, and whether a row was outside it.
  if (!force_wide) {
    const uint32_t m = magic32_, ad = ad32_;
    const int k = shift32_;
    uint64_t outside = 0;
    int i = 0;
#ifdef __AVX2__
    // GCC vectorizes the loop below with a full 64×64 multiply (three
    // vpmuludq); the operands fit 32 bits, so one does.
    {
      const __m256i vm = _mm256_set1_epi64x(m), vad = _mm256_set1_epi64x(ad);
      const __m256i vbias = _mm256_set1_epi64x(int64_t{1} << 31);
      const __m256i vflip = _mm256_set1_epi64x(static_cast<int64_t>(flip));
      const __m128i vk = _mm_cvtsi32_si128(k);
      const __m256i zero = _mm256_setzero_si256();
      __m256i vout = zero;
      for (; i + 4 <= n; i += 4) {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + i));
        vout = _mm256_or_si256(vout, _mm256_srli_epi64(_mm256_add_epi64(v, vbias), 32));
        const __m256i s = _mm256_cmpgt_epi64(zero, v);
        const __m256i a = _mm256_sub_epi64(_mm256_xor_si256(v, s), s);
        const __m256i q = _mm256_srl_epi64(_mm256_mul_epu32(a, vm), vk);
        __m256i res;
        if constexpr (kMod) {
          const __m256i r = _mm256_sub_epi64(a, _mm256_mul_epu32(q, vad));
          res = _mm256_sub_epi64(_mm256_xor_si256(r, s), s);
        } else {
          const __m256i sq = _mm256_xor_si256(s, vflip);
          res = _mm256_sub_epi64(_mm256_xor_si256(q, sq), sq);
        }
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), res);
      }
      outside = static_cast<uint64_t>(_mm256_testz_si256(vout, vout) == 0);
    }
#endif
    for (; i < n; ++i) {
      const int64_t v = x[i];
      outside |= (static_cast<uint64_t>(v) + (uint64_t{1} << 31)) >> 32;
      const uint64_t s = static_cast<uint64_t>(v >> 63);
      const uint64_t a = (static_cast<uint64_t>(v) ^ s) - s;
      const uint64_t q = (static_cast<uint64_t>(static_cast<uint32_t>(a)) * uint64_t{m}) >> k;
      if constexpr (kMod) {
        const uint64_t r = a - static_cast<uint64_t>(static_cast<uint32_t>(q)) * uint64_t{ad};
        out[i] = static_cast<int64_t>((r ^ s) - s);
      } else {
        const uint64_t sq = s ^ flip;
        out[i] = static_cast<int64_t>((q ^ sq) - sq);
      }
    }
    if (outside == 0) return;
  }
  // Some row needs 64 bits: all of them again (x is intact: out does not overlap it).
  for (int i = 0; i < n; ++i) out[i] = kMod ? Mod(x[i]) : Div(x[i]);
}

void ConstDivisor::ModRows(const int64_t* x, int n, int64_t* out) const { Rows<true>(x, n, out); }
void ConstDivisor::DivRows(const int64_t* x, int n, int64_t* out) const { Rows<false>(x, n, out); }

}  // namespace docket::exec
