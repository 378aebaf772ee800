// bindings/python/values.h — scalars, options and bitmaps between Python and
// docket.
//
//   Python                         docket::Value
//   None                           NULL
//   bool / numpy.bool_             bool
//   int / numpy.integer            int
//   float / numpy.floating         float
//   str                            string
//   datetime.date                  date
//   datetime.datetime, Timestamp   timestamp[ns] (naive values are UTC)
//
// Values come back the same way (timestamps as UTC pandas.Timestamp).
#ifndef DOCKET_BINDINGS_PYTHON_VALUES_H_
#define DOCKET_BINDINGS_PYTHON_VALUES_H_

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <map>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "docket/bitmap.h"
#include "docket/column.h"
#include "docket/program.h"
#include "docket/value.h"

namespace docket::python {

Value ValueFromPython(const std::string& what, pybind11::handle o);
pybind11::object ValueToPython(const Value& v);

// Python dict {name: value} to a params map.
std::map<std::string, Value, std::less<>> ParamsFromPython(const pybind11::dict& params);

// A (year, month, day) tuple to a civil day.
absl::CivilDay DayFromTuple(const pybind11::tuple& ymd);
// Loads an IANA zone; ValueError naming the zone when unknown.
absl::TimeZone LoadZone(const std::string& name);

// Unpacks `bits` (an Arrow bitmap of `size` bits) into a numpy bool array.
pybind11::array_t<bool> BitsToBools(const uint8_t* bits, int64_t size);
// Copies the bitmap's bytes into a numpy uint8 array (8 rows per byte).
pybind11::array_t<uint8_t> BitsToBytes(const Bitmap& bits);

// The values of `column` at `rows`, in that order, as numpy arrays — no
// Python object per row.  Returns (kind, values, nulls, categories, unit):
//   kind        "bool" | "int" | "float" | "string" | "date" | "timestamp"
//   values      bool: bool; int: int64 (0 under NULL); float: float64 (NaN
//               under NULL); date: int64 days since 1970-01-01; timestamp:
//               int64 in `unit` (both INT64_MIN, numpy's NaT, under NULL);
//               string: int32 codes into `categories` (-1 under NULL)
//   nulls       a bool array (True where NULL), or None when no value is NULL
//   categories  string: a list of the distinct strings at `rows`, in order
//               of first appearance; otherwise None
//   unit        timestamp: "s" | "ms" | "us" | "ns"; otherwise None
pybind11::tuple ColumnAtRows(const Column& column, const std::vector<int64_t>& rows);

// Relations read through, as [{table, parent, null_keys, missing_keys}].
pybind11::list RelationsToList(const std::vector<RelationDiagnostics>& relations);

}  // namespace docket::python

#endif  // DOCKET_BINDINGS_PYTHON_VALUES_H_
