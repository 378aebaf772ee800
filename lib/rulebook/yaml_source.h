// The text of a YAML file and the positions of its nodes: where a rulebook
// error points, and where the expression inside a `when:` scalar starts so
// that the language layer's errors point into the YAML file.
#ifndef DOCKET_RULEBOOK_YAML_SOURCE_H_
#define DOCKET_RULEBOOK_YAML_SOURCE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "docket/error.h"
#include "docket/program.h"
#include "docket/schema.h"
#include "yaml-cpp/yaml.h"

namespace docket::rulebook {

class YamlSource {
 public:
  YamlSource(std::string_view text, std::string file);

  const std::string& file() const { return file_; }
  // 1-based line `line` without its line break ("" when out of range).
  std::string_view Line(int line) const;
  int num_lines() const { return static_cast<int>(lines_.size()); }

  // 1-based location of a yaml-cpp mark or node.  A null node that yaml-cpp
  // places on the next line (`key:` with no value) should be reported at its
  // key instead; callers pass the key then.
  SourceLocation Location(const YAML::Mark& mark) const;
  SourceLocation Location(const YAML::Node& node) const { return Location(node.Mark()); }

  // The expression held by scalar `node`, with origin at its first character
  // in the file.  Handles plain, quoted and block (`|`, `>`) scalars; for
  // multi-line plain and block scalars the text keeps the file's line breaks
  // and indentation so later lines map back to their true columns.
  ExpressionSource Expression(const YAML::Node& node) const;

  // A compile error at `where` with the source line and a caret of `span`.
  absl::Status Error(SourceLocation where, std::string message, std::string hint = "",
                     int span = 1) const;
  absl::Status Error(const YAML::Node& at, std::string message, std::string hint = "",
                     int span = 0) const;

 private:
  std::optional<std::string> QuotedLines(std::string_view first, int line, char quote,
                                         const std::string& text) const;

  std::string file_;
  std::vector<std::string_view> lines_;
};

// Whitespace runs collapsed to one space, trimmed.
std::string CollapseWhitespace(std::string_view s);

}  // namespace docket::rulebook

#endif  // DOCKET_RULEBOOK_YAML_SOURCE_H_
