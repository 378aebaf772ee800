// bindings/python/ingest.h — numpy arrays (and the pieces of pandas
// extension arrays) to docket columns, without copying where the layout
// allows.
//
// The Python side (python/docket/_frames.py) takes a pandas column apart into
// a values array, an optional NULL mask (True = NULL, as in pandas' masked
// arrays) and, for Categorical, the categories; ColumnFromArrays() views or
// converts them:
//
//   values dtype          docket type        copy?
//   int64                 int                view
//   float64               float              view (NaN -> NULL: bitmap built here)
//   bool                  bool               view
//   datetime64[s|ms|us|ns] timestamp[unit]   view (NaT -> NULL)
//   datetime64[D]         date               int64 -> int32 copy
//   other ints / float32  int / float        widening copy
//   int8..64 + categories string (dictionary) int32 codes without -1 viewed,
//                                            otherwise copied to int32
//   object                string/bool/int/float/date from the first non-NULL value
//                         (strings dictionary-encoded here)
//
// A `target` type (from a declared schema) converts when the data's type
// differs (float -> int only for integral values, datetime64 -> date by day,
// a unit change for timestamps); "timestamp" without a unit keeps the data's.
// A mask is packed into an Arrow validity bitmap (one small copy).  Views
// hold a reference to the numpy array, released with the GIL held.
#ifndef DOCKET_BINDINGS_PYTHON_INGEST_H_
#define DOCKET_BINDINGS_PYTHON_INGEST_H_

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <memory>
#include <optional>
#include <string>

#include "docket/column.h"
#include "docket/schema.h"

namespace docket::python {

// A shared_ptr that keeps `o` alive and drops it with the GIL held (from any
// thread).
std::shared_ptr<const void> KeepAlive(pybind11::object o);

// True when `buffer` is a view of a Python object (not a copy made here).
bool IsPythonView(const Buffer& buffer);

// Converts one column.  `mask` and `categories` may be None; `target` is ""
// (infer from the dtype) or a docket type name.  Throws StatusError
// (DataError) naming `name` for an unsupported dtype or value.
Column ColumnFromArrays(const std::string& name, pybind11::array values, pybind11::object mask,
                        pybind11::object categories, const std::string& target);

// Rows in errors: "row 3 (index 'acme-17')" — the 0-based position and, while
// a RowIndexScope is alive, the label of the frame's index at it ("row 3"
// without one).  Scopes nest; the GIL must be held.
class RowIndexScope {
 public:
  explicit RowIndexScope(pybind11::object index);
  ~RowIndexScope();
  RowIndexScope(const RowIndexScope&) = delete;
  RowIndexScope& operator=(const RowIndexScope&) = delete;

 private:
  PyObject* previous_;
  pybind11::object index_;
};
std::string RowName(int64_t row);

// For an object column of str that docket reads as string: the first value
// that made it a string although other values have a type (io/infer.h, the
// CSV reader's rule), with its row (RowName) and how to convert the column.
std::optional<TextFallback> FindObjectTextFallback(const std::string& name,
                                                   const pybind11::array& values,
                                                   const pybind11::object& mask);

}  // namespace docket::python

#endif  // DOCKET_BINDINGS_PYTHON_INGEST_H_
