// Walking parent relations for the Python package: storage/relations.h, the
// one home of "go up the parents" (the binder, the engine and owner scope use
// it too), so Python never walks `parent:` declarations itself.
#include "storage/relations.h"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "docket/options.h"
#include "docket/rulebook.h"
#include "docket/schema.h"
#include "errors.h"
#include "register.h"

namespace docket::python {

namespace py = pybind11;

namespace {

std::vector<std::string> AncestorsOf(const Schema& schema, const std::string& table) {
  return ValueOrThrow(storage::Ancestors(schema, table, Limits{}.max_relation_depth));
}

// The (table, column) a dotted parent field (`success_plan.account.name`) of
// `table` reads; None when the path does not follow the declared parents.
py::object ParentFieldSource(const Schema& schema, const std::string& table,
                             const std::string& dotted) {
  std::vector<std::string> parts = absl::StrSplit(dotted, '.');
  std::string column = parts.back();
  parts.pop_back();
  std::optional<std::string> source =
      storage::FollowParentPath(schema, table, parts, Limits{}.max_relation_depth);
  if (!source.has_value()) return py::none();
  return py::make_tuple(*source, column);
}

}  // namespace

void RegisterRelations(py::module_& m) {
  m.def("ancestors", &AncestorsOf, py::arg("schema"), py::arg("table"),
        "The tables above `table`, nearest first (Limits::max_relation_depth at most).");
  m.def(
      "ancestors",
      [](const Rulebook& book, const std::string& table) {
        return AncestorsOf(book.schema, table);
      },
      py::arg("rulebook"), py::arg("table"),
      "The tables above `table` in the rulebook's `tables:`.");
  m.def("parent_field_source", &ParentFieldSource, py::arg("schema"), py::arg("table"),
        py::arg("field"),
        "(table, column) that the parent field `field` (account.name) of `table` reads, or None.");
}

}  // namespace docket::python
