// Schema YAML: the `tables:` section of SPEC section 5.
#include "docket/schema_yaml.h"

#include <cstdio>
#include <exception>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/names.h"
#include "docket/error.h"
#include "io/schema_node.h"
#include "yaml-cpp/yaml.h"

namespace docket {
namespace io {
namespace {

const std::vector<std::string>& TableKeys() {
  static const auto* keys =
      new std::vector<std::string>{"key", "owner", "parent", "columns", "description"};
  return *keys;
}

const std::vector<std::string>& ParentKeys() {
  static const auto* keys = new std::vector<std::string>{"table", "via", "as"};
  return *keys;
}

// Top-level keys of a rulebook: accepted (and ignored) so that a rulebook can
// serve as its own schema file.
const std::vector<std::string>& TopLevelKeys() {
  static const auto* keys =
      new std::vector<std::string>{"tables", "docket",   "name",  "description", "time_zone",
                                   "params", "segments", "lists", "kpis",        "metrics"};
  return *keys;
}

const std::vector<std::string>& TypeSpellings() {
  static const auto* names = new std::vector<std::string>{
      "bool",         "int",           "float",         "string",        "date",    "timestamp",
      "timestamp[s]", "timestamp[ms]", "timestamp[us]", "timestamp[ns]", "boolean", "integer",
      "int64",        "double",        "number",        "text"};
  return *names;
}

const char* KindName(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "a single value";
    case YAML::NodeType::Null:
      return "empty";
    default:
      return "undefined";
  }
}

// A table or column name that can also name a file (`DIR/<table>.csv`) and
// appear unquoted in rules.

class TablesParser {
 public:
  explicit TablesParser(std::string_view filename) : filename_(filename) {}

  absl::StatusOr<Schema> Parse(const YAML::Node& tables) {
    if (!tables.IsDefined() || tables.IsNull()) {
      return Error(tables, "'tables:' is empty", "declare at least one table with its columns");
    }
    if (!tables.IsMap()) {
      return Error(
          tables,
          absl::StrCat("'tables:' must be a mapping of table names, found ", KindName(tables)),
          "write e.g. 'tables: {accounts: {key: id, columns: {id: string}}}'");
    }
    Schema schema;
    std::set<std::string, std::less<>> seen;
    for (const auto& entry : tables) {
      const YAML::Node& name_node = entry.first;
      if (!name_node.IsScalar()) return Error(name_node, "a table name must be a plain name");
      std::string name = name_node.Scalar();
      if (!base::IsIdentifier(name)) {
        return Error(name_node, absl::StrCat("bad table name '", name, "'"),
                     "use letters, digits and '_', starting with a letter or '_'");
      }
      if (!seen.insert(name).second) {
        return Error(name_node, absl::StrCat("table '", name, "' is declared twice"));
      }
      absl::StatusOr<TableSchema> table = ParseTable(name, name_node, entry.second);
      if (!table.ok()) return table.status();
      schema.tables.push_back(*std::move(table));
    }
    if (absl::Status s = schema.Validate(); !s.ok()) return s;
    return schema;
  }

 private:
  absl::Status Error(const YAML::Node& at, std::string message, std::string hint = "") {
    return CompileError(YamlLocation(at, filename_), std::move(message), std::move(hint));
  }

  absl::StatusOr<std::string> ScalarValue(const YAML::Node& key, const YAML::Node& value,
                                          const std::string& what) {
    if (!value.IsScalar() || value.Scalar().empty()) {
      const YAML::Node& at = value.IsNull() || value.Mark().is_null() ? key : value;
      return Error(at,
                   absl::StrCat(what, " must be a column or table name, found ", KindName(value)));
    }
    return value.Scalar();
  }

  absl::StatusOr<TableSchema> ParseTable(const std::string& name, const YAML::Node& name_node,
                                         const YAML::Node& body) {
    TableSchema table;
    table.name = name;
    table.location = YamlLocation(name_node, filename_);
    if (!body.IsMap()) {
      return Error(body.IsNull() || body.Mark().is_null() ? name_node : body,
                   absl::StrCat("table '", name, "' must be a mapping, found ", KindName(body)),
                   "write e.g. 'accounts: {key: id, columns: {id: string}}'");
    }
    YAML::Node key_node, owner_node, parent_node, columns_node, columns_key;
    bool has_columns = false;
    std::set<std::string, std::less<>> seen;
    for (const auto& entry : body) {
      const YAML::Node& k = entry.first;
      std::string key = k.IsScalar() ? k.Scalar() : "";
      if (!seen.insert(key).second) {
        return Error(k, absl::StrCat("key '", key, "' appears twice in table '", name, "'"));
      }
      if (key == "key") {
        key_node = entry.second;
        auto v = ScalarValue(k, entry.second, "'key'");
        if (!v.ok()) return v.status();
        table.key = *v;
      } else if (key == "owner") {
        owner_node = entry.second;
        auto v = ScalarValue(k, entry.second, "'owner'");
        if (!v.ok()) return v.status();
        table.owner = *v;
      } else if (key == "parent") {
        parent_node = entry.second;
        auto p = ParseParent(name, k, entry.second);
        if (!p.ok()) return p.status();
        table.parent = *std::move(p);
      } else if (key == "columns") {
        columns_node = entry.second;
        columns_key = k;
        has_columns = true;
      } else if (key == "description") {
        // Free text for readers of the file.
      } else {
        std::string hint = base::DidYouMean(key, TableKeys());
        if (hint.empty()) hint = absl::StrCat("a table has ", absl::StrJoin(TableKeys(), ", "));
        return Error(k, absl::StrCat("unknown key '", key, "' in table '", name, "'"), hint);
      }
    }
    if (!has_columns) {
      return Error(name_node, absl::StrCat("table '", name, "' has no 'columns:'"),
                   "list its columns and types, e.g. 'columns: {id: string, arr: float}'");
    }
    if (absl::Status s = ParseColumns(name, columns_key, columns_node, &table); !s.ok()) return s;

    // Column references, checked here for the precise position and hint;
    // Schema::Validate() repeats the cross-table checks.
    std::vector<std::string> names;
    for (const ColumnSchema& c : table.columns) names.push_back(c.name);
    auto check_column = [&](const std::string& col, const YAML::Node& at,
                            const std::string& role) -> absl::Status {
      if (col.empty() || table.FindColumn(col) >= 0) return absl::OkStatus();
      return Error(at, absl::StrCat(role, " '", col, "' is not a column of table '", name, "'"),
                   base::DidYouMean(col, names));
    };
    if (auto s = check_column(table.key, key_node, "key"); !s.ok()) return s;
    if (auto s = check_column(table.owner, owner_node, "owner"); !s.ok()) return s;
    if (table.parent) {
      if (auto s = check_column(table.parent->via, parent_node["via"], "parent 'via'"); !s.ok()) {
        return s;
      }
    }
    return table;
  }

  absl::Status ParseColumns(const std::string& table_name, const YAML::Node& key,
                            const YAML::Node& columns, TableSchema* table) {
    if (!columns.IsMap() || columns.size() == 0) {
      return Error(columns.IsNull() || columns.Mark().is_null() ? key : columns,
                   absl::StrCat("'columns:' of table '", table_name,
                                "' must be a mapping of column names to types, found ",
                                columns.IsMap() ? "an empty mapping" : KindName(columns)),
                   "write e.g. 'columns: {id: string, arr: float, renewal_date: date}'");
    }
    for (const auto& entry : columns) {
      const YAML::Node& name_node = entry.first;
      const YAML::Node& type_node = entry.second;
      if (!name_node.IsScalar() || name_node.Scalar().empty()) {
        return Error(name_node, "a column name must be a non-empty plain name");
      }
      const std::string& name = name_node.Scalar();
      if (table->FindColumn(name) >= 0) {
        return Error(name_node, absl::StrCat("column '", name, "' is declared twice in table '",
                                             table_name, "'"));
      }
      if (!type_node.IsScalar()) {
        return Error(type_node.IsNull() || type_node.Mark().is_null() ? name_node : type_node,
                     absl::StrCat("column '", name, "' needs a type, found ", KindName(type_node)),
                     "types: bool, int, float, string, date, timestamp");
      }
      // In a flow mapping `[` is YAML syntax, so timestamp(ms) is accepted
      // for timestamp[ms].
      std::string spelled = type_node.Scalar();
      if (spelled.size() > 11 && spelled.compare(0, 10, "timestamp(") == 0 &&
          spelled.back() == ')') {
        spelled = "timestamp[" + spelled.substr(10, spelled.size() - 11) + "]";
      }
      absl::StatusOr<DataType> type = ParseDataType(spelled);
      if (!type.ok()) {
        std::string hint = base::DidYouMean(type_node.Scalar(), TypeSpellings());
        if (hint.empty()) {
          hint = "types: bool, int, float, string, date, timestamp, timestamp[s|ms|us|ns]";
        }
        return Error(
            type_node,
            absl::StrCat("unknown type '", type_node.Scalar(), "' for column '", name, "'"), hint);
      }
      table->columns.push_back(ColumnSchema{name, *type, YamlLocation(name_node, filename_)});
    }
    return absl::OkStatus();
  }

  absl::StatusOr<ParentRelation> ParseParent(const std::string& table_name, const YAML::Node& key,
                                             const YAML::Node& body) {
    if (!body.IsMap()) {
      return Error(body.IsNull() || body.Mark().is_null() ? key : body,
                   absl::StrCat("'parent:' of table '", table_name, "' must be a mapping, found ",
                                KindName(body)),
                   "write e.g. 'parent: {table: accounts, via: account_id, as: account}'");
    }
    ParentRelation parent;
    parent.location = YamlLocation(key, filename_);
    std::set<std::string, std::less<>> seen;
    for (const auto& entry : body) {
      const YAML::Node& k = entry.first;
      std::string name = k.IsScalar() ? k.Scalar() : "";
      if (!seen.insert(name).second) {
        return Error(k, absl::StrCat("key '", name, "' appears twice in 'parent:'"));
      }
      std::string* field = name == "table" ? &parent.table
                           : name == "via" ? &parent.via
                           : name == "as"  ? &parent.as
                                           : nullptr;
      if (field == nullptr) {
        std::string hint = base::DidYouMean(name, ParentKeys());
        if (hint.empty()) hint = "'parent:' has table, via and as";
        return Error(
            k, absl::StrCat("unknown key '", name, "' in 'parent:' of table '", table_name, "'"),
            hint);
      }
      auto v = ScalarValue(k, entry.second, absl::StrCat("'parent: ", name, "'"));
      if (!v.ok()) return v.status();
      *field = *v;
    }
    if (parent.table.empty() || parent.via.empty()) {
      return Error(key,
                   absl::StrCat("'parent:' of table '", table_name, "' needs 'table' and 'via'"),
                   "write e.g. 'parent: {table: accounts, via: account_id, as: account}'");
    }
    if (parent.as.empty()) parent.as = parent.table;
    return parent;
  }

  std::string filename_;
};

}  // namespace

SourceLocation YamlLocation(const YAML::Node& node, std::string_view filename) {
  SourceLocation loc;
  loc.file = std::string(filename);
  if (!node.IsDefined()) return loc;
  YAML::Mark m = node.Mark();
  if (m.is_null()) return loc;
  loc.line = m.line + 1;
  loc.column = m.column + 1;
  return loc;
}

absl::StatusOr<Schema> ParseTablesNode(const YAML::Node& tables, std::string_view filename) {
  try {
    return TablesParser(filename).Parse(tables);
  } catch (const YAML::Exception& e) {
    SourceLocation loc{std::string(filename), e.mark.is_null() ? 0 : e.mark.line + 1,
                       e.mark.is_null() ? 0 : e.mark.column + 1};
    return CompileError(loc, e.msg);
  } catch (const std::exception& e) {
    return absl::InternalError(
        absl::StrCat(std::string(filename), ": reading the schema: ", e.what()));
  }
}

}  // namespace io

absl::StatusOr<Schema> ParseSchemaYaml(std::string_view text, std::string_view filename,
                                       const Limits& limits) {
  if (static_cast<int64_t>(text.size()) > limits.max_rulebook_bytes) {
    return LimitError(SourceLocation{std::string(filename), 0, 0}, "max_rulebook_bytes",
                      limits.max_rulebook_bytes,
                      absl::StrCat("the schema file is ", text.size(), " bytes"));
  }
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    SourceLocation loc{std::string(filename), e.mark.is_null() ? 0 : e.mark.line + 1,
                       e.mark.is_null() ? 0 : e.mark.column + 1};
    return CompileError(loc, absl::StrCat("YAML syntax error: ", e.msg));
  } catch (const std::exception& e) {
    return CompileError(SourceLocation{std::string(filename), 0, 0},
                        absl::StrCat("YAML syntax error: ", e.what()));
  }
  try {
    if (!root.IsMap()) {
      SourceLocation loc = io::YamlLocation(root, filename);
      if (loc.line == 0) loc.line = loc.column = 1;
      return CompileError(loc, "a schema file must be a mapping with a 'tables:' key",
                          "start the file with 'tables:'");
    }
    YAML::Node tables;
    bool has_tables = false;
    for (const auto& entry : root) {
      std::string key = entry.first.IsScalar() ? entry.first.Scalar() : "";
      if (key == "tables") {
        tables = entry.second;
        has_tables = true;
        if (tables.IsNull() || tables.Mark().is_null()) {
          return CompileError(io::YamlLocation(entry.first, filename), "'tables:' is empty",
                              "declare at least one table with its columns");
        }
        continue;
      }
      bool known = false;
      for (const std::string& k : io::TopLevelKeys()) known = known || k == key;
      if (!known) {
        std::string hint = base::DidYouMean(key, io::TopLevelKeys());
        if (hint.empty()) hint = "a schema file has a 'tables:' section";
        return CompileError(io::YamlLocation(entry.first, filename),
                            absl::StrCat("unknown key '", key, "'"), hint);
      }
    }
    if (!has_tables) {
      return CompileError(SourceLocation{std::string(filename), 1, 1}, "no 'tables:' section",
                          "declare the tables under a 'tables:' key");
    }
    return io::ParseTablesNode(tables, filename);
  } catch (const YAML::Exception& e) {
    SourceLocation loc{std::string(filename), e.mark.is_null() ? 0 : e.mark.line + 1,
                       e.mark.is_null() ? 0 : e.mark.column + 1};
    return CompileError(loc, e.msg);
  }
}

absl::StatusOr<Schema> ReadSchemaYamlFile(const std::string& path, const Limits& limits) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot open the schema file"));
  }
  std::string text;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    text.append(buf, n);
    if (static_cast<int64_t>(text.size()) > limits.max_rulebook_bytes) break;
  }
  bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return absl::DataLossError(absl::StrCat(path, ": error reading the schema file"));
  return ParseSchemaYaml(text, path, limits);
}

}  // namespace docket
