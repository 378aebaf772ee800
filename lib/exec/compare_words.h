// exec/compare_words.h — a 64-bit integer column against a constant or a
// range, and float columns against each other or a constant, as 64-row
// words, with the widest vector unit the CPU has.
//
// Timestamps are int64 microseconds, and the calendar rewrites turn
// `days_since(t) <= k` and `date(t) BETWEEN …` into comparisons of the
// column with constants.  The baseline x86-64 instruction set has no 64-bit
// vector comparison (SSE4.2's pcmpgtq), so the generic loop compares one row
// at a time.  When the CPU has AVX2 (checked once), 4 rows go per
// comparison and their sign bits straight into the word; otherwise the
// baseline loop runs and its bytes are packed.  Results are the same on
// either (tests/exec/compare_words_test.cc runs both).
#ifndef DOCKET_EXEC_COMPARE_WORDS_H_
#define DOCKET_EXEC_COMPARE_WORDS_H_

#include <cstdint>

#include "exec/kernel_util.h"
#include "exec/vector.h"
#include "plan/expr.h"

namespace docket::exec {

// When a (type pa) against b (type pb) is a flat int64 column against a
// non-NULL int64 constant (either side) on a dense row set, writes
// `a cmp b` for rows [0, act.n) into WordsFor(act.n) words of `out` (bits
// past n: 0) and returns true; otherwise writes nothing and returns false.
// Validity is the caller's.
bool CompareI64ConstWords(plan::Cmp cmp, Phys pa, Phys pb, const BatchValues& a,
                          const BatchValues& b, const RowSet& act, uint64_t* out);

// When a and b are both float (columns or constants, not both constant) on
// a dense row set, writes `a cmp b` as words like CompareI64ConstWords and
// returns true (a NaN compares as C++ does: unequal, and neither less nor
// greater); otherwise returns false.  A constant must not be NULL.
bool CompareF64Words(plan::Cmp cmp, Phys pa, Phys pb, const BatchValues& a, const BatchValues& b,
                     const RowSet& act, uint64_t* out);

// lo <= x[i] <= hi for an int64 column on a dense row set (lo <= hi), as
// words like CompareI64ConstWords; false (nothing written) otherwise.
bool BetweenI64Words(const BatchValues& x, int64_t lo, int64_t hi, const RowSet& act,
                     uint64_t* out);

// Tests: true makes the functions above take the baseline path on any CPU.
void ForceBaselineCompareForTest(bool on);

}  // namespace docket::exec

#endif  // DOCKET_EXEC_COMPARE_WORDS_H_
