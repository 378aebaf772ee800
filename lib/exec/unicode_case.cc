#include "exec/unicode_case.h"

#include <utf8proc.h>

#include "exec/kernels.h"
#include "exec/strings.h"

namespace docket::exec {

size_t MapCase(std::string_view s, bool lower, char* dst) {
  if (IsAscii(s)) {
    for (size_t k = 0; k < s.size(); ++k) dst[k] = lower ? AsciiLower(s[k]) : AsciiUpper(s[k]);
    return s.size();
  }
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  auto n = static_cast<utf8proc_ssize_t>(s.size());
  utf8proc_ssize_t i = 0;
  size_t w = 0;
  while (i < n) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t len = utf8proc_iterate(p + i, n - i, &cp);
    if (len <= 0) {  // Not UTF-8: the byte as it is.
      dst[w++] = s[static_cast<size_t>(i)];
      ++i;
      continue;
    }
    utf8proc_int32_t mapped = lower ? utf8proc_tolower(cp) : utf8proc_toupper(cp);
    w += static_cast<size_t>(
        utf8proc_encode_char(mapped, reinterpret_cast<utf8proc_uint8_t*>(dst + w)));
    i += len;
  }
  return w;
}

void LowerInto(std::string_view s, std::string* out) {
  out->resize(MapCaseBound(s));
  out->resize(MapCase(s, /*lower=*/true, out->data()));
}

bool LikeMatchUnicodeCi(std::string_view s, std::string_view p) {
  if (IsAscii(s) && IsAscii(p)) return LikeMatch(s, p, /*case_insensitive=*/true);
  thread_local std::string fs, fp;
  LowerInto(s, &fs);
  LowerInto(p, &fp);
  return LikeMatch(fs, fp, /*case_insensitive=*/false);
}

}  // namespace docket::exec
