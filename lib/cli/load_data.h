// cli/load_data.h — how the rulebook commands (run, check, explain, diff,
// metrics, cta sync) read a data directory and compile before reading it:
// one place, so every command applies the shared data rules
// (rulebook/data_rules.h) the same way.
#ifndef DOCKET_CLI_LOAD_DATA_H_
#define DOCKET_CLI_LOAD_DATA_H_

#include <string>

#include "absl/status/statusor.h"
#include "docket/rulebook.h"
#include "docket/table.h"

namespace docket::cli {

// Reads DIR with the rulebook's declared tables (ReadDeclaredCsvDirectory:
// a missing table is empty with a warning, a misspelled file an error with
// did-you-mean, undeclared columns ignored with a warning, other files not
// read), or with inferred types when it declares none.  Warnings go to stderr
// as "docket: warning: …".
absl::StatusOr<Snapshot> LoadRulebookData(const Rulebook& book, const std::string& dir,
                                          int threads);

// Compiles the rulebook against its declared tables before any data is read
// (a rule mistake is exit 2 even when the data is bad too).  When that fails
// and `dir` is given, the CSV headers in `dir` are read (headers only) so
// that a rule naming a column the data has but the schema does not declare
// says so.  A rulebook without tables: OK (it compiles against the data).
absl::Status CompileBeforeData(const Rulebook& book, const std::string& dir);

}  // namespace docket::cli

#endif  // DOCKET_CLI_LOAD_DATA_H_
