// docket/rulebook.h — rulebooks: a CS team's lists, segments, params and KPI
// cards, loaded from YAML, compiled once and evaluated over a snapshot in one
// pass.  This is the command center: for one owner (or everyone), every
// list's count and top rows, grouped by horizon, and every KPI.
//
// A rulebook (docs/rulebooks.md has every key):
//
//   docket: 1
//   name: CSM Hub
//   time_zone: America/New_York
//   params: {pulse_stale_days: 90, forecast_window_days: 120}
//   tables:
//     accounts:
//       key: id
//       owner: csm
//       columns: {id: string, name: string, csm: string, arr: float, pulse: string,
//                 pulse_changed_at: date, renewal_date: date, forecast: string}
//   segments:
//     in_forecast_window: renewal_date BETWEEN today AND today + $forecast_window_days
//   lists:
//     - id: outdated_pulse
//       title: Outdated Pulse
//       horizon: today                     # today | upcoming | past
//       table: accounts
//       when: pulse IS NULL OR days_since(pulse_changed_at) > $pulse_stale_days
//       show: [name, csm, pulse, pulse_changed_at]
//       order_by: arr DESC, name           # ASC/DESC, NULLS LAST unless NULLS FIRST
//       limit: 50
//       action: Update the pulse after your next conversation with the customer.
//       resources: [{title: Pulse guide, url: "https://kb.example.com/pulse"}]
//   kpis:
//     - id: arr_missing_forecast
//       list: outdated_pulse
//       measure: sum(arr)                  # count | sum | avg | min | max | count_distinct
//       by: owner
//
// Load, compile, evaluate:
//
//   absl::StatusOr<docket::Rulebook> book = docket::Rulebook::Load("csm_hub.yaml");
//   if (!book.ok()) return book.status();   // "csm_hub.yaml:14:22: unknown column 'pluse' — …"
//   absl::StatusOr<docket::CompiledRulebook> hub = docket::CompiledRulebook::Compile(*book);
//   if (!hub.ok()) return hub.status();
//
//   docket::RunOptions run;
//   run.as_of = absl::CivilDay(2026, 11, 22);      // required: there is no hidden clock
//   run.owner = "Alice Chen";                      // nullopt: everyone
//   run.params["pulse_stale_days"] = docket::Value::Int(60);
//   absl::StatusOr<docket::RulebookResult> r = hub->Evaluate(snapshot, run);
//   for (const docket::ListResult& list : r->lists) {
//     list.count;       // every matching row in scope
//     list.ForEachKeptRow([&](int64_t row) { ... });   // after order_by and limit
//     list.Key(row);    // the key of a row, made when asked for
//     list.Cell(list.rows[0], "arr");   // a shown value
//   }
//   r->FindKpi("arr_missing_forecast")->value;     // overall
//   r->FindKpi("arr_missing_forecast")->groups;    // per owner
//
// Errors.  Every mistake in a rulebook — YAML syntax, an unknown key (with a
// did-you-mean hint), the schema, an expression inside `when:` (the position
// points into the YAML file, not into the expression), an unknown param, list
// or column, a duplicate id, a cycle between segments, a missing required
// key — is an InvalidArgument naming the file, line and column.  A limit
// (Limits::max_rulebook_bytes, max_rules, max_yaml_depth) is ResourceExhausted.
// Evaluation errors (a table or column missing from the snapshot) are
// FailedPrecondition.
//
// One pass.  All lists of a rulebook compile into one docket::Program: the
// data is read once, segments and common subexpressions are computed once,
// and every list's rows come out together.
//
// Owner scope.  With RunOptions::owner set, every list over a table with an
// owner column (directly, or through its parent) sees only that owner's rows;
// counts, rows and KPIs never include rows outside the scope.  A table's own
// owner column wins over its parent's (a task assigned to Alice on Bob's
// account is Alice's).  Aggregates over child rows and parent fields describe
// an in-scope row's own records whoever owns them: an account's "no goals
// defined" does not change with who is looking.
//
// Related records.  With `parent:` relations in the schema, a rule reads its
// parent's fields (`account.arr`, `success_plan.account.csm`) and aggregates
// its children (`exists(contacts WHERE is_champion)`, `count(tasks WHERE …)`,
// `sum(opportunities.amount WHERE …)`); see docs/language.md.  A list may show
// and order by parent fields (`show: [name, account.name]`).
//
// Thread safety.  Rulebook is a plain value.  CompiledRulebook is immutable
// and cheap to copy; Evaluate() may be called from many threads at once, and
// its results do not depend on RunOptions::threads.
#ifndef DOCKET_RULEBOOK_H_
#define DOCKET_RULEBOOK_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "docket/bitmap.h"
#include "docket/cta_spec.h"
#include "docket/history.h"
#include "docket/options.h"
#include "docket/program.h"
#include "docket/schema.h"
#include "docket/table.h"
#include "docket/value.h"

namespace docket {

// The dashboards of a CSM hub: work for today, strategic work coming up, and
// a look back at performance.
enum class Horizon : uint8_t { kToday, kUpcoming, kPast };
std::string_view HorizonName(Horizon horizon);   // "today", "upcoming", "past"
std::string_view HorizonTitle(Horizon horizon);  // "Today", "Upcoming", "Past"

// A `$name` parameter and its default value.  The type comes from the YAML
// value: int (90), float (0.8), bool (true/false), date (a plain 2026-01-31),
// otherwise string ("90" quoted is a string).
struct RulebookParam {
  std::string name;
  Value value;
  SourceLocation location;
};

struct SegmentSpec {
  std::string name;
  ExpressionSource expression;  // origin points at the text in the YAML file.
  SourceLocation location;      // The segment's name.
};

// One key of `order_by`: `arr DESC`, `renewal_date NULLS FIRST`.
struct OrderKey {
  std::string column;
  bool descending = false;
  bool nulls_first = false;  // NULLs sort last unless NULLS FIRST.
  SourceLocation location;
};

struct Resource {
  std::string title;
  std::string url;
};

// A list that fires on change (Totango's "on entry" / "on exit"): see
// docs/rulebooks.md.  kEntered: rows whose `when` is TRUE now and was not TRUE
// in the older snapshot (evaluated there at that snapshot's date, with the
// same params and owner); kExited: rows whose `when` was TRUE then and is not
// now, including keys gone from the current snapshot (shown with their last
// values).
enum class Trigger : uint8_t { kNone, kEntered, kExited };

struct ListSpec {
  std::string id;
  std::string title;  // Defaults to id.
  Horizon horizon = Horizon::kToday;
  std::string table;
  ExpressionSource when;
  std::vector<std::string> show;  // Defaults to the table's key and owner columns; a parent
                                  // field (account.name) may be shown or ordered by too.
  std::vector<SourceLocation> show_locations;
  std::vector<OrderKey> order_by;  // Ties keep row order.
  std::optional<int64_t> limit;    // Rows to keep after ordering; count is never limited.
  std::string action;              // The recommended action.
  std::vector<Resource> resources;
  SourceLocation location;  // The list's `id:`.
  SourceLocation table_location;
  Trigger trigger = Trigger::kNone;  // `trigger: entered | exited`.
  bool has_since = false;            // `since: INTERVAL n UNIT`: compare with the snapshot on or
  int32_t since_days = 0;            // before as_of - interval instead of the latest before as_of.
  int32_t since_months = 0;
};

enum class MeasureKind : uint8_t { kCount, kCountColumn, kSum, kAvg, kMin, kMax, kCountDistinct };

// `count`, `count(*)`, `count(col)` (non-NULL values), `sum(col)`, `avg(col)`,
// `min(col)`, `max(col)`, `count_distinct(col)`.
struct Measure {
  MeasureKind kind = MeasureKind::kCount;
  std::string column;            // Empty for count.
  std::string ToString() const;  // "sum(arr)"
};

struct KpiSpec {
  std::string id;
  std::string title;  // Defaults to id.
  std::string list;   // The list whose rows are measured.
  Measure measure;
  bool by_owner = false;  // `by: owner`: one value per owner of the list's rows.
  SourceLocation location;
  SourceLocation list_location;
  SourceLocation measure_location;
};

struct MetricsSpec;  // docket/metrics.h

// A parsed, structurally valid rulebook.  Names are checked against the
// schema when it is compiled (CompiledRulebook::Compile).
struct Rulebook {
  std::string file;  // As given to Load / FromYaml; used in every error.
  int version = 1;   // `docket:`; must be 1.
  std::string name;  // Defaults to the file's base name.
  std::string time_zone_name = "UTC";
  absl::TimeZone time_zone = absl::UTCTimeZone();
  std::vector<RulebookParam> params;
  Schema schema;  // `tables:`; empty when the rulebook declares none.
  std::vector<SegmentSpec> segments;
  std::vector<ListSpec> lists;
  std::vector<KpiSpec> kpis;
  // `ctas:` — list rows raised as calls-to-action (docket/cta_spec.h, docket/cta.h).
  std::vector<CtaSpec> ctas;
  OwnerChangePolicy on_owner_change = OwnerChangePolicy::kMoveOpen;
  // `metrics:`, `goals:`, `alerts:` (docket/metrics.h); null when none.
  std::shared_ptr<const MetricsSpec> metrics;

  // Reads and parses a rulebook file (at most limits.max_rulebook_bytes).
  static absl::StatusOr<Rulebook> Load(const std::string& path, const Limits& limits = {});
  // Parses rulebook text; `filename` is used in error messages.
  static absl::StatusOr<Rulebook> FromYaml(std::string_view text,
                                           std::string_view filename = "<rulebook>",
                                           const Limits& limits = {});

  const ListSpec* FindList(std::string_view id) const;
  const KpiSpec* FindKpi(std::string_view id) const;
  const RulebookParam* FindParam(std::string_view name) const;
  const CtaSpec* FindCta(std::string_view id) const;
};

// How a compiled rulebook is evaluated.
struct RunOptions {
  absl::CivilDay as_of;                              // `today`.  Required.
  std::optional<absl::TimeZone> time_zone;           // Defaults to the rulebook's.
  std::optional<std::string> owner;                  // Owner scope; nullopt = everyone.
  std::map<std::string, Value, std::less<>> params;  // Overrides of the rulebook's params.
  int threads = 0;                                   // 0: one per core.
  std::vector<std::string> lists;    // Only these lists (and KPIs over them); empty = all.
  std::optional<int64_t> max_rows;   // Caps rows/keys of every list (after its own limit).
  const History* history = nullptr;  // Older snapshots (docket/history.h); nullptr: none.
};

struct ListResult {
  std::string id;
  std::string title;
  Horizon horizon = Horizon::kToday;
  std::string table;
  std::string action;
  std::vector<Resource> resources;
  std::vector<std::string> show;
  int64_t count = 0;  // Every matching row in scope.
  Bitmap matches;     // Bit i set: row i of the table is in the list.
  Diagnostics diagnostics;
  Table data;  // The list's table; shares the snapshot's buffers.

  // The rows the list keeps, in order: its matches after order_by and limit
  // (and RunOptions::max_rows).  Results cost what they hold: a list with
  // neither order_by nor a limit keeps every match in row order without
  // copying them — `rows` stays empty, `all_matches` is true, and
  // ForEachKeptRow walks `matches`.  Keys are made only when asked for.
  std::vector<int64_t> rows;
  bool all_matches = false;
  int64_t kept() const { return all_matches ? count : static_cast<int64_t>(rows.size()); }
  // fn(row) for each kept row in order; fn may return false to stop.
  template <typename Fn>
  void ForEachKeptRow(Fn&& fn) const {
    if (all_matches) {
      ForEachSetBit(matches.data(), 0, matches.size(), fn);
      return;
    }
    for (int64_t r : rows) {
      if constexpr (std::is_same_v<decltype(fn(r)), bool>) {
        if (!fn(r)) return;
      } else {
        fn(r);
      }
    }
  }
  std::vector<int64_t> KeptRows() const;  // The kept rows, materialised.
  // The key of `row` as text (the row number when the table has no key).
  std::string Key(int64_t row) const;
  std::vector<std::string> Keys() const;  // The kept rows' keys, materialised.

  // The value of `column` at `row` of the list's table (NULL of type bool
  // when the column does not exist).
  Value Cell(int64_t row, std::string_view column) const;
};

// The label of the group of rows whose owner is NULL in `by: owner` KPIs.
inline constexpr std::string_view kUnassignedOwner = "(unassigned)";

struct KpiResult {
  std::string id;
  std::string title;
  std::string list;
  Measure measure;
  bool by_owner = false;
  // Over every row of the list in scope: count and count_distinct are int;
  // sum is int over an int column (NULL on overflow) and float otherwise; avg
  // is float; min and max have the column's type.  sum, avg, min and max of
  // no values are NULL.
  Value value;
  // With by_owner: (owner, value) sorted by owner, kUnassignedOwner last.
  std::vector<std::pair<std::string, Value>> groups;
};

struct RulebookResult {
  std::string name;
  absl::CivilDay as_of;
  std::string time_zone;  // IANA name.
  std::optional<std::string> owner;
  std::vector<ListResult> lists;  // In rulebook order.
  std::vector<KpiResult> kpis;    // In rulebook order.
  // The relations read through (child → parent) and the child rows without a
  // parent, which no aggregate counts and whose parent fields are NULL.
  std::vector<RelationDiagnostics> relations;
  // What the history functions could not read (ProgramResult::notes).
  std::vector<std::string> notes;

  const ListResult* FindList(std::string_view id) const;
  const KpiResult* FindKpi(std::string_view id) const;
};

// Reusable state for the on-change overload of CompiledRulebook::Evaluate
// (one per thread, not thread-safe): the program's EvalContext and result,
// and what the command center derived from the last snapshot (its tables
// recognised by identity, as EvalContext does) — the join paths of the lists'
// parent fields, the owner lookups of `by: owner` KPIs and each list's
// materialised table for the rows it kept.  With a kept RulebookResult, a
// warm call on the same snapshot allocates nothing (another snapshot, other
// kept rows of a list that shows parent fields, a `prev()` column, param
// overrides, an owner scope or history do allocate; trigger lists and
// history take the plain path).  Results are exactly the plain call's.
class RulebookContext {
 public:
  RulebookContext();
  ~RulebookContext();
  RulebookContext(RulebookContext&&) noexcept;
  RulebookContext& operator=(RulebookContext&&) noexcept;
  RulebookContext(const RulebookContext&) = delete;
  RulebookContext& operator=(const RulebookContext&) = delete;

  // Calls that rebuilt kept state (another rulebook, list selection or
  // snapshot; a list whose kept rows changed and that shows parent fields).
  int64_t setups() const;
  int64_t evaluations() const;
  // The program's context (EvalContext::setups counts the joins resolved).
  const EvalContext& eval_context() const;

  struct Impl;

 private:
  friend class CompiledRulebook;
  std::unique_ptr<Impl> impl_;
};

class CompiledRulebook {
 public:
  // Compiles against the rulebook's `tables:` section.
  static absl::StatusOr<CompiledRulebook> Compile(const Rulebook& rulebook,
                                                  const Limits& limits = {});
  // Compiles against `data_schema` (the schema of the snapshot to evaluate).
  // When the rulebook declares tables, those are compiled against and every
  // table and column the rulebook declares must exist in `data_schema` with
  // the same type (a FailedPrecondition naming the first that does not);
  // otherwise the data's schema is used directly.
  static absl::StatusOr<CompiledRulebook> Compile(const Rulebook& rulebook,
                                                  const Schema& data_schema,
                                                  const Limits& limits = {});

  CompiledRulebook(const CompiledRulebook&) = default;
  CompiledRulebook& operator=(const CompiledRulebook&) = default;

  const Rulebook& rulebook() const;
  const Schema& schema() const;    // The schema compiled against.
  const Program& program() const;  // One predicate per list, in list order.

  // Evaluates every list (or RunOptions::lists) and KPI in one pass.
  absl::StatusOr<RulebookResult> Evaluate(const Snapshot& snapshot,
                                          const RunOptions& options) const;
  // The on-change path: the same, reusing `context` and writing into
  // `*result` (whose strings, vectors and bitmaps are reused): no heap
  // allocation once warm on the same snapshot (see RulebookContext).  On
  // error `*result` is unspecified.
  absl::Status Evaluate(const Snapshot& snapshot, const RunOptions& options,
                        RulebookContext* context, RulebookResult* result) const;

  // Parses a run-time override (`--param name=text`) as the declared param's
  // type.  InvalidArgument for an unknown name (with a hint) or a bad value.
  absl::StatusOr<Value> ParseParam(std::string_view name, std::string_view text) const;

 private:
  CompiledRulebook() = default;
  const Program& ProgramFor(const std::vector<size_t>& which) const;  // lib/rulebook/onchange.cc
  const Limits& limits() const;
  absl::StatusOr<RulebookResult> EvaluateImpl(const Snapshot& snapshot, const RunOptions& options,
                                              bool triggers) const;
  absl::Status ApplyTriggers(const std::vector<size_t>& which, const RunOptions& options,
                             ProgramResult* evaluated, std::vector<const Snapshot*>* list_snapshot,
                             std::vector<std::string>* notes) const;
  absl::Status MaterializeList(const ListSpec& spec, PredicateResult evaluated,
                               const Snapshot& snapshot, const RunOptions& options, ListResult* out,
                               std::vector<RelationDiagnostics>* relations) const;
  absl::StatusOr<Table> WithParentFields(const Table& table, const ListSpec& spec,
                                         const std::vector<std::string>& names,
                                         const std::vector<int64_t>& rows, const Snapshot& snapshot,
                                         std::vector<RelationDiagnostics>* relations) const;
  absl::Status ComputeKpi(const KpiSpec& spec, const ListResult& list, const Snapshot& snapshot,
                          KpiResult* out) const;
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

}  // namespace docket

#endif  // DOCKET_RULEBOOK_H_
