// io/data_columns.h — the one rule for the columns of data given for a
// declared table, whatever carries them: a CSV header (the CSV reader) or a
// DataFrame's columns (the Python package calls the same function).
//
//   - every declared column must be in the data, in any order; a missing one
//     is an error naming the column and its table (with did-you-mean over
//     the data's own columns: a misspelled header is found here);
//   - a column the schema does not declare is accepted and ignored: not read
//     into the table, named in a warning (`UndeclaredColumnsWarning`) and in
//     TableSchema::undeclared_columns, so that a rule naming it gets a
//     compile error saying it is in the data but not declared.
//
// docs/data.md, "CLI and Python: the data rules".
#ifndef DOCKET_IO_DATA_COLUMNS_H_
#define DOCKET_IO_DATA_COLUMNS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "docket/schema.h"

namespace docket::io {

struct DeclaredColumns {
  std::vector<int> source;              // Per declared column: its index among the data's columns.
  std::vector<std::string> undeclared;  // The data's columns the schema does not declare, in order.
  std::string warning;                  // UndeclaredColumnsWarning, "" when none.
};

// Matches `data_columns` (a CSV header, a frame's columns) to `declared`.
// `where` labels the data in messages: the file ("accounts.csv") or "" for a
// frame; `location` is where a missing column is reported (the header line of
// a file; empty for a frame).  A missing declared column is a data error
// (FailedPrecondition).
absl::StatusOr<DeclaredColumns> MatchDeclaredColumns(const TableSchema& declared,
                                                     const std::vector<std::string>& data_columns,
                                                     std::string_view where,
                                                     const SourceLocation& location);

// "accounts.csv: columns 'a', 'b' of table 'accounts' are not declared …"
// ("" when `undeclared` is empty): what is ignored and how to use it.
std::string UndeclaredColumnsWarning(std::string_view where, const TableSchema& declared,
                                     const std::vector<std::string>& undeclared);

}  // namespace docket::io

#endif  // DOCKET_IO_DATA_COLUMNS_H_
