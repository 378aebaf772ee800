// The `metrics:`, `goals:`, `alerts:`, `week_start:` and `fiscal_year_start:`
// sections of a rulebook (docket/metrics.h), read by the loader.
#ifndef DOCKET_RULEBOOK_METRIC_SPEC_H_
#define DOCKET_RULEBOOK_METRIC_SPEC_H_

#include "absl/status/status.h"
#include "docket/rulebook.h"
#include "rulebook/yaml_source.h"
#include "yaml-cpp/yaml.h"

namespace docket::rulebook {

// Reads those sections of `root` (a mapping whose keys were checked) into
// book->metrics (left null when there are none).  Every mistake is an
// InvalidArgument at its file:line:column; unknown metric ids in ratios,
// derived metrics, goals and alerts get a did-you-mean hint.
absl::Status LoadMetricsSections(const YamlSource& src, const YAML::Node& root, Rulebook* book);

}  // namespace docket::rulebook

#endif  // DOCKET_RULEBOOK_METRIC_SPEC_H_
