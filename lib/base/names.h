// base/names.h — names a user types: what counts as an identifier, and the
// one "did you mean …?" every stage uses (rules, rulebooks, schemas, flags).
//
//   base::IsIdentifier("pulse_changed_at")            // true
//   base::ClosestName("pluse", {"pulse", "arr"})      // "pulse"
//   base::DidYouMean("acounts", tables)               // "did you mean 'accounts'?"
#ifndef DOCKET_BASE_NAMES_H_
#define DOCKET_BASE_NAMES_H_

#include <string>
#include <string_view>
#include <vector>

namespace docket::base {

// The lexer's rule: a letter, '_' or any non-ASCII byte, then also digits.
// Table, column, segment, param and list names all follow it, so every name
// a rulebook declares can be written unquoted in a rule.
bool IsIdentifier(std::string_view s);

// The candidate closest to `name` by optimal-string-alignment distance (an
// adjacent transposition is one edit, a case-only difference half of one),
// or "" when none is within max(1, len/3) edits.  `name` itself never is.
std::string ClosestName(std::string_view name, const std::vector<std::string>& candidates);

// "did you mean 'x'?"; when nothing is close and `listing` is given, the
// candidates themselves when there are at most 12 ("the columns are: a, b");
// otherwise "".
std::string DidYouMean(std::string_view name, const std::vector<std::string>& candidates,
                       std::string_view listing = "");

}  // namespace docket::base

#endif  // DOCKET_BASE_NAMES_H_
