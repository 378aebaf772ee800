// The command center's output formats: the human report (lists grouped by
// horizon, then KPIs), JSON, CSV, and the diff of two runs.  Used by
// `docket run` and `docket diff`; docs/rulebooks.md shows samples.
#ifndef DOCKET_RULEBOOK_COMMAND_CENTER_H_
#define DOCKET_RULEBOOK_COMMAND_CENTER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "docket/rulebook.h"
#include "io/format.h"

namespace docket::rulebook {

struct RenderOptions {
  int64_t rows_per_list = 5;  // Top rows shown under each list.
  bool color = false;         // ANSI bold/dim (only when stdout is a terminal).
  int width = 80;             // Terminal columns.
};

// Rulebook name, owner ("everyone" when none) and as_of; then sections Today,
// Upcoming, Past, each list with title, count, action, resources and its top
// rows with the shown columns aligned; then the KPIs.
std::string RenderCommandCenter(const RulebookResult& result, const RenderOptions& options);

// One JSON object: rulebook, as_of, time_zone, owner (null for everyone),
// lists [{id, title, horizon, table, count, keys, action, resources, columns,
// rows, diagnostics?}], kpis [{id, title, list, measure, by, value, values}].
std::string RenderJson(const RulebookResult& result);
// The same, written to `sink` in pieces as it is made (straight from each
// list's bitmap: a list of millions of keys never sits in memory whole).
void WriteJson(const RulebookResult& result, const io::OutputSink& sink);

// One CSV row per (list, key): list, horizon, rank, key, then the union of
// the lists' shown columns (empty where a list does not show a column).
std::string RenderCsv(const RulebookResult& result);

// The change of one list between two runs.
struct ListDiff {
  std::string id;
  std::string title;
  Horizon horizon = Horizon::kToday;
  int64_t before = 0;
  int64_t after = 0;
  std::vector<std::string> entered;  // Keys in the list after but not before, sorted.
  std::vector<std::string> left;     // Keys in the list before but not after, sorted.
};

// Per list of `after` (matched by id), every key that entered or left.
// Keys are compared over all matching rows, not only the shown ones.
std::vector<ListDiff> DiffResults(const RulebookResult& before, const RulebookResult& after);
std::string RenderDiffText(const RulebookResult& after, const std::vector<ListDiff>& diffs,
                           int64_t keys_per_list, bool color);
std::string RenderDiffJson(const RulebookResult& after, const std::vector<ListDiff>& diffs);

// The cells of the list's first `rows` kept rows, one per shown column, as
// the command center shows them before it aligns and cuts them: NULL as "—",
// floats of a column sharing their decimals, timestamps as minutes in
// `time_zone`, bools as yes/no.  The notebook's HTML tables use them too.
std::vector<std::vector<std::string>> DisplayRows(const ListResult& list, int64_t rows,
                                                  std::string_view time_zone);

// One sentence per relation with child rows that have no parent ("2 rows of
// contacts have no parent (1 with a key not in accounts, 1 with no key): …");
// the command center prints each after "note: ".
std::vector<std::string> OrphanNotes(const std::vector<RelationDiagnostics>& relations);

// Display helpers shared with `docket explain`.
std::string DisplayValue(const Value& v);  // NULL as "—", numbers with thousands separators.

}  // namespace docket::rulebook

#endif  // DOCKET_RULEBOOK_COMMAND_CENTER_H_
