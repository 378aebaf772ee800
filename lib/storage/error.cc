#include "docket/error.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/names.h"

namespace docket {

namespace {
constexpr char kPayloadUrl[] = "docket.dev/ErrorDetail";

absl::StatusCode CodeFor(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kCompile:
    case ErrorKind::kUsage:
      return absl::StatusCode::kInvalidArgument;
    case ErrorKind::kData:
      return absl::StatusCode::kFailedPrecondition;
    case ErrorKind::kLimit:
      return absl::StatusCode::kResourceExhausted;
  }
  return absl::StatusCode::kInternal;
}

// Payload encoding: fields separated by '\x1f'.
std::string Encode(const ErrorDetail& d) {
  return absl::StrCat(static_cast<int>(d.kind), "\x1f", d.location.file, "\x1f", d.location.line,
                      "\x1f", d.location.column, "\x1f", d.message, "\x1f", d.hint, "\x1f",
                      d.source_line, "\x1f", d.span);
}
}  // namespace

std::string SourceLocation::ToString() const {
  if (line <= 0) return file;
  if (file.empty()) return absl::StrCat(line, ":", column);
  return absl::StrCat(file, ":", line, ":", column);
}

absl::Status MakeError(const ErrorDetail& d) {
  std::string where = d.location.ToString();
  std::string text = where.empty() ? d.message : absl::StrCat(where, ": ", d.message);
  if (!d.hint.empty()) absl::StrAppend(&text, " — ", d.hint);
  if (!d.source_line.empty() && d.location.column > 0) {
    // The source line, then a caret under the span (columns count bytes; tabs kept).
    std::string pad;
    for (int i = 0; i < d.location.column - 1 && i < static_cast<int>(d.source_line.size()); ++i) {
      pad += d.source_line[i] == '\t' ? '\t' : ' ';
    }
    absl::StrAppend(&text, "\n  ", d.source_line, "\n  ", pad, "^",
                    std::string(std::max(0, d.span - 1), '~'));
  }
  absl::Status s(CodeFor(d.kind), text);
  s.SetPayload(kPayloadUrl, absl::Cord(Encode(d)));
  return s;
}

std::optional<ErrorDetail> GetErrorDetail(const absl::Status& status) {
  auto p = status.GetPayload(kPayloadUrl);
  if (!p) return std::nullopt;
  std::vector<std::string> f = absl::StrSplit(std::string(*p), '\x1f');
  if (f.size() != 8) return std::nullopt;
  ErrorDetail d;
  int kind = 0;
  if (!absl::SimpleAtoi(f[0], &kind)) return std::nullopt;
  d.kind = static_cast<ErrorKind>(kind);
  d.location.file = f[1];
  if (!absl::SimpleAtoi(f[2], &d.location.line) || !absl::SimpleAtoi(f[3], &d.location.column)) {
    return std::nullopt;
  }
  d.message = f[4];
  d.hint = f[5];
  d.source_line = f[6];
  if (!absl::SimpleAtoi(f[7], &d.span)) d.span = 1;
  return d;
}

namespace {
ErrorDetail Detail(ErrorKind kind, SourceLocation where, std::string message, std::string hint) {
  ErrorDetail d;
  d.kind = kind;
  d.location = std::move(where);
  d.message = std::move(message);
  d.hint = std::move(hint);
  return d;
}
}  // namespace

absl::Status CompileError(SourceLocation where, std::string message, std::string hint) {
  return MakeError(
      Detail(ErrorKind::kCompile, std::move(where), std::move(message), std::move(hint)));
}
absl::Status DataError(SourceLocation where, std::string message, std::string hint) {
  return MakeError(Detail(ErrorKind::kData, std::move(where), std::move(message), std::move(hint)));
}
absl::Status UsageError(std::string message, std::string hint) {
  return MakeError(Detail(ErrorKind::kUsage, {}, std::move(message), std::move(hint)));
}
absl::Status LimitError(SourceLocation where, std::string_view limit_name, int64_t limit,
                        const std::string& what) {
  std::string name(limit_name);
  return MakeError(Detail(ErrorKind::kLimit, std::move(where),
                          absl::StrCat(what, ": limit ", name, " = ", limit, " exceeded"),
                          absl::StrCat("raise Limits::", name, " if this input is legitimate")));
}

std::string ClosestMatch(std::string_view name, const std::vector<std::string>& candidates) {
  return base::ClosestName(name, candidates);
}

}  // namespace docket
