#include "docket/bitmap.h"

#include <bit>
#include <cstring>

namespace docket {

int64_t CountSetBits(const uint8_t* bits, int64_t length) {
  int64_t count = 0;
  int64_t words = length / 64;
  for (int64_t w = 0; w < words; ++w) {
    uint64_t word;
    std::memcpy(&word, bits + w * 8, 8);
    count += std::popcount(word);
  }
  for (int64_t i = words * 64; i < length; ++i) count += GetBit(bits, i);
  return count;
}

}  // namespace docket
