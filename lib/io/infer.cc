#include "io/infer.h"

#include <algorithm>

#include "base/text_values.h"

namespace docket::io {

uint8_t ClassifyText(std::string_view s, TimeUnit unit, int* fraction_digits) {
  if (s.empty()) return 0;
  char c = s[0];
  if (c == 't' || c == 'T' || c == 'f' || c == 'F') {
    bool b;
    return s.size() > 1 && base::ParseBoolText(s, &b) == base::TextParse::kOk ? kCanBool : 0;
  }
  if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.')) return 0;
  uint8_t m = 0;
  if (s.size() >= 10 && s[4] == '-') {
    int32_t days;
    if (base::ParseDateText(s, &days) == base::TextParse::kOk) return kCanDate | kCanTimestamp;
    // A timestamp in the inferred unit, or in nanoseconds when its
    // fraction needs them (the column's unit is chosen from the digits).
    int64_t units;
    int digits = 0;
    base::TextParse r = base::ParseTimestampText(s, unit, &units, &digits);
    if (r == base::TextParse::kPrecision)
      r = base::ParseTimestampText(s, TimeUnit::kNano, &units, &digits);
    if (r != base::TextParse::kOk) return 0;
    *fraction_digits = std::max(*fraction_digits, digits);
    return kCanTimestamp;
  }
  int64_t i;
  base::TextParse r = base::ParseIntText(s, &i);
  if (r == base::TextParse::kOk) {
    size_t digits_start = (c == '-' || c == '+') ? 1 : 0;
    // Leading zeros (007, 02134) mark codes, not numbers: keep them as text.
    if (s.size() - digits_start > 1 && s[digits_start] == '0') return 0;
    return kCanInt | kCanFloat;
  }
  if (r == base::TextParse::kRange) return 0;  // Too long for int64: an identifier, keep the text.
  double d;
  if (base::ParseFloatText(s, &d) == base::TextParse::kOk) m |= kCanFloat;
  return m;
}

DataType TypeOfMask(uint8_t m, TimeUnit unit, int fraction_digits) {
  if (m == 0) return DataType::String();
  if (m & kCanBool) return DataType::Bool();
  if (m & kCanInt) return DataType::Int();
  if (m & kCanFloat) return DataType::Float();
  if (m & kCanDate) return DataType::Date();
  if (m & kCanTimestamp) {
    static constexpr int kDigits[4] = {0, 3, 6, 9};
    while (static_cast<int>(unit) < 3 && kDigits[static_cast<int>(unit)] < fraction_digits) {
      unit = static_cast<TimeUnit>(static_cast<int>(unit) + 1);
    }
    return DataType::Timestamp(unit);
  }
  return DataType::String();
}

bool TextFallbackFinder::Add(std::string_view value, int64_t row) {
  if (value.empty()) return true;
  ++seen_;
  uint8_t m = ClassifyText(value, TimeUnit::kMicro, &digits_);
  if (m == 0) {
    if (culprit_row_ < 0) {
      culprit_row_ = row;
      culprit_ = std::string(value);
    }
  } else {
    uint8_t before = typed_mask_;
    typed_mask_ &= m;
    any_typed_ = true;
    // Values of types that never meet (an int and a date): the first
    // disagreeing value made the column a string.
    if (typed_mask_ == 0 && before != 0 && culprit_row_ < 0) {
      culprit_row_ = row;
      culprit_ = std::string(value);
    }
  }
  if (culprit_row_ >= 0 && any_typed_) return false;
  return any_typed_ || seen_ < 1000;
}

std::string TextFallbackFinder::would_be() const {
  if (!any_typed_ || typed_mask_ == 0) return "";
  return TypeOfMask(typed_mask_, TimeUnit::kMicro, digits_).ToString();
}

}  // namespace docket::io
