// Compile-time checks of a rulebook's metrics against the schema (called by
// CompiledRulebook::Compile): tables, measured, time and `by` columns, and
// every `where:` compiled with the rulebook's segments and params.
#ifndef DOCKET_RULEBOOK_METRIC_CHECK_H_
#define DOCKET_RULEBOOK_METRIC_CHECK_H_

#include "absl/status/status.h"
#include "docket/options.h"
#include "docket/rulebook.h"
#include "docket/schema.h"

namespace docket::metrics {

absl::Status CheckMetrics(const Rulebook& book, const Schema& schema, const Limits& limits);

}  // namespace docket::metrics

#endif  // DOCKET_RULEBOOK_METRIC_CHECK_H_
