// bindings/python/result_keys.h — a list's keys into Python without a
// docket::Value or std::string per row (result_keys.cc).
#ifndef DOCKET_BINDINGS_PYTHON_RESULT_KEYS_H_
#define DOCKET_BINDINGS_PYTHON_RESULT_KEYS_H_

#include <pybind11/pybind11.h>

#include "docket/rulebook.h"

namespace docket::python {

// The kept rows' keys, in order, as str: the same text as ListResult::Keys().
pybind11::list KeysToList(const ListResult& list);

}  // namespace docket::python

#endif  // DOCKET_BINDINGS_PYTHON_RESULT_KEYS_H_
