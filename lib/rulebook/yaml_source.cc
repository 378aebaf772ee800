#include "rulebook/yaml_source.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "rulebook/absl_compat.h"

namespace docket::rulebook {

YamlSource::YamlSource(std::string_view text, std::string file) : file_(std::move(file)) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) {
      if (start < text.size()) lines_.push_back(text.substr(start));
      break;
    }
    std::string_view line = text.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines_.push_back(line);
    start = nl + 1;
  }
}

std::string_view YamlSource::Line(int line) const {
  if (line < 1 || line > static_cast<int>(lines_.size())) return {};
  return lines_[line - 1];
}

SourceLocation YamlSource::Location(const YAML::Mark& mark) const {
  SourceLocation loc;
  loc.file = file_;
  if (mark.line < 0) return loc;  // No position (a missing node).
  loc.line = mark.line + 1;
  loc.column = mark.column + 1;
  return loc;
}

absl::Status YamlSource::Error(SourceLocation where, std::string message, std::string hint,
                               int span) const {
  ErrorDetail d;
  d.kind = ErrorKind::kCompile;
  d.location = std::move(where);
  d.message = std::move(message);
  d.hint = std::move(hint);
  std::string_view line = Line(d.location.line);
  // Only a printable line is shown (a line of megabytes is not).
  if (!line.empty() && line.size() <= 400) d.source_line = std::string(line);
  d.span = std::max(1, span);
  return MakeError(d);
}

absl::Status YamlSource::Error(const YAML::Node& at, std::string message, std::string hint,
                               int span) const {
  if (span <= 0) {
    span = 1;
    if (at.IsScalar()) {
      std::string_view line = Line(at.Mark().line + 1);
      size_t col = static_cast<size_t>(std::max(0, at.Mark().column));
      size_t len = at.Scalar().size();
      if (col < line.size() && line.substr(col, len) == at.Scalar()) span = static_cast<int>(len);
    }
  }
  return Error(Location(at), std::move(message), std::move(hint), span);
}

std::string CollapseWhitespace(std::string_view s) {
  std::string out;
  bool pending_space = false;
  for (char c : s) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

namespace {

int LeadingSpaces(std::string_view line) {
  int n = 0;
  while (n < static_cast<int>(line.size()) && line[n] == ' ') ++n;
  return n;
}

bool IsBlank(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t'; });
}

// Skips node properties (`&anchor`, `!tag`) and spaces at `col` of `line`.
size_t SkipProperties(std::string_view line, size_t col) {
  while (col < line.size()) {
    if (line[col] == ' ') {
      ++col;
    } else if (line[col] == '&' || line[col] == '!') {
      while (col < line.size() && line[col] != ' ') ++col;
    } else {
      break;
    }
  }
  return col;
}

// YAML's folding of a quoted scalar's lines: trailing and leading spaces
// around a line break removed, one break a space, n breaks n-1 newlines.
std::string FoldQuoted(std::string_view raw) {
  std::string out;
  size_t start = 0;
  int breaks = 0;
  bool first = true;
  while (start <= raw.size()) {
    size_t nl = raw.find('\n', start);
    std::string_view piece =
        raw.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    std::string_view body = piece;
    if (!first) {
      while (!body.empty() && (body.front() == ' ' || body.front() == '\t')) body.remove_prefix(1);
    }
    if (nl != std::string_view::npos) {
      while (!body.empty() && (body.back() == ' ' || body.back() == '\t')) body.remove_suffix(1);
    }
    if (!first && body.empty() && nl != std::string_view::npos) {
      ++breaks;  // An empty line.
    } else {
      if (!first) out.append(breaks == 0 ? std::string(" ") : std::string(breaks, '\n'));
      out.append(body);
      breaks = 0;
      first = false;
    }
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return out;
}

}  // namespace

// The lines of the quoted scalar that starts after its quote `quote` in
// `first` (on line `line`), as they are in the file, when folding them gives
// exactly `text`, no escape is involved and no line break falls inside a
// string literal of the expression (where it would change the value);
// otherwise nullopt.
std::optional<std::string> YamlSource::QuotedLines(std::string_view first, int line, char quote,
                                                   const std::string& text) const {
  if (first.find(quote) != std::string_view::npos) return std::nullopt;  // One line (or escapes).
  std::string raw(first);
  for (int l = line + 1; l <= num_lines() && raw.size() <= text.size() * 4 + 4096; ++l) {
    std::string_view s = Line(l);
    size_t close = s.find(quote);
    raw.push_back('\n');
    if (close == std::string_view::npos) {
      raw.append(s);
      continue;
    }
    if (close + 1 < s.size() && s[close + 1] == quote) return std::nullopt;  // '' escape.
    raw.append(s.substr(0, close));
    if (quote == '"' && raw.find('\\') != std::string::npos) return std::nullopt;
    if (FoldQuoted(raw) != text) return std::nullopt;
    // No line break inside a string literal ('…') or quoted name ("…").
    char in = 0;
    for (char ch : raw) {
      if (in == 0 && (ch == '\'' || ch == '"')) {
        in = ch;
      } else if (in != 0 && ch == in) {
        in = 0;
      } else if (in != 0 && ch == '\n') {
        return std::nullopt;
      }
    }
    return raw;
  }
  return std::nullopt;
}

ExpressionSource YamlSource::Expression(const YAML::Node& node) const {
  ExpressionSource out;
  out.text = node.Scalar();
  SourceLocation at = Location(node);
  out.origin = at;
  if (at.line == 0) return out;
  std::string_view line = Line(at.line);
  size_t col = SkipProperties(line, static_cast<size_t>(at.column - 1));
  if (col >= line.size()) return out;
  char c = line[col];

  if (c == '|' || c == '>') {
    // Block scalar: the content starts on the first non-blank line after the
    // indicator, at that line's indentation.
    int first = at.line + 1;
    while (first <= num_lines() && IsBlank(Line(first))) ++first;
    if (first > num_lines()) return out;
    int indent = LeadingSpaces(Line(first));
    out.origin.line = first;
    out.origin.column = indent + 1;
    // Keep the file's lines (and, after the first, their indentation) so that
    // later lines map to their true columns; whitespace is insignificant in
    // the expression language outside string literals.
    std::string raw(Line(first).substr(static_cast<size_t>(indent)));
    int last_content = first;
    for (int l = first + 1; l <= num_lines(); ++l) {
      std::string_view s = Line(l);
      if (!IsBlank(s) && LeadingSpaces(s) < indent) break;
      if (!IsBlank(s)) last_content = l;
    }
    for (int l = first + 1; l <= last_content; ++l) {
      raw.push_back('\n');
      raw.append(Line(l));
    }
    if (CollapseWhitespace(raw) == CollapseWhitespace(out.text)) out.text = std::move(raw);
    return out;
  }

  if (c == '"' || c == '\'') {
    out.origin.column = static_cast<int>(col) + 2;  // After the quote.
    // A quoted scalar folded over several lines: use the file's own lines so
    // that a position on a later line maps to its true line and column.
    std::optional<std::string> raw = QuotedLines(line.substr(col + 1), at.line, c, out.text);
    if (raw.has_value()) out.text = *std::move(raw);
    return out;
  }

  out.origin.column = static_cast<int>(col) + 1;
  std::string_view rest = line.substr(col);
  if (absl::StartsWith(Sv(rest), out.text)) return out;  // One line.
  // A plain scalar folded over several lines: find its extent in the file.
  const std::string want = CollapseWhitespace(out.text);
  std::string raw(rest);
  for (int l = at.line + 1; l <= num_lines() && raw.size() <= out.text.size() * 4 + 4096; ++l) {
    raw.push_back('\n');
    raw.append(Line(l));
    std::string got = CollapseWhitespace(raw);
    if (got == want) {
      out.text = std::move(raw);
      return out;
    }
    if (got.size() > want.size() + 1 && !absl::StartsWith(got, want)) break;
  }
  return out;
}

}  // namespace docket::rulebook
