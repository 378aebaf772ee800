// docket/table.h — a named table of equally long columns, with the schema
// that describes it, and a snapshot: named tables taken at one point in time.
//
//   auto table = docket::Table::Make(schema_of_accounts, {id_col, arr_col});
//   if (!table.ok()) return table.status();   // length or type mismatch
//   table->num_rows();
//   const docket::Column* arr = table->FindColumn("arr");
//
//   docket::Snapshot snap;
//   snap.schema = schema;
//   DOCKET_RETURN_IF_ERROR(snap.AddTable(*std::move(table)));
//   const docket::Table* accounts = snap.FindTable("accounts");
//
// Tables and snapshots are immutable once built and cheap to copy (columns
// share their buffers): many threads may evaluate over one at once.  The
// index from a parent's keys to its rows, and each child's map to its
// parent's rows, are built the first time a rule needs them and kept with the
// table (shared by its copies), so evaluating again costs no join.
#ifndef DOCKET_TABLE_H_
#define DOCKET_TABLE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "docket/column.h"
#include "docket/schema.h"

namespace docket {

namespace storage {
struct TableCache;  // Indexes built on first use (lib/storage/relations.h).
}

class Table {
 public:
  Table();

  // Checks that there is one column per schema column, with the schema's
  // type and the same length, and that the key (if any) has no NULLs and
  // no duplicates (an InvalidArgument naming the first duplicate).
  static absl::StatusOr<Table> Make(TableSchema schema, std::vector<Column> columns);

  const std::string& name() const { return schema_.name; }
  const TableSchema& schema() const { return schema_; }
  int64_t num_rows() const { return num_rows_; }
  int num_columns() const { return static_cast<int>(columns_.size()); }
  const Column& column(int i) const { return columns_[i]; }
  const std::vector<Column>& columns() const { return columns_; }
  const Column* FindColumn(std::string_view name) const;  // nullptr when absent.
  // The key column, or nullptr when the schema names no key.
  const Column* key_column() const;
  // Bytes of all columns (values, validity, string data).
  int64_t ByteSize() const;

  // A copy of this table with `columns` added after its own (each as long as
  // the table, of its schema's type, under a new name).  Keys are not checked
  // again; the copy shares this table's buffers and indexes.
  absl::StatusOr<Table> WithColumns(std::vector<ColumnSchema> schemas,
                                    std::vector<Column> columns) const;

  // Internal: the key index and parent-row maps of this table, built on first
  // use (thread-safe) and shared by every copy of the table.
  const std::shared_ptr<storage::TableCache>& cache() const { return cache_; }

 private:
  TableSchema schema_;
  std::vector<Column> columns_;
  int64_t num_rows_ = 0;
  std::shared_ptr<storage::TableCache> cache_;
};

struct Snapshot {
  Schema schema;  // Describes every table below.
  std::map<std::string, Table, std::less<>> tables;

  const Table* FindTable(std::string_view name) const;
  // Adds a table (its schema is added to `schema` unless already there).
  absl::Status AddTable(Table table);
};

}  // namespace docket

#endif  // DOCKET_TABLE_H_
