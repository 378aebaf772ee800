// exec/related_fold.cc — exists and count(*) folded from 64-row words
// (exec/related_fold.h).
#include "exec/related_fold.h"

#include <bit>

#include "exec/bits.h"

namespace docket::exec {

namespace {

// Above this many kept rows in a word, every row of it is visited without a
// branch (a store to the row's parent or to the spare slot); below, only the
// set bits are.
constexpr int kDenseWord = 24;

inline uint32_t Slot(int32_t p, uint32_t spare) { return p < 0 ? spare : static_cast<uint32_t>(p); }

// `slot` when bit is 1, else `spare`, as arithmetic: the compiler made the
// conditional a branch on the row's bit, mispredicted at middling densities.
inline uint32_t Pick(uint64_t bit, uint32_t slot, uint32_t spare) {
  return spare ^ ((slot ^ spare) & (0u - static_cast<uint32_t>(bit)));
}

}  // namespace

int MaskedWords(const uint64_t* words, int n, uint64_t* out) {
  const int full = n / 64;
  int count = 0;
  for (int w = 0; w < full; ++w) {
    out[w] = words[w];
    count += std::popcount(out[w]);
  }
  if (n % 64) {
    out[full] = words[full] & ((uint64_t{1} << (n % 64)) - 1);
    count += std::popcount(out[full]);
  }
  return count;
}

void FoldExistsWords(const uint64_t* words, const int32_t* parent, int n, uint8_t* flags,
                     uint32_t spare) {
  const int nw = WordsFor(n);
  for (int w = 0; w < nw; ++w) {
    uint64_t m = words[w];
    if (m == 0) continue;
    const int32_t* p = parent + 64 * w;
    if (std::popcount(m) >= kDenseWord) {
      // A row past n has a clear bit, so its parent (not read) goes unused.
      const int len = n - 64 * w < 64 ? n - 64 * w : 64;
      for (int j = 0; j < len; ++j) flags[Pick((m >> j) & 1, Slot(p[j], spare), spare)] = 1;
    } else {
      do {
        const int j = std::countr_zero(m);
        m &= m - 1;
        flags[Slot(p[j], spare)] = 1;
      } while (m != 0);
    }
  }
}

void FoldExistsWordsMulti(const uint64_t* const* words, uint8_t* const* flags, int tasks,
                          const int32_t* parent, int n, uint32_t spare) {
  const int nw = WordsFor(n);
  for (int w = 0; w < nw; ++w) {
    uint64_t any = 0;
    for (int k = 0; k < tasks; ++k) any |= words[k][w];
    if (any == 0) continue;
    const int32_t* p = parent + 64 * w;
    uint64_t m[kMaxExistsFold];
    for (int k = 0; k < tasks; ++k) m[k] = words[k][w];
    if (std::popcount(any) >= kDenseWord) {
      // Every row of the word: a row's slot is its parent where a task keeps
      // it and the spare slot where it does not (rows past n have no bit).
      const int len = n - 64 * w < 64 ? n - 64 * w : 64;
      for (int j = 0; j < len; ++j) {
        const uint32_t slot = Slot(p[j], spare);
        for (int k = 0; k < tasks; ++k) flags[k][Pick((m[k] >> j) & 1, slot, spare)] = 1;
      }
    } else {
      do {
        const int j = std::countr_zero(any);
        any &= any - 1;
        const uint32_t slot = Slot(p[j], spare);
        for (int k = 0; k < tasks; ++k) flags[k][Pick((m[k] >> j) & 1, slot, spare)] = 1;
      } while (any != 0);
    }
  }
}

void FoldCountWords(const uint64_t* words, const int32_t* parent, int n, int64_t* counts,
                    uint32_t spare) {
  const int nw = WordsFor(n);
  for (int w = 0; w < nw; ++w) {
    uint64_t m = words[w];
    if (m == 0) continue;
    const int32_t* p = parent + 64 * w;
    if (m == ~uint64_t{0}) {
      for (int j = 0; j < 64; ++j) ++counts[Slot(p[j], spare)];
    } else {
      do {
        const int j = std::countr_zero(m);
        m &= m - 1;
        ++counts[Slot(p[j], spare)];
      } while (m != 0);
    }
  }
}

}  // namespace docket::exec
