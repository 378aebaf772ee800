// The on-change path from Python (docs/python.md, "One account changed"):
// docket.EvalContext keeps a docket::EvalContext and its ProgramResult, so
// CompiledRulebook.evaluate_one re-evaluates a rulebook's lists on a small
// snapshot (one account and its related rows) without allocating on the C++
// side once warm; what Python receives is one numpy array of counts (and,
// when asked, one array of positions per list).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <mutex>
#include <optional>
#include <string>

#include "docket/program.h"
#include "docket/rulebook.h"
#include "docket/table.h"
#include "errors.h"
#include "register.h"
#include "values.h"

namespace docket::python {

namespace py = pybind11;

namespace {

struct PyEvalContext {
  EvalContext context;
  ProgramResult result;
  std::mutex busy;  // One evaluation at a time per context.
  bool has_result = false;
};

const PredicateResult& PredicateAt(const PyEvalContext& c, int i) {
  if (!c.has_result) throw py::value_error("this EvalContext has not evaluated anything yet");
  if (i < 0 || i >= static_cast<int>(c.result.predicates.size())) {
    throw py::index_error("list index " + std::to_string(i) + " out of range (" +
                          std::to_string(c.result.predicates.size()) + " lists)");
  }
  return c.result.predicates[static_cast<size_t>(i)];
}

}  // namespace

void RegisterOnChange(py::module_& m) {
  py::class_<PyEvalContext>(m, "EvalContext",
                            "Reusable evaluation state for the on-change path (one per thread).")
      .def(py::init<>())
      .def_property_readonly("evaluations",
                             [](const PyEvalContext& c) { return c.context.evaluations(); })
      .def_property_readonly("setups", [](const PyEvalContext& c) { return c.context.setups(); })
      .def("counts",
           [](const PyEvalContext& c) {
             if (!c.has_result)
               throw py::value_error("this EvalContext has not evaluated anything yet");
             py::array_t<int64_t> out(static_cast<py::ssize_t>(c.result.predicates.size()));
             int64_t* p = out.mutable_data();
             for (const PredicateResult& r : c.result.predicates) *p++ = r.count;
             return out;
           })
      .def("matches", [](const PyEvalContext& c, int i) {
        const PredicateResult& r = PredicateAt(c, i);
        py::array_t<int64_t> out(static_cast<py::ssize_t>(r.count));
        int64_t* p = out.mutable_data();
        ForEachSetBit(r.rows.data(), 0, r.rows.size(), [&](int64_t row) { *p++ = row; });
        return out;
      });

  m.def(
      "evaluate_one",
      [](const CompiledRulebook& hub, const Snapshot& snapshot, const py::tuple& as_of,
         const std::optional<std::string>& time_zone, PyEvalContext& ctx) {
        EvalOptions o;
        o.as_of = DayFromTuple(as_of);
        o.time_zone = time_zone.has_value() ? LoadZone(*time_zone) : hub.rulebook().time_zone;
        o.threads = 1;  // One account: the caller's thread.
        std::unique_lock<std::mutex> lock(ctx.busy, std::try_to_lock);
        if (!lock.owns_lock())
          throw py::value_error(
              "this EvalContext is in use by another thread (use one per thread)");
        absl::Status s;
        {
          py::gil_scoped_release release;
          s = hub.program().Evaluate(snapshot, o, &ctx.context, &ctx.result);
        }
        ctx.has_result = s.ok();
        ThrowIfError(s);
      },
      py::arg("compiled"), py::arg("snapshot"), py::arg("as_of"), py::arg("time_zone") = py::none(),
      py::arg("context"));
}

}  // namespace docket::python
