// exec/morsel.h — how Program::Evaluate (exec/program.cc) walks a table: each
// worker takes a contiguous share of the batches and runs it morsel by
// morsel; in a morsel, each group of rules (rules that share a computed
// node) runs over every batch before the next group starts, so a group's
// columns stream for a morsel's rows instead of 2048.
#ifndef DOCKET_EXEC_MORSEL_H_
#define DOCKET_EXEC_MORSEL_H_

#include <cstdint>

namespace docket::exec {

// Batches per morsel by default (64K rows: each rule streams 256-512 KB of a
// column before the next rule reads its own; the columns of a morsel stay
// in the last-level cache for the rules that read them again).
inline constexpr int64_t kDefaultMorselBatches = 32;

// The batches per morsel Program::Evaluate uses now.
int64_t MorselBatches();
// Tests put morsel edges inside small tables (1, 2, 3 batches); <= 0 restores
// the default.  Not for use while an evaluation runs.
void SetMorselBatchesForTest(int64_t batches);

}  // namespace docket::exec

#endif  // DOCKET_EXEC_MORSEL_H_
