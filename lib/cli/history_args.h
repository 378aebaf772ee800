// The --data / --history pair shared by the commands that read a history
// (`docket cta sync`; `run`, `eval`, `explain` and `diff` read it the same
// way): the current snapshot is --data, or the --history folder dated as_of;
// the older snapshots are the --history folders dated before as_of, read by
// ReadHistoryDirectory with the rulebook's tables (docs/data.md).
#ifndef DOCKET_CLI_HISTORY_ARGS_H_
#define DOCKET_CLI_HISTORY_ARGS_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "docket/history.h"
#include "docket/rulebook.h"

namespace docket::cli {

// --data, else DIR/YYYY-MM-DD of --history for `as_of` (a usage error when
// neither is given or that folder does not exist).
absl::StatusOr<std::string> CurrentSnapshotDir(const std::string& data, const std::string& history,
                                               absl::CivilDay as_of);

// The snapshots of `history` dated before `as_of` (nullopt when `history` is
// empty); `current` labels the current snapshot in messages.
absl::StatusOr<std::optional<History>> LoadOlderSnapshots(const std::string& history,
                                                          const Rulebook& book,
                                                          absl::CivilDay as_of,
                                                          const std::string& current, int threads);

}  // namespace docket::cli

#endif  // DOCKET_CLI_HISTORY_ARGS_H_
