// Metrics, goals and alerts from Python: _docket.compute_metrics returns the
// JSON of `docket metrics --format json` and the warnings; python/docket/
// metrics.py turns it into DataFrames and charts.
#include "docket/metrics.h"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "docket/rulebook.h"
#include "errors.h"
#include "register.h"
#include "values.h"

namespace py = pybind11;

namespace docket::python {

void RegisterMetrics(py::module_& m) {
  m.def(
      "compute_metrics",
      [](const CompiledRulebook& hub, const Snapshot& snapshot, const py::tuple& as_of,
         const std::optional<std::string>& time_zone, const std::optional<std::string>& owner,
         const py::dict& params, int threads) {
        RunOptions o;
        o.as_of = DayFromTuple(as_of);
        if (time_zone.has_value()) o.time_zone = LoadZone(*time_zone);
        o.owner = owner;
        o.threads = threads;
        for (auto [k, v] : params) {
          std::string name = py::str(k).cast<std::string>();
          if (!name.empty() && name[0] == '$') name = name.substr(1);
          const RulebookParam* declared = hub.rulebook().FindParam(name);
          if (declared == nullptr || py::isinstance<py::str>(v)) {
            o.params[name] = ValueOrThrow(
                hub.ParseParam(name, py::isinstance<py::str>(v) ? v.cast<std::string>() : ""));
          } else {
            o.params[name] = ValueFromPython("param '" + name + "'", v);
          }
        }
        absl::StatusOr<MetricsResult> r;
        {
          py::gil_scoped_release release;
          r = ComputeMetrics(hub, snapshot, o);
        }
        MetricsResult result = ValueOrThrow(std::move(r));
        return std::make_pair(RenderMetricsJson(result), result.warnings);
      },
      py::arg("compiled"), py::arg("snapshot"), py::arg("as_of"), py::arg("time_zone") = py::none(),
      py::arg("owner") = py::none(), py::arg("params") = py::dict(), py::arg("threads") = 0,
      "Metrics, goals and alerts as (JSON text, warnings).");
}

}  // namespace docket::python
