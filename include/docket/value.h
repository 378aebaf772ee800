// docket/value.h — one typed scalar (or NULL): parameter values, constants,
// KPI results and single cells.
//
//   docket::Value v = docket::Value::Int(90);
//   v.type();                   // DataType::Int()
//   docket::Value::Null(docket::DataType::Date()).is_null();   // true
//   docket::Value::Date(absl::CivilDay(2026, 11, 22)).ToString();  // "2026-11-22"
#ifndef DOCKET_VALUE_H_
#define DOCKET_VALUE_H_

#include <cstdint>
#include <string>
#include <variant>

#include "absl/time/civil_time.h"
#include "docket/types.h"

namespace docket {

// Days since 1970-01-01 of a civil day, and back.
int32_t DaysSinceEpoch(absl::CivilDay day);
absl::CivilDay DayFromEpochDays(int64_t days);

class Value {
 public:
  Value() = default;  // NULL bool.
  static Value Null(DataType t) {
    Value v;
    v.type_ = t;
    return v;
  }
  static Value Bool(bool b) { return Value(DataType::Bool(), b); }
  static Value Int(int64_t i) { return Value(DataType::Int(), i); }
  static Value Float(double d) { return Value(DataType::Float(), d); }
  static Value String(std::string s) { return Value(DataType::String(), std::move(s)); }
  static Value Date(absl::CivilDay d) {
    return Value(DataType::Date(), int64_t{DaysSinceEpoch(d)});
  }
  static Value DateFromDays(int32_t days) { return Value(DataType::Date(), int64_t{days}); }
  static Value Timestamp(int64_t units, TimeUnit unit) {
    return Value(DataType::Timestamp(unit), units);
  }

  DataType type() const { return type_; }
  bool is_null() const { return std::holds_alternative<std::monostate>(v_); }
  bool bool_value() const { return std::get<bool>(v_); }
  // int value, date (days since epoch) or timestamp (units since epoch).
  int64_t int_value() const { return std::get<int64_t>(v_); }
  double float_value() const { return std::get<double>(v_); }
  const std::string& string_value() const { return std::get<std::string>(v_); }
  // int and float as double (for numeric comparisons).
  double AsDouble() const {
    return type_.id == TypeId::kFloat ? float_value() : double(int_value());
  }

  // SQL-like text: NULL, TRUE, 42, 4.2, red (unquoted), 2026-11-22,
  // 2026-11-22T13:05:00Z.
  std::string ToString() const;
  // A JSON value: null, true, 42, 4.2, "red", "2026-11-22", "2026-11-22T13:05:00Z".
  std::string ToJson() const;

  friend bool operator==(const Value& a, const Value& b) {
    return a.type_ == b.type_ && a.v_ == b.v_;
  }

 private:
  template <typename T>
  Value(DataType t, T x) : type_(t), v_(std::move(x)) {}
  DataType type_ = DataType::Bool();
  std::variant<std::monostate, bool, int64_t, double, std::string> v_;
};

}  // namespace docket

#endif  // DOCKET_VALUE_H_
