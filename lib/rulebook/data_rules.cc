#include "rulebook/data_rules.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/names.h"
#include "base/text_values.h"
#include "docket/builder.h"
#include "docket/column.h"
#include "docket/error.h"
#include "io/data_columns.h"

namespace docket {

TableNameCheck CheckTableNames(const std::vector<std::string>& declared,
                               const std::vector<std::string>& given) {
  TableNameCheck out;
  std::vector<std::string> not_given;
  for (const std::string& name : declared) {
    if (std::find(given.begin(), given.end(), name) == given.end()) not_given.push_back(name);
  }
  for (const std::string& name : given) {
    if (std::find(declared.begin(), declared.end(), name) != declared.end()) continue;
    // An undeclared table is allowed (as the CLI ignores other files in a
    // directory) unless it is the misspelling of a declared table not given.
    std::string close = base::ClosestName(name, not_given);
    if (close.empty()) continue;
    out.error = absl::InvalidArgumentError(
        absl::StrCat("table '", name, "' is not declared — did you mean '", close,
                     "'? (declared tables: ", absl::StrJoin(declared, ", "), ")"));
    return out;
  }
  for (const std::string& name : declared) {
    if (std::find(given.begin(), given.end(), name) == given.end()) out.missing.push_back(name);
  }
  if (!out.missing.empty()) {
    out.warnings.push_back(absl::StrCat(
        out.missing.size() == 1 ? "declared table '" : "declared tables '",
        absl::StrJoin(out.missing, "', '"), out.missing.size() == 1 ? "' was" : "' were",
        " given no data and are treated as empty: their lists match nothing and exists(…) over "
        "them is FALSE"));
  }
  return out;
}

absl::StatusOr<Table> EmptyTable(const TableSchema& schema) {
  std::vector<Column> columns;
  columns.reserve(schema.columns.size());
  for (const ColumnSchema& c : schema.columns) columns.push_back(ColumnBuilder(c.type).Finish());
  return Table::Make(schema, std::move(columns));
}

absl::StatusOr<Snapshot> ReadDeclaredCsvDirectory(const std::string& dir, const Schema& schema,
                                                  const CsvOptions& options,
                                                  std::vector<std::string>* warnings,
                                                  const std::vector<std::string>& only) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    return absl::NotFoundError(absl::StrCat(dir, ": not a directory"));
  std::vector<std::string> given;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    std::string name = entry.path().filename().string();
    if (name.size() > 4 && name.ends_with(".csv")) given.push_back(name.substr(0, name.size() - 4));
  }
  if (ec)
    return absl::NotFoundError(
        absl::StrCat(dir, ": cannot list the directory (", ec.message(), ")"));
  std::sort(given.begin(), given.end());
  auto wanted = [&](const std::string& name) {
    return only.empty() || std::find(only.begin(), only.end(), name) != only.end();
  };
  std::vector<std::string> declared;
  for (const TableSchema& t : schema.tables) {
    if (wanted(t.name)) declared.push_back(t.name);
  }
  // Files of declared tables the job does not need are neither read nor checked.
  given.erase(std::remove_if(given.begin(), given.end(),
                             [&](const std::string& g) {
                               return schema.FindTable(g) != nullptr && !wanted(g);
                             }),
              given.end());
  TableNameCheck check = CheckTableNames(declared, given);
  if (!check.error.ok()) {
    std::string file = dir;
    for (const std::string& g : given) {
      if (absl::StrContains(check.error.message(), absl::StrCat("table '", g, "'"))) {
        file = (std::filesystem::path(dir) / (g + ".csv")).string();
      }
    }
    return DataError(SourceLocation{file, 0, 0}, std::string(check.error.message()));
  }
  Snapshot snapshot;
  snapshot.schema = schema;
  std::vector<std::string> column_warnings;
  for (const TableSchema& t : schema.tables) {
    bool missing =
        std::find(check.missing.begin(), check.missing.end(), t.name) != check.missing.end();
    const std::string path = (std::filesystem::path(dir) / (t.name + ".csv")).string();
    // A table the job does not need is not read (an unrelated bad file does
    // not stop it): it is empty, like a declared table without data.
    absl::StatusOr<Table> table =
        missing || !wanted(t.name) ? EmptyTable(t) : ReadCsvFile(path, &t, options);
    if (!table.ok()) return table.status();
    // Columns the file has beyond the schema: ignored, with a warning naming
    // the file (io/data_columns.h, the rule Python applies to a frame).
    const std::vector<std::string>& extra = table->schema().undeclared_columns;
    if (!extra.empty()) {
      column_warnings.push_back(io::UndeclaredColumnsWarning(path, t, extra));
      snapshot.schema.FindTable(t.name)->undeclared_columns = extra;
    }
    if (absl::Status s = snapshot.AddTable(*std::move(table)); !s.ok()) return s;
  }
  for (const std::string& w : check.warnings) warnings->push_back(w);
  for (const std::string& w : column_warnings) warnings->push_back(w);
  return snapshot;
}

std::vector<std::string> RelatedTables(const Schema& schema, const std::string& table) {
  std::vector<std::string> out = {table};
  for (size_t i = 0; i < out.size(); ++i) {
    const TableSchema* t = schema.FindTable(out[i]);
    if (t == nullptr) continue;
    std::vector<std::string> next;
    if (t->parent.has_value()) next.push_back(t->parent->table);
    for (const TableSchema* child : schema.ChildrenOf(t->name)) next.push_back(child->name);
    for (const std::string& n : next) {
      if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
    }
  }
  return out;
}

namespace {

// Whether `table` has an owner column, directly or through its parents.
bool Scoped(const Schema& schema, const TableSchema* t) {
  for (int depth = 0; t != nullptr && depth < 64; ++depth) {
    if (!t->owner.empty()) return true;
    if (!t->parent.has_value()) return false;
    t = schema.FindTable(t->parent->table);
  }
  return false;
}

// The owner closest to `owner`: by edit distance to the whole name, else to
// its first word (owners are often full names: "Alicee" and "alice" mean
// "Alice Chen"), else "".
std::string ClosestOwner(const std::string& owner, const std::vector<std::string>& owners) {
  std::string close = base::ClosestName(owner, owners);
  if (!close.empty()) return close;
  std::vector<std::string> firsts;
  std::vector<const std::string*> full;
  for (const std::string& o : owners) {
    size_t space = o.find(' ');
    if (space == std::string::npos || space == 0) continue;
    firsts.push_back(o.substr(0, space));
    full.push_back(&o);
  }
  for (size_t i = 0; i < firsts.size(); ++i) {
    if (absl::EqualsIgnoreCase(firsts[i], owner)) return *full[i];  // "Alice": one of the Alices.
  }
  std::string first = base::ClosestName(owner, firsts);
  if (first.empty()) return "";
  for (size_t i = 0; i < firsts.size(); ++i) {
    if (firsts[i] == first) return *full[i];
  }
  return "";
}

}  // namespace

absl::Status CheckOwner(const Snapshot& snapshot, const std::vector<std::string>& tables,
                        const std::string& owner, std::string* warning) {
  warning->clear();
  std::vector<std::string> names = tables;
  if (names.empty()) {
    for (const auto& [name, t] : snapshot.tables) names.push_back(name);
  }
  bool any_scoped = false;
  for (const std::string& name : names)
    any_scoped = any_scoped || Scoped(snapshot.schema, snapshot.schema.FindTable(name));
  if (!any_scoped) {
    return absl::InvalidArgumentError(
        absl::StrCat("owner '", owner, "' was given, but ",
                     names.size() == 1 ? "table '" + names[0] + "' has" : "no table has",
                     " no owner column, so every row would be counted; declare the owner column "
                     "(owner= on the table, "
                     "`owner:` in the schema) or leave the owner out"));
  }
  // Every owner value of every table with an owner column (distinct, capped).
  std::set<std::string, std::less<>> seen;
  for (const auto& [name, t] : snapshot.tables) {
    const std::string& col_name = t.schema().owner;
    if (col_name.empty()) continue;
    const Column* col = t.FindColumn(col_name);
    if (col == nullptr || col->type_id() != TypeId::kString) continue;
    if (col->is_dictionary()) {
      const Column& dict = col->dictionary();
      for (int64_t i = 0; i < dict.size(); ++i) {
        if (dict.StringAt(i) == owner) return absl::OkStatus();
        if (seen.size() < 100000) seen.emplace(dict.StringAt(i));
      }
    } else {
      for (int64_t r = 0; r < col->size(); ++r) {
        if (!col->IsValid(r)) continue;
        if (col->StringAt(r) == owner) return absl::OkStatus();
        if (seen.size() < 100000) seen.emplace(col->StringAt(r));
      }
    }
  }
  std::vector<std::string> owners(seen.begin(), seen.end());
  std::string close = ClosestOwner(owner, owners);
  *warning = absl::StrCat("owner '", owner,
                          "' owns no row in any table with an owner column, so every list is empty",
                          close.empty() ? "" : absl::StrCat(" — did you mean '", close, "'?"));
  return absl::OkStatus();
}

std::string_view Unquoted(std::string_view text) {
  if (text.size() >= 2 && (text.front() == '\'' || text.front() == '"') &&
      text.back() == text.front()) {
    return text.substr(1, text.size() - 2);
  }
  return text;
}

Value ParamFromText(std::string_view text) {
  std::string_view inner = Unquoted(text);
  if (inner.size() != text.size()) return Value::String(std::string(inner));
  bool b;
  int64_t i;
  double d;
  int32_t day;
  if (text.size() > 1 && base::ParseBoolText(text, &b) == base::TextParse::kOk)
    return Value::Bool(b);
  size_t digits = (!text.empty() && (text[0] == '-' || text[0] == '+')) ? 1 : 0;
  bool leading_zero = text.size() > digits + 1 && text[digits] == '0' &&
                      text.find_first_not_of("0123456789", digits) == std::string_view::npos;
  if (leading_zero) return Value::String(std::string(text));  // A code such as a ZIP: 02134.
  if (base::ParseIntText(text, &i) == base::TextParse::kOk) return Value::Int(i);
  if (base::ParseFloatText(text, &d) == base::TextParse::kOk) return Value::Float(d);
  if (base::ParseDateText(text, &day) == base::TextParse::kOk) return Value::DateFromDays(day);
  return Value::String(std::string(text));
}

}  // namespace docket
