// exec/history.h — the history stage: before the rules run, every history
// column a program reads (prev(x), the key presence behind changed(),
// pct_change() and is_new()) becomes a column aligned with the current rows.
//
// For each used history column (plan::HistoryRef):
//   1. the snapshot: the latest dated before as_of (no interval) or on or
//      before as_of − interval (docket/history.h); none → NULL and a note;
//   2. the key join current row → older row of the same table, cached per
//      pair of tables in the History (identical key columns are recognised by
//      one linear compare and joined without hashing: the older column is
//      then read in place, without a copy);
//   3. for a parent field, the older snapshot's own parent joins (the parent
//      the row had *then*);
//   4. a gather of the older column (fixed-width values, dictionary codes or
//      plain strings) into a column the executor reads like any other.
// prev/changed/pct_change/is_new are then ordinary kernels over these columns
// (lang/binder.cc builds them from CASE, IS NULL, comparisons and division).
#ifndef DOCKET_EXEC_HISTORY_H_
#define DOCKET_EXEC_HISTORY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "docket/column.h"
#include "docket/options.h"
#include "docket/table.h"
#include "plan/expr.h"

namespace docket::exec {

// Fills (*out)[slot] for every history column slot with slot_used[slot] set;
// notes (what could not be read, with the rows it made NULL) go to `notes`.
// Errors: a key column missing from an older table, a column whose type
// changed (naming both sources).
absl::Status ResolveHistory(const plan::Graph& g, const std::vector<uint8_t>& slot_used,
                            const Schema& schema, const Snapshot& snapshot,
                            const EvalOptions& options, std::vector<Column>* out,
                            std::vector<std::string>* notes);

}  // namespace docket::exec

#endif  // DOCKET_EXEC_HISTORY_H_
