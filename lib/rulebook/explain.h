// `docket explain`: why one row is (or is not) in a list — the value of each
// top-level term of the list's `when:` for that row, and its shown columns.
#ifndef DOCKET_RULEBOOK_EXPLAIN_H_
#define DOCKET_RULEBOOK_EXPLAIN_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "docket/rulebook.h"

namespace docket::rulebook {

// A piece of an expression's text and where it starts.
struct ExpressionTerm {
  std::string text;
  SourceLocation location;
};

// Splits `source` at its top-level OR, or failing that at its top-level AND
// (an AND inside BETWEEN … AND …, parentheses, CASE … END or quotes does not
// count).  Outer parentheses around the whole expression are looked through.
// *connective is "OR", "AND" or "" (one term: the whole expression).
std::vector<ExpressionTerm> SplitTopLevel(const ExpressionSource& source, std::string* connective);

struct TermValue {
  ExpressionTerm term;
  std::optional<bool> value;  // nullopt: NULL.
  int depth = 0;              // 1: a term of the segment named by the term above.
  std::string connective;     // For a segment's terms: how they are joined.
};

struct Explanation {
  std::string list_id;
  std::string list_title;
  std::string table;
  std::string key;
  int64_t row = -1;
  bool in_list = false;
  std::string connective;
  std::vector<TermValue> terms;
  std::vector<std::pair<std::string, Value>> shown;  // The list's shown columns.
  // With an owner: the owner, and whether the row is in their scope.  The
  // terms are the row's own truth either way (a row outside the scope is not
  // in the owner's list whatever its terms say).
  std::optional<std::string> owner;
  bool in_scope = true;
};

// Explains row `key` of list `list_id`.  The row is looked up by the list
// table's key column (a usage error naming the key when it is absent).
absl::StatusOr<Explanation> Explain(const CompiledRulebook& rulebook, const Snapshot& snapshot,
                                    std::string_view list_id, std::string_view key,
                                    const RunOptions& options);

std::string RenderExplanation(const Explanation& e, bool color);

}  // namespace docket::rulebook

#endif  // DOCKET_RULEBOOK_EXPLAIN_H_
