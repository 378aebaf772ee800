// gen/history.h — dated past snapshots of the generated accounts, for
// `docket_gen --history DIR` and examples/history/.
//
//   docket::gen::GenOptions opts;                      // as for GenerateSnapshot
//   absl::StatusOr<docket::Snapshot> now = docket::gen::GenerateSnapshot(opts);
//   docket::gen::HistoryOptions h;                     // 13 weekly snapshots
//   auto past = docket::gen::GenerateHistory(opts, *now, h);
//   DOCKET_RETURN_IF_ERROR(docket::gen::WriteHistoryDirectory(*past, "/tmp/hist"));
//
// The past is derived backwards from the current snapshot, so the latest
// state evolves into it exactly:
//   - an account is absent before its created_at (is_new() finds it);
//   - csm is previous_csm before csm_changed_at (owner transitions);
//   - usage_30d and health_score equal usage_prev_30d / health_score_prev 30
//     to 42 days back and move between that and today's value in the last
//     30 days (so pct_change(usage_30d, INTERVAL 30 DAY) sees the same drops
//     the current snapshot's two columns describe); older weeks wander a few
//     percent around it;
//   - key_feature_first_used, go_live_date, important_event(_at), NPS answers,
//     pulse changes, value reviews and touches dated after a snapshot are not
//     in it yet (the earlier value, or NULL);
//   - accounts that churned after a snapshot are live customers in it (ARR,
//     renewal date), renewals after it are still pending;
//   - `gone_permille` extra accounts exist in the older snapshots and
//     disappear before as_of (trigger: exited sees them).
// Deterministic: the same options and current snapshot give the same bytes.
#ifndef DOCKET_GEN_HISTORY_H_
#define DOCKET_GEN_HISTORY_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "docket/table.h"
#include "gen/generator.h"

namespace docket::gen {

struct HistoryOptions {
  int snapshots = 13;     // how many past snapshots (1..520)
  int interval_days = 7;  // days between them; the latest is as_of - interval_days
  // Columns of accounts to write (the key `id` is always written); empty = all.
  std::vector<std::string> columns;
  // Accounts (per thousand current accounts, at least one) present in the
  // older snapshots that are gone before as_of.
  int gone_permille = 20;
};

struct PastSnapshot {
  absl::CivilDay date;
  Snapshot snapshot;
};

// Oldest first.  InvalidArgument when `current` has no accounts table, an
// option is out of range or a column is unknown.
absl::StatusOr<std::vector<PastSnapshot>> GenerateHistory(const GenOptions& options,
                                                          const Snapshot& current,
                                                          const HistoryOptions& history);

// Writes DIR/YYYY-MM-DD/<table>.csv for every snapshot (as WriteCsvDirectory).
absl::Status WriteHistoryDirectory(const std::vector<PastSnapshot>& history,
                                   const std::string& dir);

}  // namespace docket::gen

#endif  // DOCKET_GEN_HISTORY_H_
