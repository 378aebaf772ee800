// The reps table of the generated data: one row per CSM, with the team,
// segment, manager, start date and activity goals that metrics, goals and
// alerts read (examples/rulebooks/activity_metrics.yaml).
#ifndef DOCKET_GEN_REPS_H_
#define DOCKET_GEN_REPS_H_

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "docket/schema.h"
#include "docket/table.h"

namespace docket::gen {

// Deterministic: a function of num_csms and as_of only.  Two reps of eight
// (and one in four beyond) started less than 90 days before as_of (ramping).
absl::StatusOr<Table> RepsTable(const TableSchema& schema, int num_csms, absl::CivilDay as_of);

}  // namespace docket::gen

#endif  // DOCKET_GEN_REPS_H_
