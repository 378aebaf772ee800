// Schema parsing from an already-loaded yaml-cpp node, so the rulebook loader
// can reuse it for a rulebook's `tables:` section.  Not a public header:
// yaml-cpp stays out of include/docket/.
#ifndef DOCKET_IO_SCHEMA_NODE_H_
#define DOCKET_IO_SCHEMA_NODE_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "docket/schema.h"
#include "yaml-cpp/yaml.h"

namespace docket::io {

// The 1-based location of `node` in `filename` (line 0 when the node has no
// position, e.g. a missing node).
SourceLocation YamlLocation(const YAML::Node& node, std::string_view filename);

// Parses the value of a `tables:` key (a mapping of table name to table) and
// validates the result (Schema::Validate).  Errors are InvalidArgument with
// file:line:column and a hint.  Never throws.
absl::StatusOr<Schema> ParseTablesNode(const YAML::Node& tables, std::string_view filename);

}  // namespace docket::io

#endif  // DOCKET_IO_SCHEMA_NODE_H_
