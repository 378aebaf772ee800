#include "base/text_values.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <system_error>

#include "base/calendar.h"

namespace docket::base {
namespace {

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `n` digits at s[pos..pos+n).
inline bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

// Parses YYYY-MM-DD at the start of s (exactly 10 bytes).
TextParse ParseDatePrefix(std::string_view s, int64_t* days) {
  int y, m, d;
  if (s.size() < 10 || s[4] != '-' || s[7] != '-' || !Digits(s, 0, 4, &y) || !Digits(s, 5, 2, &m) ||
      !Digits(s, 8, 2, &d)) {
    return TextParse::kSyntax;
  }
  if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) {
    return TextParse::kRange;
  }
  *days = DaysFromCivil(y, static_cast<int32_t>(m), static_cast<int32_t>(d));
  return TextParse::kOk;
}

constexpr int64_t kNanosPerUnit[4] = {1000000000, 1000000, 1000, 1};

inline int64_t UnitsPerSecondFast(TimeUnit unit) {
  static constexpr int64_t kPerSecond[4] = {1, 1000, 1000000, 1000000000};
  return kPerSecond[static_cast<int>(unit)];
}

}  // namespace

TextParse ParseBoolText(std::string_view s, bool* out) {
  if (s.size() == 1) {
    if (s[0] == '1' || s[0] == '0') {
      *out = s[0] == '1';
      return TextParse::kOk;
    }
    return TextParse::kSyntax;
  }
  auto lower_eq = [&](const char* word) {
    for (size_t i = 0; i < s.size(); ++i) {
      if ((s[i] | 0x20) != word[i]) return false;
    }
    return true;
  };
  if (s.size() == 4 && lower_eq("true")) {
    *out = true;
    return TextParse::kOk;
  }
  if (s.size() == 5 && lower_eq("false")) {
    *out = false;
    return TextParse::kOk;
  }
  return TextParse::kSyntax;
}

TextParse ParseIntText(std::string_view s, int64_t* out) {
  size_t i = 0;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    i = 1;
  }
  if (i == s.size()) return TextParse::kSyntax;
  // Accumulate as a negative number: its range includes INT64_MIN.
  int64_t v = 0;
  bool overflow = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (!IsDigit(c)) return TextParse::kSyntax;
    if (!overflow &&
        (__builtin_mul_overflow(v, 10, &v) || __builtin_sub_overflow(v, c - '0', &v))) {
      overflow = true;
    }
  }
  if (overflow) return TextParse::kRange;
  if (!negative) {
    if (v == INT64_MIN) return TextParse::kRange;
    v = -v;
  }
  *out = v;
  return TextParse::kOk;
}

TextParse ParseFloatText(std::string_view s, double* out) {
  const char* p = s.data();
  const char* end = p + s.size();
  if (p < end && *p == '+') ++p;
  const char* body = p;
  if (body < end && *body == '-') ++body;
  // from_chars also takes nan and inf; docket's CSV does not.
  if (body == end || !(IsDigit(*body) || *body == '.')) return TextParse::kSyntax;
  double v;
  auto [ptr, ec] = std::from_chars(p, end, v, std::chars_format::general);
  if (ec == std::errc::result_out_of_range) return TextParse::kRange;
  if (ec != std::errc() || ptr != end) return TextParse::kSyntax;
  *out = v;
  return TextParse::kOk;
}

TextParse ParseDateText(std::string_view s, int32_t* days_since_epoch) {
  if (s.size() != 10) return TextParse::kSyntax;
  int64_t days;
  TextParse r = ParseDatePrefix(s, &days);
  if (r != TextParse::kOk) return r;
  *days_since_epoch = static_cast<int32_t>(days);
  return TextParse::kOk;
}

TextParse ParseTimestampText(std::string_view s, TimeUnit unit, int64_t* out, int* fraction_digits,
                             bool* has_offset) {
  if (has_offset != nullptr) *has_offset = false;
  int64_t days;
  TextParse r = ParseDatePrefix(s, &days);
  if (r != TextParse::kOk) return r;
  int h = 0, mi = 0, sec = 0;
  int64_t nanos = 0;
  int digits = 0;
  int64_t offset_seconds = 0;
  size_t i = 10;
  if (i < s.size()) {
    char sep = s[i];
    if (sep != 'T' && sep != 't' && sep != ' ') return TextParse::kSyntax;
    if (!Digits(s, i + 1, 2, &h) || i + 3 >= s.size() || s[i + 3] != ':' ||
        !Digits(s, i + 4, 2, &mi)) {
      return TextParse::kSyntax;
    }
    i += 6;
    if (i < s.size() && s[i] == ':') {
      if (!Digits(s, i + 1, 2, &sec)) return TextParse::kSyntax;
      i += 3;
      if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
        ++i;
        size_t start = i;
        int64_t scale = 100000000;
        while (i < s.size() && IsDigit(s[i])) {
          if (i - start >= 9) return TextParse::kSyntax;  // Finer than nanoseconds.
          nanos += (s[i] - '0') * scale;
          scale /= 10;
          ++i;
        }
        if (i == start) return TextParse::kSyntax;
        for (size_t k = start; k < i; ++k) {
          if (s[k] != '0') digits = static_cast<int>(k - start + 1);
        }
      }
    }
    if (i < s.size()) {
      char z = s[i];
      if ((z == 'Z' || z == 'z' || z == '+' || z == '-') && has_offset != nullptr)
        *has_offset = true;
      if (z == 'Z' || z == 'z') {
        ++i;
      } else if (z == '+' || z == '-') {
        int oh = 0, om = 0;
        if (!Digits(s, i + 1, 2, &oh)) return TextParse::kSyntax;
        i += 3;
        if (i < s.size() && s[i] == ':') {
          if (!Digits(s, i + 1, 2, &om)) return TextParse::kSyntax;
          i += 3;
        } else if (i < s.size()) {
          if (!Digits(s, i, 2, &om)) return TextParse::kSyntax;
          i += 2;
        }
        if (oh > 23 || om > 59) return TextParse::kRange;
        offset_seconds = (z == '-' ? -1 : 1) * (oh * 3600 + om * 60);
      } else {
        return TextParse::kSyntax;
      }
    }
    if (i != s.size()) return TextParse::kSyntax;
    if (h > 23 || mi > 59 || sec > 59) return TextParse::kRange;
  }
  if (fraction_digits != nullptr) *fraction_digits = digits;
  int64_t seconds = days * 86400 + h * 3600 + mi * 60 + sec - offset_seconds;
  int64_t per_unit = kNanosPerUnit[static_cast<int>(unit)];
  if (nanos % per_unit != 0) return TextParse::kPrecision;
  int64_t units;
  if (__builtin_mul_overflow(seconds, UnitsPerSecondFast(unit), &units) ||
      __builtin_add_overflow(units, nanos / per_unit, &units)) {
    return TextParse::kRange;
  }
  *out = units;
  return TextParse::kOk;
}

namespace {

void AppendPadded(std::string* out, int64_t v, int width) {
  char buf[24];
  bool negative = v < 0;
  uint64_t u = negative ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (negative) out->push_back('-');
  for (int i = n; i < width; ++i) out->push_back('0');
  while (n > 0) out->push_back(buf[--n]);
}

}  // namespace

void AppendDateText(std::string* out, int64_t days) {
  const Ymd c = CivilFromDays(days);
  const int64_t y = c.year;
  const unsigned m = static_cast<unsigned>(c.month), d = static_cast<unsigned>(c.day);
  AppendPadded(out, y, 4);
  out->push_back('-');
  AppendPadded(out, m, 2);
  out->push_back('-');
  AppendPadded(out, d, 2);
}

void AppendTimestampText(std::string* out, int64_t units, TimeUnit unit) {
  int64_t per_second = UnitsPerSecondFast(unit);
  int64_t seconds = FloorDiv(units, per_second);
  int64_t fraction = units - seconds * per_second;
  int64_t days = FloorDiv(seconds, 86400);
  int64_t in_day = seconds - days * 86400;
  AppendDateText(out, days);
  out->push_back('T');
  AppendPadded(out, in_day / 3600, 2);
  out->push_back(':');
  AppendPadded(out, in_day / 60 % 60, 2);
  out->push_back(':');
  AppendPadded(out, in_day % 60, 2);
  if (fraction != 0) {
    static constexpr int kWidth[4] = {0, 3, 6, 9};
    out->push_back('.');
    AppendPadded(out, fraction, kWidth[static_cast<int>(unit)]);
  }
  out->push_back('Z');
}

void AppendFloatText(std::string* out, double v) {
  if (std::isnan(v)) {
    out->append("nan");
    return;
  }
  if (std::isinf(v)) {
    out->append(v < 0 ? "-inf" : "inf");
    return;
  }
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, ec == std::errc() ? ptr - buf : 0);
}

}  // namespace docket::base
