// rulebook/show_history.h — a list's `show:` entry that reads the past:
// `prev(csm)` or `prev(csm, INTERVAL 30 DAY)` (docs/rulebooks.md), so an
// owner-transition list can show the previous CSM next to the current one.
//
// The entry is a column of the list's table read in an older snapshot of the
// same table (the latest dated before as_of, or on or before as_of −
// interval), by key, for the kept rows only.  NULL when there is no history,
// no snapshot old enough, the key or the column is not in it; the reason is
// returned as a note.
#ifndef DOCKET_RULEBOOK_SHOW_HISTORY_H_
#define DOCKET_RULEBOOK_SHOW_HISTORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "docket/column.h"
#include "docket/history.h"
#include "docket/table.h"

namespace docket::rulebook {

struct ShowHistoryRef {
  std::string column;  // The column of the list's table.
  int32_t days = 0;    // The interval (DAY, WEEK); with months, both 0: no interval.
  int32_t months = 0;  // MONTH, QUARTER, YEAR.
  bool has_interval = false;
  std::string label;  // `… AS label`: the shown column's name; empty: the entry itself.
};

// `prev(column[, INTERVAL n UNIT]) [AS label]`.
// nullopt when `entry` does not start with "prev(" (an ordinary column);
// InvalidArgument (a message for the user) when it does but is malformed.
absl::StatusOr<std::optional<ShowHistoryRef>> ParseShowHistory(std::string_view entry);

// The older snapshot `ref` reads at `as_of` (nullptr: none).
const DatedSnapshot* ShowHistorySnapshot(const ShowHistoryRef& ref, const History* history,
                                         absl::CivilDay as_of);

// A table-long column holding, for each of `rows`, `ref.column` of the row
// with the same key in the older snapshot (NULL elsewhere).  `note` is set
// when the values could not be read (no history, no snapshot old enough, the
// table or column missing there).
absl::StatusOr<Column> ShowHistoryColumn(const ShowHistoryRef& ref, const Table& table,
                                         const std::vector<int64_t>& rows, absl::CivilDay as_of,
                                         const History* history, std::string* note);

}  // namespace docket::rulebook

#endif  // DOCKET_RULEBOOK_SHOW_HISTORY_H_
