// The `ctas:` and `on_owner_change:` sections of a rulebook (the types are in
// docket/cta_spec.h): read from YAML by the loader, and their column names
// checked against the schema when the rulebook is compiled.
#ifndef DOCKET_RULEBOOK_CTA_SPEC_H_
#define DOCKET_RULEBOOK_CTA_SPEC_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "docket/rulebook.h"
#include "rulebook/yaml_source.h"
#include "yaml-cpp/yaml.h"

namespace docket::rulebook {

// Reads `ctas:` (after `lists:`, whose ids it checks) into book->ctas.
absl::Status LoadCtas(const YamlSource& src, const YAML::Node& key, const YAML::Node& node,
                      Rulebook* book);
// Reads `on_owner_change: move_none | move_open | move_all`.
absl::Status LoadOnOwnerChange(const YamlSource& src, const YAML::Node& key, const YAML::Node& node,
                               Rulebook* book);

// Checks every column a CTA names (name template, identity, owner column)
// against its list's table, and that owner-following CTAs have an owner
// column.  `book` has its lists' default `show` filled in.
absl::Status CheckCtaNames(const Rulebook& book, const Schema& schema);

// "N days" / "N day" / "N" → N; InvalidArgument (no position) otherwise.
absl::StatusOr<int64_t> ParseDays(std::string_view text);

}  // namespace docket::rulebook

#endif  // DOCKET_RULEBOOK_CTA_SPEC_H_
