#include "lang/functions.h"

namespace docket::lang {

const std::vector<FunctionInfo>& FunctionCatalog() {
  static const auto* kCatalog = new std::vector<FunctionInfo>{
      {"coalesce", "coalesce(a, b, …) -> common type of its arguments", FunctionGroup::kNull, 1, -1},
      {"nullif", "nullif(a, b) -> type of a", FunctionGroup::kNull, 2, 2},
      {"days_since", "days_since(date | timestamp) -> int", FunctionGroup::kDate, 1, 1},
      {"days_until", "days_until(date | timestamp) -> int", FunctionGroup::kDate, 1, 1},
      {"months_since", "months_since(date | timestamp) -> int", FunctionGroup::kDate, 1, 1},
      {"add_days", "add_days(date, int) -> date", FunctionGroup::kDate, 2, 2},
      {"add_months", "add_months(date, int) -> date", FunctionGroup::kDate, 2, 2},
      {"date", "date(timestamp | date | string literal) -> date", FunctionGroup::kDate, 1, 1},
      {"year", "year(date) -> int", FunctionGroup::kDate, 1, 1},
      {"quarter", "quarter(date) -> int", FunctionGroup::kDate, 1, 1},
      {"month", "month(date) -> int", FunctionGroup::kDate, 1, 1},
      {"day", "day(date) -> int", FunctionGroup::kDate, 1, 1},
      {"day_of_week", "day_of_week(date) -> int (ISO: Monday = 1 … Sunday = 7)", FunctionGroup::kDate, 1, 1},
      {"date_trunc", "date_trunc('week' | 'month' | 'quarter' | 'year', date) -> date", FunctionGroup::kDate, 2, 2},
      {"next_anniversary", "next_anniversary(date, months int) -> date", FunctionGroup::kDate, 2, 2},
      {"lower", "lower(string) -> string", FunctionGroup::kString, 1, 1},
      {"upper", "upper(string) -> string", FunctionGroup::kString, 1, 1},
      {"length", "length(string) -> int (UTF-8 code points)", FunctionGroup::kString, 1, 1},
      {"trim", "trim(string) -> string", FunctionGroup::kString, 1, 1},
      {"contains", "contains(string, string) -> bool", FunctionGroup::kString, 2, 2},
      {"starts_with", "starts_with(string, string) -> bool", FunctionGroup::kString, 2, 2},
      {"ends_with", "ends_with(string, string) -> bool", FunctionGroup::kString, 2, 2},
      {"abs", "abs(int | float) -> same type", FunctionGroup::kNumber, 1, 1},
      {"round", "round(x [, digits int]) -> type of x", FunctionGroup::kNumber, 1, 2},
      {"floor", "floor(int | float) -> same type", FunctionGroup::kNumber, 1, 1},
      {"ceil", "ceil(int | float) -> same type", FunctionGroup::kNumber, 1, 1},
      {"least", "least(a, b, …) -> common type (NULLs ignored)", FunctionGroup::kNumber, 1, -1},
      {"greatest", "greatest(a, b, …) -> common type (NULLs ignored)", FunctionGroup::kNumber, 1, -1},
      {"exists", "exists(child_table WHERE …)", FunctionGroup::kRelated, 1, 1},
      {"count", "count(child_table [WHERE …])", FunctionGroup::kRelated, 1, 1},
      {"sum", "sum(child_table.column [WHERE …])", FunctionGroup::kRelated, 1, 1},
      {"avg", "avg(child_table.column [WHERE …])", FunctionGroup::kRelated, 1, 1},
      {"min", "min(child_table.column [WHERE …])", FunctionGroup::kRelated, 1, 1},
      {"max", "max(child_table.column [WHERE …])", FunctionGroup::kRelated, 1, 1},
      {"prev", "prev(column [, INTERVAL n DAY|WEEK|MONTH|QUARTER|YEAR]) -> type of column", FunctionGroup::kHistory, 1, 2},
      {"changed", "changed(column [, INTERVAL n UNIT]) -> bool", FunctionGroup::kHistory, 1, 2},
      {"pct_change", "pct_change(number column [, INTERVAL n UNIT]) -> float", FunctionGroup::kHistory, 1, 2},
      {"is_new", "is_new([INTERVAL n UNIT]) -> bool", FunctionGroup::kHistory, 0, 1},
  };
  return *kCatalog;
}

const FunctionInfo* FindFunction(std::string_view lower_name) {
  for (const FunctionInfo& f : FunctionCatalog()) {
    if (f.name == lower_name) return &f;
  }
  return nullptr;
}

std::vector<std::string> FunctionNames() {
  std::vector<std::string> out;
  for (const FunctionInfo& f : FunctionCatalog()) out.emplace_back(f.name);
  return out;
}

}  // namespace docket::lang
