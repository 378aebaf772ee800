// docket/error.h — the structured side of docket's absl::Status errors.
//
// Every user mistake (a rule, a rulebook, a CSV field, an argument) comes back
// as an absl::Status whose message is complete and printable on one line (a
// compile error adds the source line and a caret on the lines after):
//
//   rules.yaml:14:22: unknown column 'pluse' — did you mean 'pulse'?
//     when: pluse IS NULL
//           ^~~~~
//
// Codes: InvalidArgument — a compile or usage error (the CLI exits 2);
// FailedPrecondition — a data error (bad CSV value, duplicate key; exit 1);
// ResourceExhausted — a configured limit was hit (the message names it);
// Internal — a bug in docket.
//
// The pieces are also attached as a payload so that bindings can expose them
// (Python's CompileError.line / .column):
//
//   if (std::optional<docket::ErrorDetail> d = docket::GetErrorDetail(status)) {
//     d->location.line; d->location.column; d->message; d->hint;
//   }
#ifndef DOCKET_ERROR_H_
#define DOCKET_ERROR_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "docket/schema.h"

namespace docket {

enum class ErrorKind { kCompile, kData, kUsage, kLimit };

struct ErrorDetail {
  ErrorKind kind = ErrorKind::kCompile;
  SourceLocation location;  // Where the mistake is.
  std::string message;      // What was found ("unknown column 'pluse'").
  std::string hint;         // How to fix it ("did you mean 'pulse'?"), may be empty.
  std::string source_line;  // The offending line of source, may be empty.
  int span = 1;             // Characters to underline from location.column.
};

// Formats `d` as "file:line:col: message — hint" and, when source_line is
// set, the source line and a caret line; returns a Status of the matching
// code with `d` attached.
absl::Status MakeError(const ErrorDetail& d);
std::optional<ErrorDetail> GetErrorDetail(const absl::Status& status);

// Shorthands.
absl::Status CompileError(SourceLocation where, std::string message, std::string hint = "");
absl::Status DataError(SourceLocation where, std::string message, std::string hint = "");
absl::Status UsageError(std::string message, std::string hint = "");
absl::Status LimitError(SourceLocation where, std::string_view limit_name, int64_t limit,
                        const std::string& what);

// The closest of `candidates` to `name` by edit distance, or "" when none is
// close enough to suggest ("did you mean …?").
std::string ClosestMatch(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace docket

#endif  // DOCKET_ERROR_H_
