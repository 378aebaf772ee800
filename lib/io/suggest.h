// "Did you mean …?" for the readers: docket::ClosestMatch, plus the typo it
// does not count as one edit — two neighbouring letters swapped (onwer/owner).
#ifndef DOCKET_IO_SUGGEST_H_
#define DOCKET_IO_SUGGEST_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "docket/error.h"

namespace docket::io {

inline std::string SuggestName(std::string_view name, const std::vector<std::string>& candidates) {
  std::string best = ClosestMatch(name, candidates);
  if (!best.empty()) return best;
  for (const std::string& c : candidates) {
    if (c.size() != name.size()) continue;
    size_t i = 0;
    while (i < c.size() && c[i] == name[i]) ++i;
    if (i + 1 < c.size() && c[i] == name[i + 1] && c[i + 1] == name[i] &&
        c.compare(i + 2, std::string::npos, name.substr(i + 2)) == 0) {
      return c;
    }
  }
  return "";
}

// "did you mean 'x'?" or "".
inline std::string DidYouMean(std::string_view name, const std::vector<std::string>& candidates) {
  std::string best = SuggestName(name, candidates);
  return best.empty() ? "" : "did you mean '" + best + "'?";
}

}  // namespace docket::io

#endif  // DOCKET_IO_SUGGEST_H_
