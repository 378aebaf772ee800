// storage/keys.h — the one key rule of a keyed table, shared by every way
// data comes in (Table::Make, the CSV reader, the Python package): every row
// has a key — not NULL, not the empty string — and no two rows the same.
//
// The rule finds the first offending row; the message names it the way the
// caller can (`KeyRows`): a CSV file by file:line ("line 3"), a DataFrame by
// position and index label ("row 2 (index 'acme-17')"), a C++ table by
// position ("row 2").  The shapes are the same:
//
//   accounts.csv:9:1: duplicate key 'A-1' in column id of table accounts (first on line 3) — …
//   duplicate key 'A-1' in column id of table accounts at row 7 (index 7) (first on row 1 (index
//   1)) — …
#ifndef DOCKET_STORAGE_KEYS_H_
#define DOCKET_STORAGE_KEYS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "docket/column.h"
#include "docket/schema.h"

namespace docket::storage {

struct KeyProblem {
  enum Kind { kNull, kEmpty, kDuplicate };
  Kind kind = kNull;
  int64_t row = 0;        // 0-based row of the problem.
  int64_t first_row = 0;  // kDuplicate: the row that holds the key first.
};

// The first row (in row order) whose key is NULL, empty or a repeat.
std::optional<KeyProblem> FindKeyProblem(const Column& key);

// How a message names the rows of the data.
struct KeyRows {
  // Where row `row` is (a file's line), or nullptr: the message then says
  // "at <name(row)>".
  std::function<SourceLocation(int64_t row)> location;
  // "line 3", "row 2 (index 'acme-17')", "row 2".
  std::function<std::string(int64_t row)> name;
};

// The data error (FailedPrecondition) for `problem` in column `column` of
// table `table`.
absl::Status KeyError(const KeyProblem& problem, const Column& key, std::string_view table,
                      std::string_view column, const KeyRows& rows);

// FindKeyProblem, then KeyError: OK when every key is there and distinct.
absl::Status CheckKeyColumn(const Column& key, std::string_view table, std::string_view column,
                            const KeyRows& rows);

}  // namespace docket::storage

#endif  // DOCKET_STORAGE_KEYS_H_
