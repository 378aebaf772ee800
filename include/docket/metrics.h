// docket/metrics.h — metrics, goals and alerts: per-rep numbers over calendar
// intervals and time grains, goal attainment, and an alert feed.
//
// A rulebook's `metrics:`, `goals:` and `alerts:` sections (docs/rulebooks.md)
// are parsed by Rulebook::Load into a MetricsSpec and checked against the
// schema by CompiledRulebook::Compile.  ComputeMetrics evaluates them:
//
//   metrics:
//     - id: meetings_last_week
//       title: Meetings last week
//       table: activities
//       measure: count                     # count | count_distinct(c) | sum(c) | avg(c) | min(c) |
//       max(c) where: kind = 'meeting'            # a docket predicate; related records allowed
//       time: occurred_at                  # a date or timestamp column
//       by: owner                          # owner | a column | a parent field (account.segment)
//       interval: last_week                # this_week … year_to_date | trailing 30 days
//       grain: day                         # optional: day | week | month | quarter
//     - id: contacts_per_account
//       ratio: {numerator: contacts_touched, denominator: accounts_touched}
//     - id: nrr
//       expr: arr_now / arr_year_ago       # derived: + - * / and numbers over metric ids
//   goals:
//     - metric: meetings_last_week
//       target: {table: reps, column: meeting_goal}   # or 12, or $meeting_goal
//       ramp: 90 days                      # reps.start_date less than 90 days ago: pro-rated
//   alerts:
//     - id: meetings_below_goal
//       kind: goal                         # goal | trend | peer
//       metric: meetings_last_week
//       below: 0.8
//       valence: warning                   # positive | warning | neutral
//       message: "{by} had {value} meetings last week (goal {target})"
//       audience: manager
//
//   absl::StatusOr<docket::MetricsResult> m = docket::ComputeMetrics(compiled, snapshot, run);
//   m->Find("meetings_last_week")->values;   // per rep: value and previous
//
// Semantics (the contract the differential test checks against SQLite):
//   - Intervals are inclusive day ranges in the rulebook's time zone; a
//     timestamp counts on its local day.  `this_*` runs from the period's
//     first day to as_of; `trailing N days` is the N days ending on as_of.
//   - `previous` is the interval just before: the same length for trailing
//     windows, the previous calendar period for `last_*`, and the same number
//     of days into the previous period for `this_*` (clamped to its end).
//   - Groups are every distinct `by` value of the table (all rows, whatever
//     their date or `where:`), NULL its own group, so a rep without rows shows
//     0.  count, count_distinct and sum of nothing are 0; avg/min/max NULL.
//   - `total` is over every row in scope in the interval (count_distinct is
//     distinct over everyone).  With RunOptions::owner, rows are limited to
//     the owner's scope and `by: owner` has just that owner's group.
//   - A ratio divides the numerator's value by the denominator's per group
//     (and total by total); a zero denominator gives NULL and a note.
//
// Speed: all simple metrics over one table are computed in one pass over its
// rows: a day-number → period table, group codes from the `by` column's
// dictionary codes, and a dense groups × periods accumulator array per
// partition; partitions (fixed by the row count, not the thread count) run on
// threads and merge in order, so results never depend on RunOptions::threads.
#ifndef DOCKET_METRICS_H_
#define DOCKET_METRICS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "docket/program.h"
#include "docket/rulebook.h"
#include "docket/value.h"

namespace docket {

enum class IntervalKind : uint8_t {
  kThisWeek,
  kLastWeek,
  kThisMonth,
  kLastMonth,
  kThisQuarter,
  kLastQuarter,
  kYearToDate,
  kTrailingDays,
  kTrailingWeeks,
  kTrailingMonths,
};

struct IntervalSpec {
  IntervalKind kind = IntervalKind::kTrailingDays;
  int64_t n = 30;                // Trailing windows only.
  std::string ToString() const;  // "last_week", "trailing 30 days"
};

enum class Grain : uint8_t { kNone, kDay, kWeek, kMonth, kQuarter };
std::string_view GrainName(Grain grain);  // "" for kNone.

enum class MetricFormat : uint8_t { kNumber, kPercent, kCurrency, kDuration };
std::string_view MetricFormatName(MetricFormat format);

// Where weeks start and where the fiscal year starts (quarters and years).
struct CalendarSettings {
  absl::Weekday week_start = absl::Weekday::monday;  // ISO unless `week_start:`.
  int fiscal_year_start = 1;                         // 1..12, `fiscal_year_start:`.
};

// An inclusive range of days.
struct DayRange {
  absl::CivilDay start;
  absl::CivilDay end;
  int64_t days() const { return end - start + 1; }
};

// Calendar math (lib/metrics/calendar.cc).
DayRange IntervalRange(const IntervalSpec& interval, absl::CivilDay as_of,
                       const CalendarSettings& cal);
DayRange PreviousRange(const IntervalSpec& interval, absl::CivilDay as_of,
                       const CalendarSettings& cal);
absl::CivilDay GrainStart(Grain grain, absl::CivilDay day, const CalendarSettings& cal);
absl::CivilDay NextGrainStart(Grain grain, absl::CivilDay period_start,
                              const CalendarSettings& cal);
// The first days of the grain periods that meet `range`, ascending.
std::vector<absl::CivilDay> GrainPeriods(Grain grain, const DayRange& range,
                                         const CalendarSettings& cal);

enum class MetricKind : uint8_t { kSimple, kRatio, kDerived };

struct MetricSpec {
  std::string id;
  std::string title;  // Defaults to id.
  MetricKind kind = MetricKind::kSimple;
  // Simple metrics.
  std::string table;
  Measure measure;
  std::optional<ExpressionSource> where;
  std::string time;  // A date or timestamp column of `table`.
  std::string by;    // "owner", a column, a parent field, or "" (one group: the whole).
  IntervalSpec interval;
  Grain grain = Grain::kNone;
  MetricFormat format = MetricFormat::kNumber;
  // Ratio metrics (interval and grain come from the numerator).
  std::string numerator;
  std::string denominator;
  // Derived metrics: an arithmetic expression over metric ids.
  std::string expr;
  bool has_interval = false;
  SourceLocation location, table_location, measure_location, time_location, by_location,
      numerator_location, denominator_location, expr_location, interval_location;
};

struct GoalSpec {
  std::string metric;
  enum class Target : uint8_t { kNumber, kParam, kColumn } target_kind = Target::kNumber;
  double target = 0;
  std::string param;         // kParam: without the '$'.
  std::string target_table;  // kColumn: a table keyed by the group (reps keyed by name).
  std::string target_column;
  int64_t ramp_days = 0;                  // 0: no ramp.
  std::string start_date = "start_date";  // A date column of the reps table.
  std::string table;                      // The reps table (defaults to target_table, else `reps`).
  SourceLocation location, metric_location, target_location, ramp_location;
};

enum class AlertKind : uint8_t { kGoal, kTrend, kPeer };
enum class Valence : uint8_t { kWarning, kPositive, kNeutral };
std::string_view AlertKindName(AlertKind kind);
std::string_view ValenceName(Valence valence);

struct AlertSpec {
  std::string id;
  AlertKind kind = AlertKind::kGoal;
  std::string metric;
  std::optional<double> below;
  std::optional<double> above;
  std::string peers;  // kPeer: a column of the reps table, or "everyone".
  Valence valence = Valence::kWarning;
  std::string message;
  std::string audience;         // A column of the reps table (the rep's manager), or "".
  std::optional<bool> ramping;  // Only ramping (true) or ramped (false) groups.
  std::string table;            // The reps table (defaults as for goals).
  SourceLocation location, metric_location, peers_location, audience_location;
};

// Everything of `metrics:`, `goals:`, `alerts:`, `week_start:` and
// `fiscal_year_start:` (Rulebook::metrics; null when a rulebook has none).
struct MetricsSpec {
  CalendarSettings calendar;
  std::vector<MetricSpec> metrics;
  std::vector<GoalSpec> goals;
  std::vector<AlertSpec> alerts;
  const MetricSpec* Find(std::string_view id) const;
};

// ---------------------------------------------------------------- results --

struct MetricValue {
  std::optional<std::string> by;  // nullopt: the NULL group (and the whole, without `by`).
  Value value;
  Value previous;
};

struct MetricSeriesEntry {
  absl::CivilDay start;  // The grain period's own first day (even when the interval clips it).
  std::vector<MetricValue> values;  // `previous` unused (NULL).
};

struct MetricResult {
  std::string id;
  std::string title;
  MetricFormat format = MetricFormat::kNumber;
  DayRange interval;
  DayRange previous_interval;
  Grain grain = Grain::kNone;
  Value total;
  Value previous_total;
  std::vector<MetricValue> values;        // Sorted by group, NULL last.
  std::vector<MetricSeriesEntry> series;  // Empty without a grain.
  std::vector<std::string> notes;         // e.g. "zero denominator for 3 groups".
  const MetricValue* Find(std::optional<std::string_view> by) const;
};

struct GoalResult {
  std::string metric;
  std::optional<std::string> by;
  Value target;  // Float; NULL when the group has no target.
  Value value;
  Value attainment;  // value / target (Float; NULL when target is 0 or NULL).
  bool ramping = false;
};

struct AlertResult {
  std::string id;
  AlertKind kind = AlertKind::kGoal;
  Valence valence = Valence::kWarning;
  std::string metric;
  std::optional<std::string> by;
  Value value;
  std::string message;
  std::optional<std::string> audience;
};

struct MetricsResult {
  absl::CivilDay as_of;
  std::string time_zone;
  std::optional<std::string> owner;
  std::vector<MetricResult> metrics;  // Rulebook order.
  std::vector<GoalResult> goals;
  std::vector<AlertResult> alerts;    // Warnings first, then positive, then neutral.
  std::vector<std::string> warnings;  // e.g. a goal for a group absent from the data.
  const MetricResult* Find(std::string_view id) const;
};

// Evaluates every metric, goal and alert of the rulebook.  RunOptions::lists
// and max_rows are ignored.  FailedPrecondition for data errors (a missing
// table or column), InvalidArgument for a bad param override.
absl::StatusOr<MetricsResult> ComputeMetrics(const CompiledRulebook& compiled,
                                             const Snapshot& snapshot, const RunOptions& options);

// Output formats of `docket metrics` (JSON shape in docs/rulebooks.md).
std::string RenderMetricsJson(const MetricsResult& result);
std::string RenderMetricsText(const MetricsResult& result);
// One row per (metric, group, period): metric,by,period,start,end,value,previous.
std::string RenderMetricsCsv(const MetricsResult& result);

}  // namespace docket

#endif  // DOCKET_METRICS_H_
