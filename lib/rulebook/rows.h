// Row-level helpers of the rulebook layer: the rows of a result bitmap, a
// list's order_by and limit, single cells, and each row's owner.
#ifndef DOCKET_RULEBOOK_ROWS_H_
#define DOCKET_RULEBOOK_ROWS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "docket/bitmap.h"
#include "docket/column.h"
#include "docket/rulebook.h"
#include "docket/table.h"
#include "docket/value.h"

namespace docket::rulebook {

// The indices of the set bits of `bits`, ascending.
std::vector<int64_t> SetRows(const Bitmap& bits);

// The value of `column` at `row`.
Value CellValue(const Column& column, int64_t row);

// <0, 0, >0 for the non-NULL values of `c` at rows a and b, ascending (a
// float's NaN after every number; strings by their bytes).
int CompareColumnValues(const Column& c, int64_t a, int64_t b);

// Orders `rows` by `keys` (NULLS LAST unless the key says NULLS FIRST, for
// ASC and DESC alike; ties keep row order, so the result is a total order and
// does not depend on the input's order) and keeps the first `limit` rows.
// With a limit the work is a selection (nth_element) plus a sort of the kept
// rows, not a full sort.  Every key's column must exist in `table`.
void OrderAndLimit(const Table& table, const std::vector<OrderKey>& keys,
                   std::optional<int64_t> limit, std::vector<int64_t>* rows);
// The same over the set bits of `matches` (`count` of them), into `rows`:
// with a small limit the kept rows come from one pass over the bitmap and no
// row number is listed for the others.
void OrderAndLimit(const Table& table, const std::vector<OrderKey>& keys,
                   std::optional<int64_t> limit, const Bitmap& matches, int64_t count,
                   std::vector<int64_t>* rows);

// A parent field named from `table`: `account.name`, `success_plan.account.csm`.
struct ParentPath {
  std::vector<const TableSchema*> tables;  // table, its parent, …, the table holding the column.
  const ColumnSchema* column = nullptr;
};
// Resolves `dotted` by the parents' `as` names.  InvalidArgument with a
// readable message (no location) when a step or the column is unknown.
absl::StatusOr<ParentPath> ResolveParentPath(const Schema& schema, const TableSchema& table,
                                             std::string_view dotted);

// A column of `table`'s length holding a parent field at `rows` (NULL where
// the row has no parent) and NULL elsewhere, read through the tables' cached
// joins.  `schema` holds the relations.  Strings are not copied: the column
// is dictionary-encoded over the parent's strings.
absl::StatusOr<Column> ParentFieldColumn(const Schema& schema, const Snapshot& snapshot,
                                         const Table& table, const ParentPath& path,
                                         const std::vector<int64_t>& rows);

// The owner of each row of a table: its owner column, or its parent's owner
// through the `parent` relation (recursively).  A row whose owner is NULL,
// or whose parent is missing, has no owner.
class OwnerLookup {
 public:
  // nullopt when neither the table nor any ancestor has an owner column.
  static std::optional<OwnerLookup> Make(const Schema& schema, const Snapshot& snapshot,
                                         const Table& table, int max_depth);
  // Whether row `row` has an owner, and which.
  bool Get(int64_t row, std::string_view* owner) const;
  // When the owner column is dictionary-encoded: the owner's dictionary code
  // (false for no owner), and the dictionary entry's text.
  bool dictionary() const { return owner_->is_dictionary(); }
  bool GetCode(int64_t row, int32_t* code) const {
    if (through_parent_) {
      row = row_map_[row];
      if (row < 0) return false;
    }
    if (owner_->IsNull(row)) return false;
    *code = owner_->codes()[row];
    return true;
  }
  std::string_view CodeText(int32_t code) const { return owner_->dictionary().StringAt(code); }

 private:
  const Column* owner_ = nullptr;  // The owner column of the table that has one.
  std::vector<int32_t>
      row_map_;  // When owned through parents: this row → owner table row (-1: none).
  bool through_parent_ = false;
};

}  // namespace docket::rulebook

#endif  // DOCKET_RULEBOOK_ROWS_H_
