// bindings/python/register.h — the parts of the _docket module, one per file.
#ifndef DOCKET_BINDINGS_PYTHON_REGISTER_H_
#define DOCKET_BINDINGS_PYTHON_REGISTER_H_

#include <pybind11/pybind11.h>

#include "docket/schema.h"

namespace docket::python {

void RegisterTables(pybind11::module_& m);    // tables.cc: Table, Snapshot, Schema, debug helpers.
void RegisterPrograms(pybind11::module_& m);  // programs.cc: Predicate.
void RegisterRulebooks(
    pybind11::module_& m);  // rulebooks.cc: Rulebook, CompiledRulebook, RulebookResult.
void RegisterCtas(pybind11::module_& m);     // cta.cc: CtaStore.
void RegisterHistory(pybind11::module_& m);  // history.cc: History (history= in Python).
void RegisterChecks(
    pybind11::module_& m);  // checks.cc: the shared data rules (table names, owners).
void RegisterMetrics(pybind11::module_& m);    // metrics.cc: compute_metrics.
void RegisterRender(pybind11::module_& m);     // render.cc: the command center text, notes, values.
void RegisterRelations(pybind11::module_& m);  // relations.cc: ancestors, parent field sources.
void RegisterOnChange(pybind11::module_& m);   // onchange.cc: EvalContext, evaluate_one.
// program_set.cc: Program, several predicates in one pass (the Rulebook.run benchmark's baseline).
void RegisterProgramSet(pybind11::module_& m);
// partials.cc: a list's matching rows, for docket.dask's KPI merge.
void RegisterPartials(pybind11::module_& m);

// {table: {name, key, owner, parent, columns: [(name, type)]}} (tables.cc).
pybind11::dict SchemaToDict(const Schema& schema);

}  // namespace docket::python

#endif  // DOCKET_BINDINGS_PYTHON_REGISTER_H_
