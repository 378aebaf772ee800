// --data / --history for the commands that read a history (history_args.h).
#include "cli/history_args.h"

#include <filesystem>
#include <string>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "docket/csv.h"
#include "docket/error.h"

namespace docket::cli {

absl::StatusOr<std::string> CurrentSnapshotDir(const std::string& data, const std::string& history,
                                               absl::CivilDay as_of) {
  if (!data.empty()) return data;
  if (history.empty()) {
    return UsageError("--data is required",
                      "pass --data DIR (or --history DIR with a folder dated --as-of)");
  }
  std::string dir = (std::filesystem::path(history) / absl::FormatCivilTime(as_of)).string();
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return UsageError(
        absl::StrCat("no snapshot folder ", dir, " for as_of ", absl::FormatCivilTime(as_of)),
        "pass --data DIR for the current snapshot, or --as-of the date of a folder in " + history);
  }
  return dir;
}

absl::StatusOr<std::optional<History>> LoadOlderSnapshots(const std::string& history,
                                                          const Rulebook& book,
                                                          absl::CivilDay as_of,
                                                          const std::string& current, int threads) {
  if (history.empty()) return std::optional<History>();
  CsvOptions csv;
  csv.threads = threads;
  const Schema* schema = book.schema.tables.empty() ? nullptr : &book.schema;
  absl::StatusOr<History> h = ReadHistoryDirectory(history, schema, as_of, csv);
  if (!h.ok()) return h.status();
  h->current_source = current;
  return std::optional<History>(*std::move(h));
}

}  // namespace docket::cli
