#include "cli/load_data.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "docket/csv.h"
#include "docket/error.h"
#include "io/data_columns.h"
#include "rulebook/data_rules.h"

namespace docket::cli {
namespace {

// The column names in the first line of `path` (empty when it cannot be read:
// reading the data proper reports that).
std::vector<std::string> HeaderNames(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  if (!in || !std::getline(in, line)) return {};
  if (!line.empty() && line.back() == '\r') line.pop_back();
  CsvOptions options;
  options.threads = 1;
  absl::StatusOr<Table> t = ReadCsvString(line + "\n", path, "header", nullptr, options);
  if (!t.ok()) return {};
  std::vector<std::string> names;
  for (const ColumnSchema& c : t->schema().columns) names.push_back(c.name);
  return names;
}

}  // namespace

absl::StatusOr<Snapshot> LoadRulebookData(const Rulebook& book, const std::string& dir,
                                          int threads) {
  CsvOptions csv;
  csv.threads = threads;
  if (book.schema.tables.empty()) return ReadCsvDirectory(dir, nullptr, csv);
  std::vector<std::string> warnings;
  absl::StatusOr<Snapshot> snapshot = ReadDeclaredCsvDirectory(dir, book.schema, csv, &warnings);
  for (const std::string& w : warnings) std::fprintf(stderr, "docket: warning: %s\n", w.c_str());
  return snapshot;
}

absl::Status CompileBeforeData(const Rulebook& book, const std::string& dir) {
  if (book.schema.tables.empty()) return absl::OkStatus();
  absl::StatusOr<CompiledRulebook> compiled = CompiledRulebook::Compile(book);
  if (compiled.ok() || dir.empty() ||
      compiled.status().code() != absl::StatusCode::kInvalidArgument) {
    return compiled.status();
  }
  // Which columns does the data have beyond the schema?  Only the headers.
  Schema data = book.schema;
  bool any = false;
  for (TableSchema& t : data.tables) {
    std::vector<std::string> header =
        HeaderNames((std::filesystem::path(dir) / (t.name + ".csv")).string());
    for (const std::string& name : header) {
      if (t.FindColumn(name) < 0) t.undeclared_columns.push_back(name);
    }
    any = any || !t.undeclared_columns.empty();
  }
  if (!any) return compiled.status();
  absl::StatusOr<CompiledRulebook> again = CompiledRulebook::Compile(book, data);
  return again.ok() ? compiled.status() : again.status();
}

}  // namespace docket::cli
