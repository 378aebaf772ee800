// History: dated snapshots of the same tables, built in Python from
// `history={date: tables}` (python/docket/_history.py) and read by prev(),
// changed(), pct_change(), is_new() and trigger lists (docket/history.h).
// Only the container crosses: the semantics stay in C++.
#include "docket/history.h"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "docket/table.h"
#include "errors.h"
#include "register.h"
#include "values.h"

namespace docket::python {

namespace py = pybind11;

void RegisterHistory(py::module_& m) {
  py::class_<History>(m, "History", "Dated snapshots of the same tables (docket/history.h).")
      .def(py::init<>())
      .def(
          "add",
          [](History& h, const py::tuple& date, const Snapshot& snapshot,
             const std::string& source) {
            ThrowIfError(
                h.Add(DayFromTuple(date), snapshot, source));  // Tables share their buffers.
          },
          py::arg("date"), py::arg("snapshot"), py::arg("source") = "")
      .def_property(
          "current_source", [](const History& h) { return h.current_source; },
          [](History& h, const std::string& s) { h.current_source = s; })
      .def("dates",
           [](const History& h) {
             py::list out;
             for (const DatedSnapshot& s : h.snapshots())
               out.append(ValueToPython(Value::Date(s.date)));
             return out;
           })
      .def("__len__", [](const History& h) { return h.snapshots().size(); });
}

}  // namespace docket::python
