// Printing table rows: cell text, CSV and JSON escaping, and the output
// formats of `docket eval` and `docket run` (ids, csv, jsonl, aligned
// table).  Everything works on a Table, a list of row indices and a list of
// column indices, so any selection of any table prints the same way.
#ifndef DOCKET_IO_FORMAT_H_
#define DOCKET_IO_FORMAT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "docket/bitmap.h"
#include "docket/column.h"
#include "docket/table.h"

namespace docket::io {

// Receives output in pieces (e.g. fwrite to stdout, or append to a string).
using OutputSink = std::function<void(std::string_view)>;

// Terminal columns of s: East Asian wide and fullwidth characters and most
// emoji take two, combining marks none, everything else one.  The one
// measure every aligned output (tables, the command center, explain) uses.
int64_t DisplayWidth(std::string_view s);

// Plain text of one cell: "" for NULL, true/false, 42, 4.2 (shortest
// round-trip), 2026-11-22, 2026-11-22T13:05:00Z, strings as they are.
void AppendCellText(std::string* out, const Column& column, int64_t row);
std::string CellText(const Column& column, int64_t row);

// RFC 4180: quoted (with "" for ") when the text holds the delimiter, a
// quote, CR or LF, or is empty (so "" reads back as the empty string).
void AppendCsvField(std::string* out, std::string_view text, char delimiter = ',');
// A CSV cell: NULL is an empty unquoted field; strings are quoted as above.
void AppendCsvCell(std::string* out, const Column& column, int64_t row, char delimiter = ',');

// A JSON string literal with ", \ and control characters escaped; bytes that
// are not valid UTF-8 become U+FFFD so the output is always valid JSON.
void AppendJsonString(std::string* out, std::string_view text);
// A JSON value: null, true, 42, 4.2, "red", "2026-11-22",
// "2026-11-22T13:05:00Z" (non-finite floats as null).
void AppendJsonCell(std::string* out, const Column& column, int64_t row);

// Indices of the set bits of `rows`, in order.
std::vector<int64_t> SelectedRows(const Bitmap& rows);

// Column indices for `names` (all columns, in table order, when empty).  An
// unknown name is an InvalidArgument with a did-you-mean hint.
absl::StatusOr<std::vector<int>> ResolveColumns(const Table& table,
                                                const std::vector<std::string>& names);

// One cell of column `column` per line (e.g. the key: `--format ids`).
void WriteLines(const Table& table, const std::vector<int64_t>& rows, int column,
                const OutputSink& sink);
// A header line and one line per row, RFC 4180.
void WriteCsv(const Table& table, const std::vector<int64_t>& rows, const std::vector<int>& columns,
              const OutputSink& sink);
// One JSON object per line, keys in column order.
void WriteJsonl(const Table& table, const std::vector<int64_t>& rows,
                const std::vector<int>& columns, const OutputSink& sink);

// An aligned table for people: a header, a rule, at most `max_rows` rows
// (then "… N more rows"), NULL shown as NULL, numbers right-aligned, cells
// longer than `max_cell_chars` characters cut with "…", and a "(N rows)"
// footer.
std::string RenderTable(const Table& table, const std::vector<int64_t>& rows,
                        const std::vector<int>& columns, int64_t max_rows = 50,
                        int max_cell_chars = 40);

}  // namespace docket::io

#endif  // DOCKET_IO_FORMAT_H_
