#include "docket/table.h"

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "docket/error.h"
#include "docket/value.h"
#include "storage/relations.h"

namespace docket {

namespace {
// Renders row i of a key column for messages.
std::string KeyText(const Column& c, int64_t i) {
  switch (c.type_id()) {
    case TypeId::kString:
      return absl::StrCat("'", std::string(c.StringAt(i)), "'");
    case TypeId::kInt:
      return absl::StrCat(c.Values<int64_t>()[i]);
    case TypeId::kDate:
      return Value::DateFromDays(c.Values<int32_t>()[i]).ToString();
    case TypeId::kTimestamp:
      return Value::Timestamp(c.Values<int64_t>()[i], c.type().unit).ToString();
    case TypeId::kFloat:
      return Value::Float(c.Values<double>()[i]).ToString();
    case TypeId::kBool:
      return c.Values<uint8_t>()[i] ? "TRUE" : "FALSE";
  }
  return "?";
}

template <typename T>
absl::Status CheckUniqueFixed(const Column& c, const std::string& table, const std::string& key) {
  absl::flat_hash_set<T> seen;
  seen.reserve(c.size());
  const T* v = c.Values<T>();
  for (int64_t i = 0; i < c.size(); ++i) {
    if (!seen.insert(v[i]).second) {
      return DataError({},
                       absl::StrCat("table '", table, "': duplicate key ", KeyText(c, i),
                                    " in column '", key, "' (row ", i + 1, ")"),
                       "every row of a table with a key must have a distinct key");
    }
  }
  return absl::OkStatus();
}
}  // namespace

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
    if (key->null_count() > 0) {
      int64_t i = 0;
      while (key->IsValid(i)) ++i;
      return DataError({},
                       absl::StrCat("table '", t.name(), "': key column '", t.schema_.key,
                                    "' is NULL at row ", i + 1),
                       "every row of a table with a key needs a key");
    }
    absl::Status s;
    switch (key->type_id()) {
      case TypeId::kString: {
        absl::flat_hash_set<std::string_view> seen;
        seen.reserve(key->size());
        for (int64_t i = 0; i < key->size(); ++i) {
          if (!seen.insert(key->StringAt(i)).second) {
            s = DataError({},
                          absl::StrCat("table '", t.name(), "': duplicate key ", KeyText(*key, i),
                                       " in column '", t.schema_.key, "' (row ", i + 1, ")"),
                          "every row of a table with a key must have a distinct key");
            break;
          }
        }
        break;
      }
      case TypeId::kInt:
      case TypeId::kTimestamp:
        s = CheckUniqueFixed<int64_t>(*key, t.name(), t.schema_.key);
        break;
      case TypeId::kDate:
        s = CheckUniqueFixed<int32_t>(*key, t.name(), t.schema_.key);
        break;
      case TypeId::kFloat:
        s = CheckUniqueFixed<double>(*key, t.name(), t.schema_.key);
        break;
      case TypeId::kBool:
        s = CheckUniqueFixed<uint8_t>(*key, t.name(), t.schema_.key);
        break;
    }
    if (!s.ok()) return s;
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
