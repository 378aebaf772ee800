#include <algorithm>
#include <string>
#include <utility>

#include "docket/error.h"
#include "lang/syntax.h"

namespace docket::lang {
namespace {

// Number of UTF-8 code points in s[from, to).
int CodePoints(const std::string& s, size_t from, size_t to) {
  int n = 0;
  for (size_t i = from; i < to && i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++n;
  }
  return n;
}

}  // namespace

SourceText::SourceText(ExpressionSource source) : source_(std::move(source)) {
  if (source_.origin.line <= 0) {
    source_.origin.line = 1;
    source_.origin.column = 1;
  }
  if (source_.origin.column <= 0) source_.origin.column = 1;
}

SourceLocation SourceText::Locate(int32_t offset) const {
  const std::string& s = source_.text;
  size_t off = std::min<size_t>(std::max<int32_t>(offset, 0), s.size());
  SourceLocation loc;
  loc.file = source_.origin.file;
  loc.line = source_.origin.line;
  size_t line_start = 0;
  for (size_t i = 0; i < off; ++i) {
    if (s[i] == '\n') {
      ++loc.line;
      line_start = i + 1;
    }
  }
  loc.column = CodePoints(s, line_start, off) + 1;
  if (line_start == 0) loc.column += source_.origin.column - 1;
  return loc;
}

namespace {

ErrorDetail DetailFor(const SourceText& src, Span span) {
  const std::string& s = src.text();
  ErrorDetail d;
  d.location = src.Locate(span.offset);
  size_t off = std::min<size_t>(std::max<int32_t>(span.offset, 0), s.size());
  size_t line_start = s.rfind('\n', off == 0 ? 0 : off - 1);
  line_start = (line_start == std::string::npos || (off == 0)) ? 0 : line_start + 1;
  if (off > 0 && s[off - 1] == '\n') line_start = off;
  size_t line_end = s.find('\n', off);
  if (line_end == std::string::npos) line_end = s.size();
  std::string line = s.substr(line_start, line_end - line_start);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  // The first line starts at origin.column in its file: pad it so that the
  // caret lines up under the file's column.
  if (line_start == 0) line = std::string(src.source().origin.column - 1, ' ') + line;
  d.source_line = std::move(line);
  size_t span_end = std::min<size_t>(off + std::max(span.length, 1), line_end);
  d.span = std::max(1, CodePoints(s, off, span_end));
  return d;
}

}  // namespace

absl::Status SourceText::Error(Span span, std::string message, std::string hint) const {
  ErrorDetail d = DetailFor(*this, span);
  d.kind = ErrorKind::kCompile;
  d.message = std::move(message);
  d.hint = std::move(hint);
  return MakeError(d);
}

absl::Status SourceText::Limit(Span span, std::string_view limit_name, int64_t limit,
                               std::string what) const {
  ErrorDetail d = DetailFor(*this, span);
  d.kind = ErrorKind::kLimit;
  d.message =
      std::move(what) + " (limit " + std::string(limit_name) + " = " + std::to_string(limit) + ")";
  d.hint = "raise Limits::" + std::string(limit_name) + " if this is intended";
  return MakeError(d);
}

}  // namespace docket::lang
