#include "docket/types.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "docket/error.h"

namespace docket {

int64_t UnitsPerSecond(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kSecond:
      return 1;
    case TimeUnit::kMilli:
      return 1000;
    case TimeUnit::kMicro:
      return 1000000;
    case TimeUnit::kNano:
      return 1000000000;
  }
  return 1;
}

std::string_view TimeUnitSuffix(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kSecond:
      return "s";
    case TimeUnit::kMilli:
      return "ms";
    case TimeUnit::kMicro:
      return "us";
    case TimeUnit::kNano:
      return "ns";
  }
  return "us";
}

std::string_view TypeName(TypeId id) {
  switch (id) {
    case TypeId::kBool:
      return "bool";
    case TypeId::kInt:
      return "int";
    case TypeId::kFloat:
      return "float";
    case TypeId::kString:
      return "string";
    case TypeId::kDate:
      return "date";
    case TypeId::kTimestamp:
      return "timestamp";
  }
  return "?";
}

std::string DataType::ToString() const {
  if (id == TypeId::kTimestamp && unit != TimeUnit::kMicro) {
    return absl::StrCat("timestamp[", std::string(TimeUnitSuffix(unit)), "]");
  }
  return std::string(TypeName(id));
}

int ValueWidth(TypeId id) {
  switch (id) {
    case TypeId::kBool:
      return 1;
    case TypeId::kInt:
      return 8;
    case TypeId::kFloat:
      return 8;
    case TypeId::kString:
      return 4;
    case TypeId::kDate:
      return 4;
    case TypeId::kTimestamp:
      return 8;
  }
  return 1;
}

absl::StatusOr<DataType> ParseDataType(std::string_view name) {
  std::string n = absl::AsciiStrToLower(
      absl::StripAsciiWhitespace(absl::string_view(name.data(), name.size())));
  if (n == "bool" || n == "boolean") return DataType::Bool();
  if (n == "int" || n == "integer" || n == "int64" || n == "bigint") return DataType::Int();
  if (n == "float" || n == "double" || n == "number" || n == "float64" || n == "real")
    return DataType::Float();
  if (n == "string" || n == "text" || n == "str" || n == "varchar") return DataType::String();
  if (n == "date") return DataType::Date();
  if (n == "timestamp" || n == "timestamp[us]" || n == "datetime")
    return DataType::Timestamp(TimeUnit::kMicro);
  if (n == "timestamp[s]") return DataType::Timestamp(TimeUnit::kSecond);
  if (n == "timestamp[ms]") return DataType::Timestamp(TimeUnit::kMilli);
  if (n == "timestamp[ns]") return DataType::Timestamp(TimeUnit::kNano);
  static const std::vector<std::string> kNames = {"bool",   "int",  "float",
                                                  "string", "date", "timestamp"};
  std::string close = ClosestMatch(n, kNames);
  return absl::InvalidArgumentError(
      absl::StrCat("unknown type '", std::string(name), "'",
                   close.empty() ? "" : absl::StrCat(" — did you mean '", close, "'?"),
                   " (types: bool, int, float, string, date, timestamp, timestamp[s|ms|us|ns])"));
}

}  // namespace docket
