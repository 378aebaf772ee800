// rulebook/data_rules.h — the rules every front end (CLI, Python, C++)
// applies to the names a user passes with the data: which tables were given,
// which owner was asked for.  One function per rule, so the CLI and the
// Python package cannot drift (docs/data.md, "One set of data rules").
#ifndef DOCKET_RULEBOOK_DATA_RULES_H_
#define DOCKET_RULEBOOK_DATA_RULES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "docket/csv.h"
#include "docket/schema.h"
#include "docket/table.h"
#include "docket/value.h"

namespace docket {

// What the given table names say against the declared ones.
struct TableNameCheck {
  absl::Status error;                 // A given table that is not declared (with did-you-mean).
  std::vector<std::string> missing;   // Declared tables not given (empty, with a warning).
  std::vector<std::string> warnings;  // One sentence naming the missing tables (none when none).
};

// `given` against the `declared` tables (a schema's, in order).  An undeclared
// name close to a declared table that was not given is an error
// (InvalidArgument, "did you mean"): the misspelled table would otherwise be
// ignored and the declared one silently empty.  Other undeclared names are
// extra tables, ignored (as the CLI ignores other files in a directory).  A declared table not
// given is legal (its lists match nothing) but suspicious: a warning.
TableNameCheck CheckTableNames(const std::vector<std::string>& declared,
                               const std::vector<std::string>& given);

// A declared table with no rows (its declared columns, empty).
absl::StatusOr<Table> EmptyTable(const TableSchema& schema);

// Reads `dir`'s `<table>.csv` files as the declared tables of `schema`, with
// CheckTableNames on the file names: a file named like a declared table that
// has no file is an error (did-you-mean); a declared table without a file is
// empty, with a warning appended to `warnings` — the rule Python's
// Rulebook.run applies to a dict of frames (docs/data.md, "One set of data
// rules").  Other files are ignored and not read.  A column a file has but
// the schema does not declare is ignored, with a warning naming the file and
// the columns (io/data_columns.h, the rule Python applies to a frame).
// `only` non-empty: only those declared tables are read and checked (the
// others are empty, their files not even opened), so that a bad file the job
// does not need cannot stop it (`docket eval --schema … --table T`).
absl::StatusOr<Snapshot> ReadDeclaredCsvDirectory(const std::string& dir, const Schema& schema,
                                                  const CsvOptions& options,
                                                  std::vector<std::string>* warnings,
                                                  const std::vector<std::string>& only = {});

// `table` and every table related to it through parent relations, directly
// or not (its parents, children, their parents and children, …): the tables
// a rule over `table` can read.
std::vector<std::string> RelatedTables(const Schema& schema, const std::string& table);

// Whether `owner` owns any row of a table with an owner column in `snapshot`.
// A warning sentence when it owns none ("" otherwise); an error
// (InvalidArgument) when no table in `tables` has an owner column at all (the
// owner would be ignored and everyone counted).  `tables` empty: every table.
absl::Status CheckOwner(const Snapshot& snapshot, const std::vector<std::string>& tables,
                        const std::string& owner, std::string* warning);

// The text of a --param without a declared type (docket eval): text in
// single or double quotes is a string (quotes removed); true/false a bool; an
// integer without a leading zero an int (02134 is a code: a string); a float;
// a YYYY-MM-DD date; anything else a string.
Value ParamFromText(std::string_view text);

// `text` without one pair of surrounding single or double quotes (a
// string param written as in a rule: --param "zip='10001'").
std::string_view Unquoted(std::string_view text);

}  // namespace docket

#endif  // DOCKET_RULEBOOK_DATA_RULES_H_
