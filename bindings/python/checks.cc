// The data rules of rulebook/data_rules.h for the Python package: the same
// functions the CLI calls, so the two front ends cannot drift.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <utility>
#include <vector>

#include "docket/table.h"
#include "errors.h"
#include "io/data_columns.h"
#include "register.h"
#include "rulebook/data_rules.h"

namespace docket::python {

namespace py = pybind11;

void RegisterChecks(py::module_& m) {
  m.def(
      "check_table_names",
      [](const std::vector<std::string>& declared, const std::vector<std::string>& given) {
        TableNameCheck c = CheckTableNames(declared, given);
        if (!c.error.ok()) ThrowDataError(std::string(c.error.message()));
        return py::make_tuple(c.missing, c.warnings);
      },
      py::arg("declared"), py::arg("given"),
      "(missing tables, warnings) for the given table names; DataError for an undeclared one.");
  m.def(
      "match_declared_columns",
      [](const std::string& table, const std::vector<std::pair<std::string, std::string>>& declared,
         const std::vector<std::string>& data_columns) {
        // The one rule for a table's columns (io/data_columns.h), as the CSV
        // reader applies it to a header.
        TableSchema t;
        t.name = table;
        for (const auto& [name, type] : declared) {
          absl::StatusOr<DataType> dt = ParseDataType(type);
          t.columns.push_back(ColumnSchema{name, dt.ok() ? *dt : DataType::String(), {}});
        }
        io::DeclaredColumns match = ValueOrThrow(io::MatchDeclaredColumns(t, data_columns, "", {}));
        return py::make_tuple(match.undeclared, match.warning);
      },
      py::arg("table"), py::arg("declared"), py::arg("data_columns"),
      "(undeclared columns, warning) for a frame's columns against a declared table; DataError "
      "for a declared column the frame lacks.");
  m.def(
      "check_owner",
      [](const Snapshot& snapshot, const std::vector<std::string>& tables,
         const std::string& owner) {
        std::string warning;
        absl::Status s = CheckOwner(snapshot, tables, owner, &warning);
        if (!s.ok()) ThrowDataError(std::string(s.message()));
        return warning;
      },
      py::arg("snapshot"), py::arg("tables"), py::arg("owner"),
      "A warning when the owner owns no row ('' otherwise); DataError when no table has an owner "
      "column.");
}

}  // namespace docket::python
