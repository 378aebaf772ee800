// lang/suggest.h — "did you mean …?" for names typed in rules.
#ifndef DOCKET_LANG_SUGGEST_H_
#define DOCKET_LANG_SUGGEST_H_

#include <string>
#include <string_view>
#include <vector>

namespace docket::lang {

// The candidate closest to `name` by optimal-string-alignment distance (a
// transposition counts as one edit, case differences as half), or "" when
// none is within max(1, len/3) edits.
std::string Suggest(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace docket::lang

#endif  // DOCKET_LANG_SUGGEST_H_
