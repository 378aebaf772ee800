// exec/bits.h — booleans as 64-row words.
//
// A BitVec is the value of a boolean expression for the rows of a batch, 64
// rows to a word (row i is bit i % 64 of word i / 64): `value` has the TRUE
// rows, `valid` the rows that are not NULL (nullptr: none is NULL).  A NULL
// row's value bit is 0, so `value` alone is the rows a rule selects and
// SQL's three-valued logic is word arithmetic (exec/execute_bits.cc):
//   AND: true = ta & tb,  false = fa | fb      (false = valid & ~value)
//   OR:  true = ta | tb,  false = fa & fb
//   NOT: true = valid & ~value
// Bits of rows outside the active set, and of rows past the batch's end in
// its last word, are unspecified; the consumer masks them.
//
// A BitVec with a block owns it: its value words are the block's first
// WordsFor(n) words and its valid words the next WordsFor(n), so the holder
// may rewrite both in place.  One without a block is read-only (a cached
// shared node or a constant).
//
// This file is also the one home of the conversions between byte-per-row
// masks, Arrow bitmaps, words and selection vectors.
#ifndef DOCKET_EXEC_BITS_H_
#define DOCKET_EXEC_BITS_H_

#include <cstdint>

#include "exec/vector.h"

namespace docket::exec {

constexpr int kBatchWords = kBatch / 64;

constexpr int WordsFor(int n) { return (n + 63) >> 6; }

struct BitVec {
  const uint64_t* value = nullptr;
  const uint64_t* valid = nullptr;  // nullptr: no NULL.
  Block* block = nullptr;
};

// kBatchWords words of all ones and of all zeros.
extern const uint64_t kOnesWords[kBatchWords];
extern const uint64_t kZeroWords[kBatchWords];

// The low bit of each of n bytes (n <= 64; 64 bytes must be readable) as a word.
uint64_t PackWord(const uint8_t* bytes);
// Bit 1 of each of 64 bytes as a word (a lookup table's "valid" bit).
uint64_t PackWordBit1(const uint8_t* bytes);
// The low bits of n bytes into WordsFor(n) words (bits past n unspecified).
void PackWords(const uint8_t* bytes, int n, uint64_t* out);
// n rows of words to 0/1 bytes.
void UnpackWords(const uint64_t* words, int n, uint8_t* out);
// Bits [start, start + n) of an Arrow bitmap (start % 64 == 0) as words;
// reads only the bitmap's bytes for those rows, bits past n are zero.
void LoadBitmapWords(const uint8_t* bits, int64_t start, int n, uint64_t* out);
// Writes n rows of words into an Arrow bitmap at row start (start % 64 == 0),
// touching only the bytes of those rows (the bits past n in the last byte are 0).
void StoreBitmapWords(const uint64_t* words, int64_t start, int n, uint8_t* bits);
// Dictionary codes against at most two TRUE codes, 64 rows a word: bit j of
// *hit is whether codes[j] is c0 or c1 (num_true of them: 0, 1 or 2), bit j
// of *oob whether codes[j], read as unsigned, is >= entries.  Bits at and
// past cnt (<= 64) are 0.  SSE2 compares four codes at a time.
void MatchCodeWord(const int32_t* codes, int cnt, int num_true, int32_t c0, int32_t c1,
                   uint32_t entries, uint64_t* hit, uint64_t* oob);
// Rows 0..n-1 whose mask byte is 1, ascending, into sel; returns how many.
int SelectFromMask(const uint8_t* mask, int n, uint16_t* sel);
// Number of 1 bits among rows 0..n-1.
int CountWords(const uint64_t* words, int n);
// True when rows 0..n-1 are all 1.
bool AllOnes(const uint64_t* words, int n);

}  // namespace docket::exec

#endif  // DOCKET_EXEC_BITS_H_
