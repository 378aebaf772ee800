#include "lang/literals.h"

#include "exec/calendar.h"

namespace docket::lang {
namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int64_t* out) {
  if (pos + n > s.size()) return false;
  int64_t v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

std::optional<int64_t> DatePart(std::string_view s) {
  int64_t y, m, d;
  if (s.size() < 10 || !Digits(s, 0, 4, &y) || s[4] != '-' || !Digits(s, 5, 2, &m) || s[7] != '-' ||
      !Digits(s, 8, 2, &d)) {
    return std::nullopt;
  }
  if (m < 1 || m > 12 || d < 1 || d > exec::DaysInMonth(y, static_cast<int32_t>(m))) return std::nullopt;
  return exec::DaysFromCivil(y, static_cast<int32_t>(m), static_cast<int32_t>(d));
}

}  // namespace

std::optional<int32_t> ParseDateText(std::string_view text) {
  if (text.size() != 10) return std::nullopt;
  std::optional<int64_t> d = DatePart(text);
  if (!d) return std::nullopt;
  return static_cast<int32_t>(*d);
}

std::optional<TimestampText> ParseTimestampText(std::string_view s) {
  std::optional<int64_t> day = DatePart(s);
  if (!day) return std::nullopt;
  TimestampText out;
  int64_t secs = 0, frac = 0;
  size_t p = 10;
  if (p < s.size() && (s[p] == ' ' || s[p] == 'T' || s[p] == 't')) {
    int64_t hh, mm, ss = 0;
    if (!Digits(s, p + 1, 2, &hh) || p + 3 >= s.size() || s[p + 3] != ':' || !Digits(s, p + 4, 2, &mm)) {
      return std::nullopt;
    }
    p += 6;
    if (p < s.size() && s[p] == ':') {
      if (!Digits(s, p + 1, 2, &ss)) return std::nullopt;
      p += 3;
      if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
        ++p;
        int digits = 0;
        while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
          if (digits < 6) frac = frac * 10 + (s[p] - '0');
          ++digits;
          ++p;
        }
        if (digits == 0) return std::nullopt;
        for (int k = digits; k < 6; ++k) frac *= 10;
      }
    }
    if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
    secs = hh * 3600 + mm * 60 + ss;
  }
  int64_t offset = 0;
  if (p < s.size() && (s[p] == 'Z' || s[p] == 'z')) {
    out.has_zone = true;
    ++p;
  } else if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
    int sign = s[p] == '-' ? -1 : 1;
    int64_t oh, om = 0;
    if (!Digits(s, p + 1, 2, &oh)) return std::nullopt;
    p += 3;
    if (p < s.size() && s[p] == ':') ++p;
    if (p < s.size()) {
      if (!Digits(s, p, 2, &om)) return std::nullopt;
      p += 2;
    }
    if (oh > 23 || om > 59) return std::nullopt;
    offset = sign * (oh * 3600 + om * 60);
    out.has_zone = true;
  }
  if (p != s.size()) return std::nullopt;
  out.micros = (*day * 86400 + secs - offset) * 1000000 + frac;
  return out;
}

}  // namespace docket::lang
