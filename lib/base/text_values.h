// base/text_values.h — parsing and printing the text forms of docket values,
// shared by the CSV reader, rule literals, the output formats and the command's flags. Hand-written
// parsers over string_views: no allocation, no locale, exact range checks.
#ifndef DOCKET_BASE_TEXT_VALUES_H_
#define DOCKET_BASE_TEXT_VALUES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "docket/types.h"

namespace docket::base {

enum class TextParse : uint8_t {
  kOk,
  kSyntax,     // Not in the type's syntax.
  kRange,      // Well-formed but out of the type's range (int64 overflow, 1e999, 2026-02-30).
  kPrecision,  // A timestamp with more fractional digits than the unit holds (non-zero).
};

// true/false in any letter case, or 1/0.
TextParse ParseBoolText(std::string_view s, bool* out);
// [+-]digits, within int64.
TextParse ParseIntText(std::string_view s, int64_t* out);
// Decimal or exponent notation ([+-]1.5, .5, 5., 1e-3); no nan, inf or hex.
TextParse ParseFloatText(std::string_view s, double* out);
// YYYY-MM-DD (year 0000-9999), a real calendar day.
TextParse ParseDateText(std::string_view s, int32_t* days_since_epoch);
// YYYY-MM-DD[(T|t| )HH:MM[:SS[(.|,)fraction]][Z|z|±HH[:MM]|±HHMM]], UTC when
// no offset; a bare date is midnight UTC.  `fraction_digits`, when given,
// receives the number of significant fractional digits (0-9); `has_offset`
// whether the text ended in Z or an offset (rule literals without one are
// civil times in the evaluation's zone).  The one grammar for CSV fields,
// flags and rule literals.
TextParse ParseTimestampText(std::string_view s, TimeUnit unit, int64_t* out,
                             int* fraction_digits = nullptr, bool* has_offset = nullptr);

// "2026-11-22".
void AppendDateText(std::string* out, int64_t days_since_epoch);
// "2026-11-22T13:05:00Z", with a fraction of the unit's width when non-zero
// ("2026-11-22T13:05:00.250Z" for milliseconds).
void AppendTimestampText(std::string* out, int64_t units, TimeUnit unit);
// Shortest text that reads back as the same double ("4.2", "1e+300").
void AppendFloatText(std::string* out, double v);

}  // namespace docket::base

#endif  // DOCKET_BASE_TEXT_VALUES_H_
