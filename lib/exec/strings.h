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

// s without the code points of `chars` at its start and/or end.  A whole
// UTF-8 sequence occurs in valid UTF-8 only as that code point, so a byte
// search of chars finds it; bytes that are not UTF-8 are single characters.
inline std::string_view StripChars(std::string_view s, std::string_view chars, bool leading,
                                   bool trailing) {
  size_t b = 0, e = s.size();
  while (leading && b < e) {
    const unsigned char c = static_cast<unsigned char>(s[b]);
    if (c < 0x80) {  // ASCII: one byte
      if (chars.find(s[b]) == std::string_view::npos) break;
      ++b;
      continue;
    }
    size_t n = c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (n > e - b) n = e - b;
    if (chars.find(s.substr(b, n)) == std::string_view::npos) break;
    b += n;
  }
  while (trailing && e > b) {
    if (static_cast<unsigned char>(s[e - 1]) < 0x80) {
      if (chars.find(s[e - 1]) == std::string_view::npos) break;
      --e;
      continue;
    }
    size_t st = e - 1;
    while (st > b && e - st < 4 && (static_cast<unsigned char>(s[st]) & 0xC0) == 0x80) --st;
    if (chars.find(s.substr(st, e - st)) == std::string_view::npos) break;
    e = st;
  }
  return s.substr(b, e - b);
}

}  // namespace docket::exec

#endif  // DOCKET_EXEC_STRINGS_H_
