// exec/bits.cc — validity and boolean bits: unpacking 64 rows to bytes,
// packing bytes to bits and words, masks to selection vectors (exec/bits.h),
// and timestamp units.
#include "exec/bits.h"

#include <bit>
#include <cstring>

#if defined(__AVX2__)
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "exec/executor.h"

namespace docket::exec {

// ---------------------------------------------------------------------------
// Bits.

namespace {

struct UnpackTable {
  uint64_t v[256];
  constexpr UnpackTable() : v() {
    for (int b = 0; b < 256; ++b) {
      uint64_t x = 0;
      for (int k = 0; k < 8; ++k) x |= static_cast<uint64_t>((b >> k) & 1) << (8 * k);
      v[b] = x;
    }
  }
};
constexpr UnpackTable kUnpack;

}  // namespace

int64_t ToMicros(int64_t v, TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMicro:
      return v;
    case TimeUnit::kNano:
      return v >= 0 ? v / 1000 : -((-(v + 1)) / 1000) - 1;  // Floor.
    case TimeUnit::kMilli:
      return v > INT64_MAX / 1000 ? INT64_MAX : v < -(INT64_MAX / 1000) ? INT64_MIN : v * 1000;
    case TimeUnit::kSecond:
      return v > INT64_MAX / 1000000      ? INT64_MAX
             : v < -(INT64_MAX / 1000000) ? INT64_MIN
                                          : v * 1000000;
  }
  return v;
}

void UnpackBits(const uint8_t* bits, int64_t start, int n, uint8_t* out) {
  const uint8_t* b = bits + start / 8;
  int full = n / 8;
  for (int k = 0; k < full; ++k) std::memcpy(out + 8 * k, &kUnpack.v[b[k]], 8);
  for (int i = full * 8; i < n; ++i) out[i] = (b[i >> 3] >> (i & 7)) & 1;
}

void PackBits(const uint8_t* bytes, int n, uint8_t* out) {
  int full = n / 8;
  for (int k = 0; k < full; ++k) {
    uint64_t x;
    std::memcpy(&x, bytes + 8 * k, 8);
    out[k] = static_cast<uint8_t>((x * 0x0102040810204080ULL) >> 56);
  }
  if (n % 8) {
    uint8_t last = 0;
    for (int i = full * 8; i < n; ++i) last |= static_cast<uint8_t>((bytes[i] & 1) << (i & 7));
    out[full] = last;
  }
}

static_assert(std::endian::native == std::endian::little,
              "exec/bits.h reads Arrow bitmaps as little-endian words");

const uint64_t kOnesWords[kBatchWords] = {~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL,
                                          ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL,
                                          ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL,
                                          ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL};
const uint64_t kZeroWords[kBatchWords] = {};
static_assert(kBatchWords == 32, "kOnesWords lists kBatchWords words");

namespace {

#if defined(__SSE2__)
// Bit `shift` of each of 16 bytes as 16 bits.
template <int kShift>
inline uint64_t Movemask16(const uint8_t* b) {
  __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b));
  if constexpr (kShift < 7) x = _mm_slli_epi16(x, 7 - kShift);
  return static_cast<uint16_t>(_mm_movemask_epi8(x));
}
#endif

template <int kShift>
inline uint64_t PackBit(const uint8_t* b) {
#if defined(__SSE2__)
  return Movemask16<kShift>(b) | (Movemask16<kShift>(b + 16) << 16) |
         (Movemask16<kShift>(b + 32) << 32) | (Movemask16<kShift>(b + 48) << 48);
#else
  uint64_t w = 0;
  for (int j = 0; j < 64; ++j) w |= static_cast<uint64_t>((b[j] >> kShift) & 1) << j;
  return w;
#endif
}

}  // namespace

void MatchCodeWord(const int32_t* codes, int cnt, int num_true, int32_t c0, int32_t c1,
                   uint32_t entries, uint64_t* hit, uint64_t* oob) {
  if (num_true < 2) c1 = c0;
#if defined(__AVX2__)
  if (cnt == 64 && entries > 0 && entries <= 0x80000000u) {
    // Eight codes per compare, their sign bits straight into the word (no
    // packing): 93 instructions a word under callgrind against the SSE2
    // path's 125.  (Packing four compares to bytes and one movemask per 32
    // rows counted 97.)
    // Signed compares only: x >= entries unsigned  <=>  (x ^ 2^31) > (entries - 1) ^ 2^31.
    const __m256i sign = _mm256_set1_epi32(INT32_MIN);
    const __m256i limit = _mm256_set1_epi32(static_cast<int32_t>((entries - 1) ^ 0x80000000u));
    const __m256i v0 = _mm256_set1_epi32(c0), v1 = _mm256_set1_epi32(c1);
    uint64_t h = 0, o = 0;
    for (int q = 0; q < 8; ++q) {
      const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(codes + 8 * q));
      const __m256i m = _mm256_or_si256(_mm256_cmpeq_epi32(x, v0), _mm256_cmpeq_epi32(x, v1));
      const __m256i b = _mm256_cmpgt_epi32(_mm256_xor_si256(x, sign), limit);
      h |= static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_ps(_mm256_castsi256_ps(m))))
           << (8 * q);
      o |= static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_ps(_mm256_castsi256_ps(b))))
           << (8 * q);
    }
    *hit = num_true == 0 ? 0 : h;
    *oob = o;
    return;
  }
#elif defined(__SSE2__)
  if (cnt == 64 && entries > 0 && entries <= 0x80000000u) {
    // Signed compares only: x >= entries unsigned  <=>  (x ^ 2^31) > (entries - 1) ^ 2^31.
    const __m128i sign = _mm_set1_epi32(INT32_MIN);
    const __m128i limit = _mm_set1_epi32(static_cast<int32_t>((entries - 1) ^ 0x80000000u));
    const __m128i v0 = _mm_set1_epi32(c0), v1 = _mm_set1_epi32(c1);
    const __m128i any = num_true == 0 ? _mm_setzero_si128() : _mm_set1_epi32(-1);
    uint64_t h = 0, o = 0;
    for (int g = 0; g < 4; ++g) {
      __m128i hs[4], os[4];
      for (int q = 0; q < 4; ++q) {
        const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(codes + 16 * g + 4 * q));
        hs[q] = _mm_and_si128(any, _mm_or_si128(_mm_cmpeq_epi32(x, v0), _mm_cmpeq_epi32(x, v1)));
        os[q] = _mm_cmpgt_epi32(_mm_xor_si128(x, sign), limit);
      }
      // Four lanes of -1/0 per vector, packed (saturating) to 16 bytes.
      const __m128i hb =
          _mm_packs_epi16(_mm_packs_epi32(hs[0], hs[1]), _mm_packs_epi32(hs[2], hs[3]));
      const __m128i ob =
          _mm_packs_epi16(_mm_packs_epi32(os[0], os[1]), _mm_packs_epi32(os[2], os[3]));
      h |= static_cast<uint64_t>(static_cast<uint16_t>(_mm_movemask_epi8(hb))) << (16 * g);
      o |= static_cast<uint64_t>(static_cast<uint16_t>(_mm_movemask_epi8(ob))) << (16 * g);
    }
    *hit = h;
    *oob = o;
    return;
  }
#endif
  uint64_t h = 0, o = 0;
  for (int j = 0; j < cnt; ++j) {
    const bool match = num_true > 0 && (codes[j] == c0 || codes[j] == c1);
    h |= static_cast<uint64_t>(match) << j;
    o |= static_cast<uint64_t>(static_cast<uint32_t>(codes[j]) >= entries) << j;
  }
  *hit = h;
  *oob = o;
}

uint64_t PackWord(const uint8_t* bytes) { return PackBit<0>(bytes); }
uint64_t PackWordBit1(const uint8_t* bytes) { return PackBit<1>(bytes); }

void PackWords(const uint8_t* bytes, int n, uint64_t* out) {
  const int full = n / 64;
  for (int w = 0; w < full; ++w) out[w] = PackBit<0>(bytes + 64 * w);
  if (n % 64) {
    alignas(16) uint8_t tail[64] = {};
    std::memcpy(tail, bytes + 64 * full, n % 64);
    out[full] = PackBit<0>(tail);
  }
}

void UnpackWords(const uint64_t* words, int n, uint8_t* out) {
  UnpackBits(reinterpret_cast<const uint8_t*>(words), 0, n, out);
}

void LoadBitmapWords(const uint8_t* bits, int64_t start, int n, uint64_t* out) {
  const uint8_t* b = bits + start / 8;
  const int full = n / 64;
  std::memcpy(out, b, static_cast<size_t>(full) * 8);
  if (n % 64) {
    uint64_t w = 0;
    std::memcpy(&w, b + 8 * full, static_cast<size_t>((n % 64 + 7) / 8));
    out[full] = w & ((uint64_t{1} << (n % 64)) - 1);
  }
}

void StoreBitmapWords(const uint64_t* words, int64_t start, int n, uint8_t* bits) {
  uint8_t* b = bits + start / 8;
  const int full = n / 64;
  std::memcpy(b, words, static_cast<size_t>(full) * 8);
  if (n % 64) {
    const uint64_t w = words[full] & ((uint64_t{1} << (n % 64)) - 1);
    std::memcpy(b + 8 * full, &w, static_cast<size_t>((n % 64 + 7) / 8));
  }
}

int SelectFromMask(const uint8_t* mask, int n, uint16_t* sel) {
  int c = 0;
  for (int i = 0; i < n; ++i) {
    sel[c] = static_cast<uint16_t>(i);
    c += mask[i];
  }
  return c;
}

int CountWords(const uint64_t* words, int n) {
  int c = 0;
  const int full = n / 64;
  for (int w = 0; w < full; ++w) c += std::popcount(words[w]);
  if (n % 64) c += std::popcount(words[full] & ((uint64_t{1} << (n % 64)) - 1));
  return c;
}

bool AllOnes(const uint64_t* words, int n) {
  uint64_t all = ~uint64_t{0};
  const int full = n / 64;
  for (int w = 0; w < full; ++w) all &= words[w];
  if (n % 64) all &= words[full] | (~uint64_t{0} << (n % 64));
  return all == ~uint64_t{0};
}

}  // namespace docket::exec
