// docket/types.h — the six value types of the docket data model.
//
// Every column and every expression has one of these types:
//
//   type       literal                          physical storage
//   bool       TRUE, FALSE                      uint8_t per value (0 or 1)
//   int        42                               int64_t
//   float      4.2, 1e3                         double
//   string     'it''s'                          UTF-8; plain (int64 offsets + bytes) or
//                                               dictionary (int32 codes + a plain dictionary)
//   date       DATE '2026-11-22'                int32_t days since 1970-01-01 (a civil day)
//   timestamp  TIMESTAMP '2026-11-22 13:05:00'  int64_t since the Unix epoch, UTC, in a TimeUnit
//
// A date is a calendar day with no time zone (absl::CivilDay); a timestamp is an
// absolute instant (absl::Time).  They meet only through a named time zone.
//
//   docket::DataType t = docket::DataType::Timestamp(docket::TimeUnit::kMilli);
//   t.ToString();                        // "timestamp[ms]"
//   docket::ParseDataType("date");       // DataType::Date()
#ifndef DOCKET_TYPES_H_
#define DOCKET_TYPES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace docket {

enum class TypeId : uint8_t { kBool, kInt, kFloat, kString, kDate, kTimestamp };

// The resolution of a timestamp column's int64 values.
enum class TimeUnit : uint8_t { kSecond, kMilli, kMicro, kNano };

// Number of units in one second (1, 1e3, 1e6, 1e9).
int64_t UnitsPerSecond(TimeUnit unit);
std::string_view TimeUnitSuffix(TimeUnit unit);  // "s", "ms", "us", "ns"

struct DataType {
  TypeId id = TypeId::kBool;
  TimeUnit unit = TimeUnit::kMicro;  // Meaningful only when id == kTimestamp.

  static constexpr DataType Bool() { return {TypeId::kBool}; }
  static constexpr DataType Int() { return {TypeId::kInt}; }
  static constexpr DataType Float() { return {TypeId::kFloat}; }
  static constexpr DataType String() { return {TypeId::kString}; }
  static constexpr DataType Date() { return {TypeId::kDate}; }
  static constexpr DataType Timestamp(TimeUnit u = TimeUnit::kMicro) {
    return {TypeId::kTimestamp, u};
  }

  bool is_numeric() const { return id == TypeId::kInt || id == TypeId::kFloat; }
  // "bool", "int", "float", "string", "date", "timestamp" or "timestamp[ms]".
  // A microsecond timestamp prints as plain "timestamp".
  std::string ToString() const;

  friend bool operator==(const DataType& a, const DataType& b) {
    return a.id == b.id && (a.id != TypeId::kTimestamp || a.unit == b.unit);
  }
};

// The name of a type id without a unit: "timestamp" for every timestamp.
std::string_view TypeName(TypeId id);

// Parses a schema type name: bool, int, float, string, date, timestamp,
// timestamp[s|ms|us|ns].  Also accepts the aliases boolean, integer, int64,
// double, number, text.  The error names the accepted spellings.
absl::StatusOr<DataType> ParseDataType(std::string_view name);

// Byte width of one value in the values buffer (bool 1, int 8, float 8,
// string 4 for dictionary codes, date 4, timestamp 8).
int ValueWidth(TypeId id);

}  // namespace docket

#endif  // DOCKET_TYPES_H_
