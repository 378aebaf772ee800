// exec/strings.h — byte-wise string helpers on std::string_view (this
// platform's absl::string_view is a distinct type).
#ifndef DOCKET_EXEC_STRINGS_H_
#define DOCKET_EXEC_STRINGS_H_

#include <string_view>

namespace docket::exec {

inline char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
inline char AsciiUpper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }
inline bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

inline bool StartsWith(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}
inline bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}
inline bool Contains(std::string_view s, std::string_view p) {
  return s.find(p) != std::string_view::npos;
}

inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}
inline bool StartsWithIgnoreCase(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && EqualsIgnoreCase(s.substr(0, p.size()), p);
}
inline bool EndsWithIgnoreCase(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && EqualsIgnoreCase(s.substr(s.size() - p.size()), p);
}
inline std::string_view StripAsciiWhitespace(std::string_view s, bool leading = true,
                                              bool trailing = true) {
  size_t b = 0, e = s.size();
  while (leading && b < e && IsAsciiSpace(s[b])) ++b;
  while (trailing && e > b && IsAsciiSpace(s[e - 1])) --e;
  return s.substr(b, e - b);
}

}  // namespace docket::exec

#endif  // DOCKET_EXEC_STRINGS_H_
