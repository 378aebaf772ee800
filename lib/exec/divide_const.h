// exec/divide_const.h — int64 division and remainder by a constant divisor
// without a divide instruction: a multiply by a precomputed reciprocal
// ("magic number", Granlund & Montgomery 1994), exact for every int64.
//
// SQL's integer % (and the C++ one) truncates: the remainder takes the sign
// of the dividend.  Both are computed on magnitudes: n = |x| (at most 2^63),
// q = floor(n / |d|), r = n - q·|d|, then the signs are put back.  The
// unsigned quotient is exact by this bound: with 2^k + e = m·|d| (e >= 0,
// m the magic), floor(m·n / 2^k) = floor(n / |d|) whenever e·n < 2^k (write
// n = q|d| + r: m·n/2^k = q + (r + e·n/2^k)/|d|, and r + e·n/2^k < |d|).
//   * |d| = 2^p: q = n >> p.
//   * otherwise, 2^(l-1) < |d| < 2^l: k = 63 + l and m = floor(2^k/|d|) + 1,
//     so e = |d| - (2^k mod |d|) < |d| < 2^l and e·2^63 < 2^k; m < 2^64 (as
//     |d| > 2^(l-1)), and q is the high 64 bits of n·m shifted right l - 1.
//   * a dividend in the int32 range (n <= 2^31) with |d| <= 2^31: k = 31 + l,
//     m = floor(2^k/|d|) + 1 < 2^32 (m = 2^31, e = 0, for |d| = 2^l), so
//     n·m < 2^63 is one 32×32→64 multiply: 4 rows per AVX2 vpmuludq.  |d| > 2^31 gives q = 0.
// The batch loops check that every row is in the int32 range (a vectorized
// OR) and otherwise take the 64-bit path (one mulx per row); both are
// branch-free per row.  tests/exec/divide_const_test.cc checks all paths
// against the hardware's idiv over edge and random values.
#ifndef DOCKET_EXEC_DIVIDE_CONST_H_
#define DOCKET_EXEC_DIVIDE_CONST_H_

#include <cstdint>

namespace docket::exec {

class ConstDivisor {
 public:
  // d != 0.  Any other int64, INT64_MIN included.
  explicit ConstDivisor(int64_t d);

  int64_t divisor() const { return d_; }

  // x % d with the dividend's sign (x - d·trunc(x/d)); 0 for d = ±1.
  int64_t Mod(int64_t x) const {
    const uint64_t s = SignMask(x);
    const uint64_t n = (static_cast<uint64_t>(x) ^ s) - s;
    const uint64_t r = n - UQuot(n) * ad_;
    return static_cast<int64_t>((r ^ s) - s);
  }
  // trunc(x / d).  INT64_MIN / -1 wraps to INT64_MIN (the caller checks
  // that overflow).
  int64_t Div(int64_t x) const {
    const uint64_t s = SignMask(x);
    const uint64_t n = (static_cast<uint64_t>(x) ^ s) - s;
    const uint64_t sq = s ^ (d_ < 0 ? ~uint64_t{0} : 0);
    return static_cast<int64_t>((UQuot(n) ^ sq) - sq);
  }

  // out[i] = Mod(x[i]) / Div(x[i]) for i < n; out does not overlap x.
  void ModRows(const int64_t* x, int n, int64_t* out) const;
  void DivRows(const int64_t* x, int n, int64_t* out) const;

  // Tests: the 64-bit path even when every row is in the int32 range.
  static void ForceWidePathForTest(bool on);

 private:
  static uint64_t SignMask(int64_t x) { return static_cast<uint64_t>(x >> 63); }
  // floor(n / |d|) for n <= 2^63.
  uint64_t UQuot(uint64_t n) const {
    if (pow2_) return n >> shift_;
    return static_cast<uint64_t>((static_cast<unsigned __int128>(n) * magic_) >> 64) >> shift_;
  }
  template <bool kMod>
  void Rows(const int64_t* x, int n, int64_t* out) const;

  int64_t d_;
  uint64_t ad_;       // |d| (2^63 for INT64_MIN).
  bool pow2_;         // |d| = 2^shift_ (1 included).
  int shift_;         // pow2_: log2 |d|; else l - 1.
  uint64_t magic_;    // The 64-bit path's m (not pow2_).
  uint32_t magic32_;  // The int32-range path's m (0 when |d| > 2^31).
  int shift32_;       // Its k.
  uint32_t ad32_;     // |d| when <= 2^31, else 0 (q is 0 there).
};

}  // namespace docket::exec

#endif  // DOCKET_EXEC_DIVIDE_CONST_H_
