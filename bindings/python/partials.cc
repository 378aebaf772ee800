// What docket.dask needs from one partition's run to merge KPIs exactly: the
// values of a list's measure column and the owner of each of its matching
// rows (every match in scope, not only the kept rows), as numpy arrays.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "docket/options.h"
#include "docket/rulebook.h"
#include "docket/table.h"
#include "register.h"
#include "rulebook/rows.h"
#include "values.h"

namespace docket::python {

namespace py = pybind11;

namespace {

// ("string", codes, None, owners, None): each row's owner as a code into
// `owners` (-1: no owner — a NULL owner or a row without a parent).
py::tuple OwnersAtRows(const rulebook::OwnerLookup& lookup, const std::vector<int64_t>& rows) {
  py::array_t<int32_t> codes(static_cast<py::ssize_t>(rows.size()));
  int32_t* out = codes.mutable_data();
  absl::flat_hash_map<std::string_view, int32_t> index;
  py::list names;
  for (size_t i = 0; i < rows.size(); ++i) {
    std::string_view owner;
    if (!lookup.Get(rows[i], &owner)) {
      out[i] = -1;
      continue;
    }
    auto [it, inserted] = index.emplace(owner, static_cast<int32_t>(index.size()));
    if (inserted) names.append(py::str(owner.data(), owner.size()));
    out[i] = it->second;
  }
  return py::make_tuple("string", codes, py::none(), names, py::none());
}

}  // namespace

void RegisterPartials(py::module_& m) {
  m.def(
      "_list_matches",
      [](const std::shared_ptr<RulebookResult>& r, const Snapshot& snapshot, int i,
         const std::string& column, bool owners) {
        if (i < 0 || i >= static_cast<int>(r->lists.size()))
          throw py::index_error("list index out of range");
        const ListResult& l = r->lists[static_cast<size_t>(i)];
        std::vector<int64_t> rows = rulebook::SetRows(l.matches);
        py::object values = py::none();
        const Table* table = snapshot.FindTable(l.table);
        if (table == nullptr) throw py::key_error("table '" + l.table + "' is not in the snapshot");
        if (!column.empty()) {
          const Column* own = table->FindColumn(column);
          if (own != nullptr) {
            values = ColumnAtRows(*own, rows);
          } else {
            // A parent field (account.name), read through the cached joins for every matching row.
            const TableSchema* ts = snapshot.schema.FindTable(l.table);
            if (ts == nullptr || column.find('.') == std::string::npos) {
              throw py::key_error("list '" + l.id + "' has no column '" + column + "'");
            }
            absl::StatusOr<rulebook::ParentPath> path =
                rulebook::ResolveParentPath(snapshot.schema, *ts, column);
            if (!path.ok()) throw py::key_error(std::string(path.status().message()));
            absl::StatusOr<Column> c =
                rulebook::ParentFieldColumn(snapshot.schema, snapshot, *table, *path, rows);
            if (!c.ok()) throw py::key_error(std::string(c.status().message()));
            values = ColumnAtRows(*c, rows);
          }
        }
        py::object who = py::none();
        if (owners) {
          std::optional<rulebook::OwnerLookup> lookup = rulebook::OwnerLookup::Make(
              snapshot.schema, snapshot, *table, Limits{}.max_relation_depth);
          if (lookup.has_value()) who = OwnersAtRows(*lookup, rows);
        }
        return py::make_tuple(static_cast<int64_t>(rows.size()), values, who);
      },
      py::arg("result"), py::arg("snapshot"), py::arg("i"), py::arg("column"), py::arg("owners"),
      "(count, values, owners) at every matching row of list `i` (ascending row order): `values` "
      "the parts of "
      "`column` (a column of the list's table or a parent field such as account.name) (see "
      "values.h; None for no column), `owners` each row's owner as parts of kind \"string\" (code "
      "-1: no owner; None when the table has no owner anywhere up its parents).");
}

}  // namespace docket::python
