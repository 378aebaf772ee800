// The data rules of rulebook/data_rules.h for the Python package: the same
// functions the CLI calls, so the two front ends cannot drift.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "docket/table.h"
#include "errors.h"
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
