// docket/csv.h — reading CSV files into tables and snapshots.
//
// One file is one table; a directory holds one `<table>.csv` per table:
//
//   // Types from a declared schema (a data contract):
//   absl::StatusOr<docket::Schema> schema = docket::ReadSchemaYamlFile("schema.yaml");
//   absl::StatusOr<docket::Snapshot> snap = docket::ReadCsvDirectory("data/", &*schema);
//
//   // Types inferred from the data (bool, int, float, date, timestamp, string):
//   absl::StatusOr<docket::Table> t = docket::ReadCsvFile("accounts.csv", nullptr);
//
//   // From memory (the file name only labels errors):
//   auto t2 = docket::ReadCsvString("id,n\na,1\n", "accounts.csv", "accounts", nullptr);
//
// The format (docs/data.md has the full rules):
//   - a header row names the columns; with a schema, header names are matched
//     to the schema's columns by name (any order); a schema column missing
//     from the header is an error; a header column the schema does not
//     declare is read past and ignored, and named in the table's
//     TableSchema::undeclared_columns (the callers warn);
//   - RFC 4180 quoting: "a, b", "say ""hi""", newlines inside quotes; CRLF or
//     LF line ends; an optional UTF-8 byte-order mark; the text must be UTF-8;
//   - an empty unquoted field is NULL; a quoted empty field "" is the empty
//     string in a string column and NULL in every other column;
//   - bool: true/false in any letter case, or 1/0; int: optional sign and
//     digits, int64 range; float: decimal or exponent notation (no nan/inf);
//     date: YYYY-MM-DD; timestamp: YYYY-MM-DD[T| ]HH:MM[:SS[.fraction]]
//     [Z|±HH:MM], UTC when no offset is written (a bare date is midnight UTC).
//
// Errors never drop or zero a row.  A bad value or a malformed file is a
// FailedPrecondition naming the file, the line of the record, the column and
// the text found (`accounts.csv:3: column n: 'x7' is not an int — …`); a
// field or record over a Limits size is ResourceExhausted naming the limit.
// docket::GetErrorDetail (error.h) returns the pieces.
//
// Speed: the file is split at record boundaries (a quote-aware scan) and the
// pieces are parsed on `CsvOptions::threads` threads; the result, including
// which error is reported, is the same for every thread count.
//
// Thread safety: the functions are reentrant; the returned tables are
// immutable and may be shared across threads.
#ifndef DOCKET_CSV_H_
#define DOCKET_CSV_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "docket/options.h"
#include "docket/schema.h"
#include "docket/table.h"
#include "docket/types.h"

namespace docket {

struct CsvOptions {
  Limits limits;         // max_csv_field_bytes, max_csv_line_bytes apply.
  int threads = 0;       // 0: one per core.  Never changes the result.
  char delimiter = ',';  // Field separator (',' or e.g. ';' or '\t').
  // A file is split into at most `threads` pieces of at least this many bytes.
  int64_t min_chunk_bytes = 1 << 20;
  // Unit of inferred timestamp columns (nanoseconds are used instead when a
  // value needs them).
  TimeUnit inferred_timestamp_unit = TimeUnit::kMicro;
};

// Reads one CSV file.  With `schema` the table has the schema's name, columns
// (in schema order) and key; without, the table is named after the file's
// stem, its columns are in header order with inferred types, and its key is
// the column named `id` when that column has no NULLs and no duplicates.
absl::StatusOr<Table> ReadCsvFile(const std::string& path, const TableSchema* schema,
                                  const CsvOptions& options = {});

// The same over text in memory; `filename` labels errors, `table_name` names
// the table when there is no schema.
absl::StatusOr<Table> ReadCsvString(std::string_view text, std::string_view filename,
                                    std::string_view table_name, const TableSchema* schema,
                                    const CsvOptions& options = {});

// Reads a directory of `<table>.csv` files into a snapshot.  With `schema`,
// every schema table must have its file (a missing one is an error) and other
// files are ignored; the snapshot's schema is `*schema`.  Without a schema,
// every `*.csv` file is read with inferred types and no relations.
absl::StatusOr<Snapshot> ReadCsvDirectory(const std::string& dir, const Schema* schema,
                                          const CsvOptions& options = {});

// The type inference on its own, for one text value: what ReadCsvFile would
// infer for a column holding only `text` (string when nothing else fits).
DataType InferCsvType(std::string_view text);

}  // namespace docket

#endif  // DOCKET_CSV_H_
