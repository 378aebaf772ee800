// This platform's Abseil has its own absl::string_view (not std::string_view),
// so std::string_view arguments to absl::StrCat and friends go through Sv().
#ifndef DOCKET_RULEBOOK_ABSL_COMPAT_H_
#define DOCKET_RULEBOOK_ABSL_COMPAT_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace docket::rulebook {

inline absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace docket::rulebook

#endif  // DOCKET_RULEBOOK_ABSL_COMPAT_H_
