// The benchmark hooks' timer (`_evaluate_seconds`, `_run_seconds`): the best
// of `iterations` calls of `evaluate`, timed inside C++ with the GIL released,
// so a benchmark measures the engine and not the interpreter.  `evaluate`
// returns an absl::StatusOr<T>; an error is thrown as a StatusError.
#ifndef DOCKET_BINDINGS_PYTHON_TIMING_H_
#define DOCKET_BINDINGS_PYTHON_TIMING_H_

#include <pybind11/pybind11.h>

#include <algorithm>
#include <chrono>

#include "errors.h"

namespace docket::python {

template <typename Evaluate>
double BestSeconds(int iterations, const Evaluate& evaluate) {
  double best = 1e300;
  pybind11::gil_scoped_release release;
  for (int i = 0; i < iterations; ++i) {
    const auto start = std::chrono::steady_clock::now();
    auto r = evaluate();
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!r.ok()) {
      pybind11::gil_scoped_acquire acquire;
      throw StatusError(r.status());
    }
    best = std::min(best, s);
  }
  return best;
}

}  // namespace docket::python

#endif  // DOCKET_BINDINGS_PYTHON_TIMING_H_
