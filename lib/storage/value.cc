#include "docket/value.h"

#include <charconv>
#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"

namespace docket {

namespace {
const absl::CivilDay kEpoch(1970, 1, 1);

std::string FormatTimestamp(int64_t units, TimeUnit unit) {
  int64_t per = UnitsPerSecond(unit);
  int64_t secs = units / per;
  int64_t frac = units % per;
  if (frac < 0) {
    frac += per;
    --secs;
  }
  absl::Time t = absl::FromUnixSeconds(secs);
  std::string s = absl::FormatTime("%Y-%m-%dT%H:%M:%S", t, absl::UTCTimeZone());
  if (frac != 0) {
    int digits = unit == TimeUnit::kMilli ? 3 : unit == TimeUnit::kMicro ? 6 : 9;
    s += absl::StrFormat(".%0*d", digits, frac);
  }
  return s + "Z";
}

// Shortest text that reads back as the same double; integral values keep a
// ".0" so they read as floats.
std::string FormatFloat(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  std::string s(buf, end);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}
}  // namespace

int32_t DaysSinceEpoch(absl::CivilDay day) { return static_cast<int32_t>(day - kEpoch); }
absl::CivilDay DayFromEpochDays(int64_t days) { return kEpoch + days; }

std::string Value::ToString() const {
  if (is_null()) return "NULL";
  switch (type_.id) {
    case TypeId::kBool:
      return bool_value() ? "TRUE" : "FALSE";
    case TypeId::kInt:
      return absl::StrCat(int_value());
    case TypeId::kFloat:
      return FormatFloat(float_value());
    case TypeId::kString:
      return string_value();
    case TypeId::kDate:
      return absl::FormatCivilTime(DayFromEpochDays(int_value()));
    case TypeId::kTimestamp:
      return FormatTimestamp(int_value(), type_.unit);
  }
  return "?";
}

std::string Value::ToJson() const {
  if (is_null()) return "null";
  switch (type_.id) {
    case TypeId::kBool:
      return bool_value() ? "true" : "false";
    case TypeId::kInt:
      return absl::StrCat(int_value());
    case TypeId::kFloat: {
      double d = float_value();
      if (!std::isfinite(d)) return "null";
      return FormatFloat(d);
    }
    default:
      break;
  }
  std::string s = ToString();
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

}  // namespace docket
