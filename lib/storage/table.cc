#include "docket/table.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "docket/error.h"
#include "docket/value.h"
#include "storage/keys.h"
#include "storage/relations.h"

namespace docket {

Table::Table() : cache_(storage::NewTableCache()) {}

absl::StatusOr<Table> Table::Make(TableSchema schema, std::vector<Column> columns) {
  if (columns.size() != schema.columns.size()) {
    return absl::InvalidArgumentError(absl::StrCat("table '", schema.name, "': ", columns.size(),
                                                   " columns given for ", schema.columns.size(),
                                                   " in the schema"));
  }
  int64_t rows = columns.empty() ? 0 : columns[0].size();
  for (size_t i = 0; i < columns.size(); ++i) {
    const ColumnSchema& cs = schema.columns[i];
    if (!(columns[i].type() == cs.type)) {
      return absl::InvalidArgumentError(absl::StrCat("table '", schema.name, "': column '", cs.name,
                                                     "' is ", columns[i].type().ToString(),
                                                     ", the schema says ", cs.type.ToString()));
    }
    if (columns[i].size() != rows) {
      return absl::InvalidArgumentError(absl::StrCat("table '", schema.name, "': column '", cs.name,
                                                     "' has ", columns[i].size(),
                                                     " rows, expected ", rows));
    }
  }
  Table t;
  t.schema_ = std::move(schema);
  t.columns_ = std::move(columns);
  t.num_rows_ = rows;
  if (const Column* key = t.key_column()) {
    // The one key rule (storage/keys.h); rows by position.  The CSV reader
    // and the Python package name them by line or index label instead.
    storage::KeyRows rows;
    rows.name = [](int64_t row) { return absl::StrCat("row ", row); };
    if (absl::Status s = storage::CheckKeyColumn(*key, t.name(), t.schema_.key, rows); !s.ok())
      return s;
  }
  return t;
}

absl::StatusOr<Table> Table::WithColumns(std::vector<ColumnSchema> schemas,
                                         std::vector<Column> columns) const {
  if (schemas.size() != columns.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "table '", name(), "': ", columns.size(), " columns given for ", schemas.size(), " names"));
  }
  Table t = *this;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (t.schema_.FindColumn(schemas[i].name) >= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("table '", name(), "' already has a column '", schemas[i].name, "'"));
    }
    if (!(columns[i].type() == schemas[i].type) || columns[i].size() != num_rows_) {
      return absl::InvalidArgumentError(
          absl::StrCat("table '", name(), "': column '", schemas[i].name, "' is ",
                       columns[i].type().ToString(), " of ", columns[i].size(), " rows, expected ",
                       schemas[i].type.ToString(), " of ", num_rows_));
    }
    t.schema_.columns.push_back(std::move(schemas[i]));
    t.columns_.push_back(std::move(columns[i]));
  }
  return t;
}

const Column* Table::FindColumn(std::string_view name) const {
  int i = schema_.FindColumn(name);
  return i < 0 ? nullptr : &columns_[i];
}

const Column* Table::key_column() const {
  return schema_.key.empty() ? nullptr : FindColumn(schema_.key);
}

int64_t Table::ByteSize() const {
  int64_t n = 0;
  for (const Column& c : columns_) n += c.ByteSize();
  return n;
}

const Table* Snapshot::FindTable(std::string_view name) const {
  auto it = tables.find(name);
  return it == tables.end() ? nullptr : &it->second;
}

absl::Status Snapshot::AddTable(Table table) {
  std::string name = table.name();
  if (tables.count(name) > 0) {
    return absl::InvalidArgumentError(absl::StrCat("snapshot already has a table '", name, "'"));
  }
  if (schema.FindTable(name) == nullptr) schema.tables.push_back(table.schema());
  tables.emplace(name, std::move(table));
  return absl::OkStatus();
}

}  // namespace docket
