// docket/schema.h — the data contract: tables, their typed columns, each
// table's key and owner column, and the parent relation between tables.
//
// A schema is declared in YAML (the `tables:` section of a rulebook or a
// `--schema` file, parsed by schema_yaml.h) or inferred from data:
//
//   tables:
//     accounts:
//       key: id
//       owner: csm
//       columns: {id: string, name: string, csm: string, arr: float}
//     contacts:
//       key: id
//       parent: {table: accounts, via: account_id, as: account}
//       columns: {id: string, account_id: string, is_champion: bool}
//
//   const docket::TableSchema* t = schema.FindTable("contacts");
//   t->parent->table;          // "accounts": contacts.account_id holds an accounts key
//   t->FindColumn("persona");  // index, or -1
#ifndef DOCKET_SCHEMA_H_
#define DOCKET_SCHEMA_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "docket/types.h"

namespace docket {

// Where something was written: a file, 1-based line and column.  Empty file
// and line 0 mean "not from a file".
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
  // "file:line:column" (or "line:column" without a file, "" when unknown).
  std::string ToString() const;
};

struct ColumnSchema {
  std::string name;
  DataType type;
  SourceLocation location;
};

// A child table's link to its parent: `via` is the child's column holding
// the parent's key; `as` is the name a child rule uses for the parent row
// (`account.arr`).
struct ParentRelation {
  std::string table;
  std::string via;
  std::string as;
  SourceLocation location;
};

// Why a column inferred from data is a string although its other values
// have a type: the first value no other type fits (`2026-02-30`, `N/A`, a
// number past int64, `yes`).  A compile error that meets the column as a
// string names it (docs/data.md, "Inference").
struct TextFallback {
  std::string column;
  std::string value;     // As found (cut to 60 bytes).
  std::string where;     // "accounts.csv:3", or "row 1 (index 'b')" for a DataFrame.
  std::string would_be;  // The type of the other values ("date"), "" when they disagree.
  std::string declare;   // How to declare the type ("" : a schema's YAML, composed by the binder).
};

struct TableSchema {
  std::string name;
  std::vector<ColumnSchema> columns;
  std::string key;    // Empty when the table has no key.
  std::string owner;  // Empty when the table has no owner column.
  std::optional<ParentRelation> parent;
  SourceLocation location;
  std::vector<TextFallback> text_fallbacks;  // Inferred tables only.
  // Columns the data has that the schema does not declare: read past and
  // ignored (with a warning); a rule naming one gets a compile error saying
  // so (io/data_columns.h, docs/data.md).
  std::vector<std::string> undeclared_columns;

  int FindColumn(std::string_view column) const;                  // -1 when absent.
  const ColumnSchema* Column(std::string_view column) const;      // nullptr when absent.
  const TextFallback* FallbackOf(std::string_view column) const;  // nullptr when none.
};

struct Schema {
  std::vector<TableSchema> tables;

  const TableSchema* FindTable(std::string_view name) const;
  TableSchema* FindTable(std::string_view name);
  // The tables whose parent is `table`.
  std::vector<const TableSchema*> ChildrenOf(std::string_view table) const;
  // Checks cross-table consistency: keys, owners and `via` columns exist,
  // parents exist, the key of a parent and `via` have the same type, no
  // parent cycles.  Errors name the location of the offending declaration.
  absl::Status Validate() const;
};

}  // namespace docket

#endif  // DOCKET_SCHEMA_H_
