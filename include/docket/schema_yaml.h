// docket/schema_yaml.h — reading a schema (the data contract) from YAML.
//
// The format is the `tables:` section of a rulebook (SPEC section 5); a
// `--schema` file holds just that section, and a whole rulebook is accepted
// too (its other sections are ignored here):
//
//   tables:
//     accounts:
//       key: id                   # optional: the column that identifies a row
//       owner: csm                # optional: the column naming the row's owner
//       columns: {id: string, name: string, csm: string, arr: float,
//                 renewal_date: date, updated_at: timestamp[ms]}
//     contacts:
//       key: id
//       parent: {table: accounts, via: account_id, as: account}
//       columns:                  # block style works too; order is kept
//         id: string
//         account_id: string
//         is_champion: bool
//
//   absl::StatusOr<docket::Schema> s = docket::ParseSchemaYaml(text, "schema.yaml");
//   absl::StatusOr<docket::Schema> f = docket::ReadSchemaYamlFile("schema.yaml");
//
// Types are those of types.h: bool, int, float, string, date, timestamp and
// timestamp[s|ms|us|ns] (aliases: boolean, integer, int64, double, number,
// text).  Every mistake is an InvalidArgument whose message points at the
// file, line and column and suggests a fix:
//
//   schema.yaml:4:7: unknown key 'onwer' in table 'accounts' — did you mean 'owner'?
//
// The result has passed Schema::Validate() (keys, owners, parents exist and
// agree in type, no parent cycles).
#ifndef DOCKET_SCHEMA_YAML_H_
#define DOCKET_SCHEMA_YAML_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "docket/options.h"
#include "docket/schema.h"

namespace docket {

// Parses YAML text whose top level has a `tables:` mapping.  `filename`
// labels error positions.
absl::StatusOr<Schema> ParseSchemaYaml(std::string_view text, std::string_view filename,
                                       const Limits& limits = {});

// Reads and parses a file (at most limits.max_rulebook_bytes long).
absl::StatusOr<Schema> ReadSchemaYamlFile(const std::string& path, const Limits& limits = {});

}  // namespace docket

#endif  // DOCKET_SCHEMA_YAML_H_
