#include "lang/literals.h"

#include "base/text_values.h"

namespace docket::lang {

std::optional<int32_t> ParseDateText(std::string_view text) {
  int32_t days = 0;
  if (base::ParseDateText(text, &days) != base::TextParse::kOk) return std::nullopt;
  return days;
}

std::optional<TimestampText> ParseTimestampText(std::string_view text) {
  TimestampText out;
  if (base::ParseTimestampText(text, TimeUnit::kMicro, &out.micros, nullptr, &out.has_zone) !=
      base::TextParse::kOk) {
    return std::nullopt;
  }
  return out;
}

}  // namespace docket::lang
