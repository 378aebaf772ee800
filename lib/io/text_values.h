// Parsing and printing the text forms of docket values, shared by the CSV
// reader, the output formats and the command's flags.  Hand-written parsers
// over string_views: no allocation, no locale, exact range checks.
#ifndef DOCKET_IO_TEXT_VALUES_H_
#define DOCKET_IO_TEXT_VALUES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "docket/types.h"

namespace docket::io {

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
// receives the number of significant fractional digits (0-9).
TextParse ParseTimestampText(std::string_view s, TimeUnit unit, int64_t* out,
                             int* fraction_digits = nullptr);

// Days since 1970-01-01 of a proleptic Gregorian day, and back.
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);
void CivilFromDays(int64_t days, int64_t* year, unsigned* month, unsigned* day);

// "2026-11-22".
void AppendDateText(std::string* out, int64_t days_since_epoch);
// "2026-11-22T13:05:00Z", with a fraction of the unit's width when non-zero
// ("2026-11-22T13:05:00.250Z" for milliseconds).
void AppendTimestampText(std::string* out, int64_t units, TimeUnit unit);
// Shortest text that reads back as the same double ("4.2", "1e+300").
void AppendFloatText(std::string* out, double v);

}  // namespace docket::io

#endif  // DOCKET_IO_TEXT_VALUES_H_
