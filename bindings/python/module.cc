// The _docket extension module: conversions between pandas/numpy and docket,
// and calls into the library.  Everything users touch is in python/docket/.
#include <pybind11/pybind11.h>

#include "errors.h"
#include "register.h"

PYBIND11_MODULE(_docket, m) {
  m.doc() = "docket's native core (use the `docket` package, not this module directly).";
  docket::python::RegisterErrors(m);
  docket::python::RegisterTables(m);
#ifdef DOCKET_PYTHON_WITH_ENGINE
  docket::python::RegisterHistory(m);
  docket::python::RegisterPrograms(m);
  docket::python::RegisterRulebooks(m);
  docket::python::RegisterPartials(m);
  docket::python::RegisterCtas(m);
  docket::python::RegisterChecks(m);
  docket::python::RegisterMetrics(m);
  docket::python::RegisterRender(m);
  docket::python::RegisterRelations(m);
  docket::python::RegisterOnChange(m);
  docket::python::RegisterProgramSet(m);
#endif
}
