// exec/unicode_case.h — Unicode case mapping for upper, lower, ILIKE (with
// Debian's libutf8proc, as DuckDB uses): simple (one code point to one code
// point) mappings from the Unicode database, so `_` still matches one
// character after folding.  ASCII text takes the byte-wise fast path; bytes
// that are not valid UTF-8 are copied unchanged.
#ifndef DOCKET_EXEC_UNICODE_CASE_H_
#define DOCKET_EXEC_UNICODE_CASE_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace docket::exec {

inline bool IsAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// An upper bound of the bytes MapCase writes for `s`.
inline size_t MapCaseBound(std::string_view s) { return IsAscii(s) ? s.size() : 2 * s.size() + 4; }

// Writes `s` lower- (or upper-) cased to `dst` (room for MapCaseBound(s)
// bytes); returns the bytes written.
size_t MapCase(std::string_view s, bool lower, char* dst);

// `s` lower-cased into `*out` (reused: no allocation once it is large enough).
void LowerInto(std::string_view s, std::string* out);

// LIKE ignoring case with Unicode case mapping (ILIKE).
bool LikeMatchUnicodeCi(std::string_view s, std::string_view p);

}  // namespace docket::exec

#endif  // DOCKET_EXEC_UNICODE_CASE_H_
