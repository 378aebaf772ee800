// docket/options.h — how a rule is compiled (limits) and how it is evaluated
// (as_of, time zone, params, owner, threads).
//
//   docket::EvalOptions opts;
//   opts.as_of = absl::CivilDay(2026, 11, 22);          // `today` in every rule
//   absl::LoadTimeZone("America/New_York", &opts.time_zone);
//   opts.params["pulse_stale_days"] = docket::Value::Int(60);  // overrides a default
//   opts.owner = "alice";                                // owner scope (rulebooks)
//   opts.threads = 2;                                    // 0: one per core
//
// There is no hidden clock: as_of must be set (the CLI defaults it to today
// in the rulebook's time zone and prints the date it used).
#ifndef DOCKET_OPTIONS_H_
#define DOCKET_OPTIONS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "docket/value.h"

namespace docket {

class History;  // docket/history.h

// Safety limits.  Hitting one is a ResourceExhausted error naming the limit
// and its value (see docs/security.md).  Defaults keep a 2-core machine healthy.
struct Limits {
  int64_t max_expression_bytes = 1 << 20;  // Text of one expression.
  int max_expression_depth = 256;          // Nesting of the syntax tree.
  int max_expression_nodes = 250000;       // Nodes in one expression after segment expansion
                                           // (above max_in_list, so that limit is reachable).
  int max_rules = 10000;                   // Lists + segments + KPIs in one rulebook.
  int64_t max_rulebook_bytes = 16 << 20;   // Size of a rulebook file.
  int max_yaml_depth = 64;                 // Nesting of YAML collections.
  int64_t regex_max_program_size = 10000;  // RE2 max_mem-derived program size.
  int64_t max_in_list = 100000;            // Entries of one IN (...) list.
  int64_t max_csv_field_bytes = 1 << 20;   // One CSV field.
  int64_t max_csv_line_bytes = 16 << 20;   // One CSV record.
  int64_t max_string_bytes = 1 << 20;      // One string value or literal.
  int64_t max_csv_columns = 100000;        // Columns in one CSV header.
  int max_relation_depth = 64;             // Tables in one chain of parent relations
                                           // (a grandchild's chain is 3).
  int max_name_parts = 64;             // Parts of one dotted name (success_plan.account.csm is 3).
  int max_segment_depth = 64;          // Segments used inside segments, nested.
  int64_t max_ctas_per_sync = 100000;  // CTAs one `cta sync` may create (docket/cta.h); over it,
                                       // the sync fails before writing anything.
};

struct CompileOptions {
  Limits limits;
  // Parameters and their default values; a rule's `$name` takes its type from
  // the value.  EvalOptions::params may override the values (same type).
  std::map<std::string, Value, std::less<>> params;
};

struct EvalOptions {
  absl::CivilDay as_of;                              // `today`.  Required.
  absl::TimeZone time_zone = absl::UTCTimeZone();    // Timestamps meet dates here.
  std::map<std::string, Value, std::less<>> params;  // Overrides of CompileOptions::params.
  std::optional<std::string> owner;                  // Owner scope; nullopt = everyone.
  int threads = 0;                                   // 0: one per core; results never depend on it.
  bool want_nulls = false;                           // Also report which rows were NULL.
  // Dated snapshots read by prev()/changed()/pct_change()/is_new() (docket/history.h);
  // nullptr: no history (those functions are NULL and the result says why in a note).
  const History* history = nullptr;
};

}  // namespace docket

#endif  // DOCKET_OPTIONS_H_
