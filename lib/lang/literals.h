// lang/literals.h — date and timestamp literals, read with the one grammar
// of base/text_values.h (CSV fields and rule literals never disagree).
#ifndef DOCKET_LANG_LITERALS_H_
#define DOCKET_LANG_LITERALS_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace docket::lang {

// 'YYYY-MM-DD' → days since 1970-01-01; nullopt when malformed or not a real day.
std::optional<int32_t> ParseDateText(std::string_view text);

struct TimestampText {
  int64_t micros = 0;     // Civil microseconds (as if UTC) when !has_zone; else absolute.
  bool has_zone = false;  // Ended in Z or ±HH[:MM].
};
// base::ParseTimestampText's grammar, at microsecond precision.
std::optional<TimestampText> ParseTimestampText(std::string_view text);

}  // namespace docket::lang

#endif  // DOCKET_LANG_LITERALS_H_
