// tests/exec/test_table.h — small tables for language and executor tests.
#ifndef DOCKET_TESTS_EXEC_TEST_TABLE_H_
#define DOCKET_TESTS_EXEC_TEST_TABLE_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/calendar.h"
#include "docket/builder.h"
#include "docket/program.h"
#include "docket/table.h"

namespace docket::testing {

inline int32_t D(int y, int m, int d) { return static_cast<int32_t>(base::DaysFromCivil(y, m, d)); }

// Builds one column from optional values.
template <typename T>
Column Col(DataType type, const std::vector<std::optional<T>>& values,
           StringEncoding enc = StringEncoding::kAuto) {
  ColumnBuilder b(type, enc);
  for (const auto& v : values) {
    if (!v) {
      b.AppendNull();
      continue;
    }
    if constexpr (std::is_same_v<T, bool>) {
      b.AppendBool(*v);
    } else if constexpr (std::is_same_v<T, double>) {
      b.AppendFloat(*v);
    } else if constexpr (std::is_same_v<T, std::string>) {
      b.AppendString(*v);
    } else {
      switch (type.id) {
        case TypeId::kDate:
          b.AppendDate(static_cast<int32_t>(*v));
          break;
        case TypeId::kTimestamp:
          b.AppendTimestamp(*v);
          break;
        default:
          b.AppendInt(*v);
          break;
      }
    }
  }
  return std::move(b).Finish();
}

struct TableBuilder {
  TableSchema schema;
  std::vector<Column> columns;
  explicit TableBuilder(std::string name) { schema.name = std::move(name); }
  TableBuilder& Add(std::string name, Column c) {
    schema.columns.push_back(ColumnSchema{std::move(name), c.type(), {}});
    columns.push_back(std::move(c));
    return *this;
  }
  Table Build() {
    auto t = Table::Make(schema, columns);
    if (!t.ok()) abort();
    return *std::move(t);
  }
};

inline Snapshot SnapshotOf(Table t) {
  Snapshot s;
  if (!s.AddTable(std::move(t)).ok()) abort();
  return s;
}

// Row indices where bit is set.
inline std::vector<int64_t> Rows(const Bitmap& b) {
  std::vector<int64_t> out;
  for (int64_t i = 0; i < b.size(); ++i) {
    if (b.Get(i)) out.push_back(i);
  }
  return out;
}

}  // namespace docket::testing

#endif  // DOCKET_TESTS_EXEC_TEST_TABLE_H_
