// docket/history.h — the past: dated snapshots of the same tables, read by
// prev(), changed(), pct_change() and is_new() (and by trigger lists).
//
//   docket::History history;
//   DOCKET_RETURN_IF_ERROR(history.Add(absl::CivilDay(2026, 11, 15), last_week,
//   "hist/2026-11-15")); DOCKET_RETURN_IF_ERROR(history.Add(absl::CivilDay(2026, 10, 22),
//   last_month, "hist/2026-10-22"));
//
//   docket::EvalOptions opts;
//   opts.as_of = absl::CivilDay(2026, 11, 22);
//   opts.history = &history;             // read by every history function
//   program.Evaluate(current_snapshot, opts);
//
// Which snapshot a function reads, for an evaluation at as_of:
//   prev(x)                        the latest snapshot dated before as_of;
//   prev(x, INTERVAL 30 DAY)       the latest snapshot dated on or before
//                                  as_of − 30 days (month units clamp like
//                                  date arithmetic).
// Snapshots dated after as_of are never read (no look-ahead), whatever the
// interval.  Rows meet their past by the table's key: the key join between
// the current table and each older one is built once per pair of tables and
// cached here (identical key columns — same keys in the same order — are
// recognised and joined without hashing).
//
// An older snapshot may lack a table or a column (exports change): the
// functions then give NULL and the evaluation reports a note naming the
// snapshot.  A column whose type changed is an error naming both sources.
//
// Thread safety: a History is immutable after the Add() calls except for its
// join cache, which is internally synchronized; many evaluations may share one.
#ifndef DOCKET_HISTORY_H_
#define DOCKET_HISTORY_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "docket/csv.h"
#include "docket/table.h"

namespace docket {

struct DatedSnapshot {
  absl::CivilDay date;
  Snapshot snapshot;
  std::string source;  // Where it came from (a folder), for messages; may be empty.
};

class History {
 public:
  History();
  ~History();
  History(History&&) noexcept;
  History& operator=(History&&) noexcept;

  // Adds the snapshot of `date`.  InvalidArgument when that date is already there.
  absl::Status Add(absl::CivilDay date, Snapshot snapshot, std::string source = "");

  // Oldest first.
  const std::vector<DatedSnapshot>& snapshots() const { return snapshots_; }
  bool empty() const { return snapshots_.empty(); }

  // The latest snapshot dated strictly before `day` / on or before `day`
  // (nullptr when there is none).
  const DatedSnapshot* LatestBefore(absl::CivilDay day) const;
  const DatedSnapshot* LatestOnOrBefore(absl::CivilDay day) const;

  // A history holding only the snapshots dated strictly before `day` (they
  // share their tables and this history's join cache): what the past looked
  // like from `day`, for evaluating a rule at an older date.
  History Before(absl::CivilDay day) const;

  // Labels the current snapshot in messages (e.g. "data/" or a folder).
  std::string current_source = "the current snapshot";

  // Internal: the key-join cache (exec/history.cc).
  struct JoinCache;
  const std::shared_ptr<JoinCache>& join_cache() const { return cache_; }

 private:
  std::vector<DatedSnapshot> snapshots_;
  std::shared_ptr<JoinCache> cache_;
};

// Reads a history directory: one folder per snapshot, named by its date,
// holding `<table>.csv` files (DIR/2026-11-15/accounts.csv).  Only folders
// dated before `before` are read (no look-ahead; pass the day after the last
// one wanted to read a folder dated `before` too).  Each file is read as
// ReadCsvDirectory reads the current one (errors name file, line and column;
// a duplicate key is an error), except that an older file may lack a table
// or a column: that is not an error here, and the functions that need it are
// NULL with a note.  With `schema`, columns keep their declared types; a
// column the schema does not declare is read as a string and ignored.
// Errors: a folder whose name is not a date (YYYY-MM-DD), a file that
// cannot be read.
absl::StatusOr<History> ReadHistoryDirectory(const std::string& dir, const Schema* schema,
                                             absl::CivilDay before, const CsvOptions& options = {});

}  // namespace docket

#endif  // DOCKET_HISTORY_H_
