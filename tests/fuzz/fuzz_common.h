// tests/fuzz/fuzz_common.h — the fixed schema and data the fuzz targets
// compile and evaluate against: one table with a column of every type, a
// child table, NULLs in every column, and params of every type.
#ifndef DOCKET_TESTS_FUZZ_FUZZ_COMMON_H_
#define DOCKET_TESTS_FUZZ_FUZZ_COMMON_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "docket/builder.h"
#include "docket/options.h"
#include "docket/schema.h"
#include "docket/table.h"
#include "docket/value.h"

namespace docket::fuzz {

inline TableSchema AllTypesTable() {
  TableSchema t;
  t.name = "t";
  t.key = "id";
  t.owner = "o";
  t.columns = {{"id", DataType::String(), {}},    {"o", DataType::String(), {}},
               {"b", DataType::Bool(), {}},       {"i", DataType::Int(), {}},
               {"j", DataType::Int(), {}},        {"f", DataType::Float(), {}},
               {"s", DataType::String(), {}},     {"d", DataType::Date(), {}},
               {"ts", DataType::Timestamp(), {}}, {"Renewal Date", DataType::Date(), {}}};
  return t;
}

inline TableSchema ChildTable() {
  TableSchema t;
  t.name = "c";
  t.key = "cid";
  t.parent = ParentRelation{"t", "tid", "parent", {}};
  t.columns = {{"cid", DataType::String(), {}},
               {"tid", DataType::String(), {}},
               {"amount", DataType::Float(), {}},
               {"flag", DataType::Bool(), {}}};
  return t;
}

inline Schema AllTypesSchema() {
  Schema s;
  s.tables = {AllTypesTable(), ChildTable()};
  return s;
}

// Rows with extreme and NULL values in every column.
inline Snapshot AllTypesSnapshot() {
  Snapshot snap;
  snap.schema = AllTypesSchema();
  {
    const TableSchema ts = AllTypesTable();
    const int kRows = 7;
    std::vector<Column> cols;
    for (const ColumnSchema& c : ts.columns) {
      ColumnBuilder b(c.type);
      for (int r = 0; r < kRows; ++r) {
        if (c.name != "id" && r == 3) {
          b.AppendNull();
          continue;
        }
        switch (c.type.id) {
          case TypeId::kBool:
            b.AppendBool(r % 2 == 0);
            break;
          case TypeId::kInt: {
            static constexpr int64_t kInts[] = {0, 1, -1, 0, INT64_MAX, INT64_MIN, 42};
            b.AppendInt(c.name == "j" ? kInts[(r + 2) % kRows] : kInts[r]);
            break;
          }
          case TypeId::kFloat: {
            static constexpr double kFloats[] = {0.0, 1.5, -2.25, 0.0, 1e300, -1e-300, 100000.0};
            b.AppendFloat(kFloats[r]);
            break;
          }
          case TypeId::kString: {
            static const char* kStrings[] = {"",     "alice", "Bob", "x", "caf\xc3\xa9",
                                             "%_\\", "a'b\"c"};
            b.AppendString(c.name == "id" ? "k" + std::to_string(r) : kStrings[r]);
            break;
          }
          case TypeId::kDate: {
            static constexpr int32_t kDays[] = {0, 20779, -719162, 0, 2932896, 20820, 11016};
            b.AppendDate(kDays[r]);
            break;
          }
          case TypeId::kTimestamp: {
            static constexpr int64_t kTs[] = {
                0, 1795352700000000, -62135596800000000, 0, 253402300799000000, 1, -1};
            b.AppendTimestamp(kTs[r]);
            break;
          }
        }
      }
      cols.push_back(std::move(b).Finish());
    }
    auto table = Table::Make(ts, std::move(cols));
    if (table.ok()) (void)snap.AddTable(*std::move(table));
  }
  {
    const TableSchema cs = ChildTable();
    ColumnBuilder cid(DataType::String()), tid(DataType::String()), amount(DataType::Float()),
        flag(DataType::Bool());
    for (int r = 0; r < 5; ++r) {
      cid.AppendString("c" + std::to_string(r));
      tid.AppendString("k" + std::to_string(r % 3 == 2 ? 99 : r));  // One orphan.
      if (r == 1) {
        amount.AppendNull();
      } else {
        amount.AppendFloat(r * 10.5);
      }
      flag.AppendBool(r % 2 == 1);
    }
    std::vector<Column> cols;
    cols.push_back(std::move(cid).Finish());
    cols.push_back(std::move(tid).Finish());
    cols.push_back(std::move(amount).Finish());
    cols.push_back(std::move(flag).Finish());
    auto table = Table::Make(cs, std::move(cols));
    if (table.ok()) (void)snap.AddTable(*std::move(table));
  }
  return snap;
}

inline CompileOptions FuzzCompileOptions() {
  CompileOptions o;
  o.params["n"] = Value::Int(90);
  o.params["x"] = Value::Float(0.5);
  o.params["name"] = Value::String("alice");
  o.params["when"] = Value::Date(absl::CivilDay(2026, 11, 22));
  o.params["flag"] = Value::Bool(true);
  // Small limits so that inputs the fuzzer can write reach them.
  o.limits.max_expression_depth = 64;
  o.limits.max_expression_nodes = 2000;
  o.limits.max_in_list = 50;
  o.limits.max_string_bytes = 256;
  o.limits.regex_max_program_size = 2000;
  return o;
}

}  // namespace docket::fuzz

#endif  // DOCKET_TESTS_FUZZ_FUZZ_COMMON_H_
