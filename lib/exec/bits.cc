// exec/bits.cc — validity and boolean bits: unpacking 64 rows to bytes,
// packing bytes to bits, and timestamp units.
#include <cstring>

#include "exec/executor.h"

namespace docket::exec {

using plan::Node;
using plan::Op;
using plan::Ty;

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

}  // namespace docket::exec
