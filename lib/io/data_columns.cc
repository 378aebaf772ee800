#include "io/data_columns.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/names.h"
#include "docket/error.h"

namespace docket::io {

std::string UndeclaredColumnsWarning(std::string_view where, const TableSchema& declared,
                                     const std::vector<std::string>& undeclared) {
  if (undeclared.empty()) return "";
  const bool one = undeclared.size() == 1;
  std::vector<std::string> shown;
  for (size_t i = 0; i < undeclared.size() && i < 10; ++i) shown.push_back(undeclared[i]);
  std::string list =
      absl::StrCat("'", absl::StrJoin(shown, "', '"), "'",
                   undeclared.size() > shown.size()
                       ? absl::StrCat(" and ", undeclared.size() - shown.size(), " more")
                       : "");
  return absl::StrCat(where.empty() ? "" : absl::StrCat(std::string(where), ": "),
                      one ? "column " : "columns ", list, " of table '", declared.name,
                      one ? "' is" : "' are", " not declared in the schema and ",
                      one ? "is" : "are", " ignored; to use ", one ? "it" : "them",
                      " in rules, declare ", one ? "it" : "them", " under tables: ", declared.name,
                      ": columns: (e.g. ", undeclared[0], ": string)");
}

absl::StatusOr<DeclaredColumns> MatchDeclaredColumns(const TableSchema& declared,
                                                     const std::vector<std::string>& data_columns,
                                                     std::string_view where,
                                                     const SourceLocation& location) {
  DeclaredColumns out;
  absl::flat_hash_map<std::string_view, int> index;
  for (size_t i = 0; i < data_columns.size(); ++i) index.emplace(data_columns[i], i);
  out.source.assign(declared.columns.size(), -1);
  for (size_t s = 0; s < declared.columns.size(); ++s) {
    auto it = index.find(declared.columns[s].name);
    if (it != index.end()) out.source[s] = it->second;
  }
  for (const std::string& name : data_columns) {
    if (declared.FindColumn(name) < 0) out.undeclared.push_back(name);
  }
  for (size_t s = 0; s < declared.columns.size(); ++s) {
    if (out.source[s] >= 0) continue;
    const ColumnSchema& c = declared.columns[s];
    // A misspelled column in the data is one of the undeclared ones.
    std::string close = base::ClosestName(c.name, out.undeclared);
    std::string hint =
        !close.empty()
            ? absl::StrCat("the data has a column '", close, "': did you mean '", c.name,
                           "'? rename it in the data (or in the schema)")
            : absl::StrCat(
                  "add the column to the data (empty values are NULL); the data's "
                  "columns are: ",
                  absl::StrJoin(data_columns.begin(),
                                data_columns.begin() + std::min<size_t>(data_columns.size(), 20),
                                ", "),
                  data_columns.size() > 20 ? ", …" : "");
    return DataError(location,
                     absl::StrCat("missing column '", c.name, "' (", c.type.ToString(),
                                  "): the schema of table '", declared.name,
                                  "' declares it, but the data has no such column"),
                     hint);
  }
  out.warning = UndeclaredColumnsWarning(where, declared, out.undeclared);
  return out;
}

}  // namespace docket::io
