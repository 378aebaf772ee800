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

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "docket/bitmap.h"
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

}  // namespace docket::python

#endif  // DOCKET_BINDINGS_PYTHON_VALUES_H_
