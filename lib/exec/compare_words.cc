// exec/compare_words.cc — int64 column against a constant as words
// (exec/compare_words.h).
#include "exec/compare_words.h"

#include "exec/bits.h"

namespace docket::exec {

using plan::Cmp;

namespace {

// GCC and Clang on x86-64 with ifunc support: an AVX2 clone beside the
// baseline one, chosen once by the loader.  Elsewhere, one baseline build.
#if defined(__x86_64__) && defined(__ELF__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define DOCKET_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef DOCKET_VECTOR_CLONES
#define DOCKET_VECTOR_CLONES
#endif

// out[i] = x[i] cmp c for i < n, one byte per row.  The six loops are
// written out so that each vectorizes (a byte store cannot alias x or c:
// both are in registers or restrict).
DOCKET_VECTOR_CLONES
void CompareBytes(Cmp cmp, const int64_t* __restrict x, int64_t c, int n,
                  uint8_t* __restrict out) {
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

// c cmp x  <=>  x Mirror(cmp) c.
Cmp Mirror(Cmp cmp) {
  switch (cmp) {
    case Cmp::kLt:
      return Cmp::kGt;
    case Cmp::kLe:
      return Cmp::kGe;
    case Cmp::kGt:
      return Cmp::kLt;
    case Cmp::kGe:
      return Cmp::kLe;
    default:
      return cmp;
  }
}

}  // namespace

bool CompareI64ConstWords(Cmp cmp, Phys pa, Phys pb, const BatchValues& a, const BatchValues& b,
                          const RowSet& act, uint64_t* out) {
  if (pa != Phys::kI64 || pb != Phys::kI64 || act.sel != nullptr || a.is_const == b.is_const) {
    return false;
  }
  const BatchValues& col = a.is_const ? b : a;
  const BatchValues& k = a.is_const ? a : b;
  if (!k.ValidAt(0)) return false;  // A NULL constant: the caller's general path.
  const int n = act.n;
  alignas(64) uint8_t bytes[kBatch];
  if (n > kBatch) return false;
  CompareBytes(a.is_const ? Mirror(cmp) : cmp, col.As<int64_t>(), *k.As<int64_t>(), n, bytes);
  PackWords(bytes, n, out);
  return true;
}

}  // namespace docket::exec
