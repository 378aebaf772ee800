// io/history_reader.cc — ReadHistoryDirectory (docket/history.h).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "docket/csv.h"
#include "docket/error.h"
#include "docket/history.h"

namespace docket {
namespace {

// The header's column names (the first record of the file, read as CSV).
absl::StatusOr<std::vector<std::string>> HeaderNames(const std::string& path,
                                                     const std::string& table,
                                                     const CsvOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open the file"));
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  absl::StatusOr<Table> t = ReadCsvString(line + "\n", path, table, nullptr, options);
  if (!t.ok()) return t.status();
  std::vector<std::string> names;
  for (const ColumnSchema& c : t->schema().columns) names.push_back(c.name);
  return names;
}

// The declared table restricted to the columns the older file has; columns
// it does not declare are read as strings (and never used).
TableSchema Lenient(const TableSchema& declared, const std::vector<std::string>& header) {
  TableSchema out;
  out.name = declared.name;
  out.location = declared.location;
  for (const std::string& name : header) {
    const ColumnSchema* c = declared.Column(name);
    out.columns.push_back(c != nullptr ? *c : ColumnSchema{name, DataType::String(), {}});
  }
  if (out.Column(declared.key) != nullptr) out.key = declared.key;
  if (out.Column(declared.owner) != nullptr) out.owner = declared.owner;
  if (declared.parent.has_value() && out.Column(declared.parent->via) != nullptr)
    out.parent = declared.parent;
  return out;
}

}  // namespace

absl::StatusOr<History> ReadHistoryDirectory(const std::string& dir, const Schema* schema,
                                             absl::CivilDay before, const CsvOptions& options) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return DataError(SourceLocation{dir, 0, 0},
                     "the history directory does not exist or is not a directory",
                     "--history DIR holds one folder per snapshot: DIR/YYYY-MM-DD/<table>.csv");
  }
  std::vector<std::pair<absl::CivilDay, std::string>> folders;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (!entry.is_directory(ec)) continue;
    const std::string name = entry.path().filename().string();
    absl::CivilDay day;
    if (name.size() != 10 || !absl::ParseCivilTime(name, &day) ||
        absl::FormatCivilTime(day) != name) {
      return DataError(SourceLocation{entry.path().string(), 0, 0},
                       absl::StrCat("history folder '", name, "' is not named by a date"),
                       "name each snapshot's folder by its date, YYYY-MM-DD (e.g. 2026-11-15)");
    }
    if (day < before) folders.emplace_back(day, entry.path().string());
  }
  if (ec)
    return absl::NotFoundError(
        absl::StrCat(dir, ": cannot list the directory (", ec.message(), ")"));
  std::sort(folders.begin(), folders.end());
  History history;
  for (const auto& [day, folder] : folders) {
    Snapshot snap;
    std::vector<std::string> files;
    if (schema != nullptr) {
      for (const TableSchema& t : schema->tables) files.push_back(t.name);
    } else {
      for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_regular_file(ec) && name.size() > 4 && name.ends_with(".csv")) {
          files.push_back(name.substr(0, name.size() - 4));
        }
      }
      std::sort(files.begin(), files.end());
    }
    for (const std::string& table : files) {
      const std::string path = (std::filesystem::path(folder) / (table + ".csv")).string();
      if (!std::filesystem::is_regular_file(path, ec))
        continue;  // Not in this snapshot: a note at use.
      absl::StatusOr<Table> t;
      if (schema != nullptr) {
        absl::StatusOr<std::vector<std::string>> header = HeaderNames(path, table, options);
        if (!header.ok()) return header.status();
        TableSchema lenient = Lenient(*schema->FindTable(table), *header);
        t = ReadCsvFile(path, &lenient, options);
      } else {
        t = ReadCsvFile(path, nullptr, options);
        if (t.ok() && t->key_column() == nullptr && t->FindColumn("id") != nullptr) {
          // Inference gives no key to an `id` with duplicates or NULLs; the
          // current table's key is `id`, so read again with it: the error
          // names the file and the line of the duplicate.
          TableSchema keyed = t->schema();
          keyed.key = "id";
          t = ReadCsvFile(path, &keyed, options);
        }
      }
      if (!t.ok()) return t.status();
      if (absl::Status s = snap.AddTable(*std::move(t)); !s.ok()) return s;
    }
    if (absl::Status s = history.Add(day, std::move(snap), folder); !s.ok()) return s;
  }
  history.current_source = "the current snapshot";
  return history;
}

}  // namespace docket
