// io/infer.h — the one type inference of text values, shared by the CSV
// reader (a column without a schema) and the Python package (an object
// column of str), and the explanation of a column that fell back to string.
//
// A column whose values all read as one type gets that type; one value that
// reads as none (`2026-02-30`, `NULL`, `N/A`, a number past int64, `yes`)
// makes the whole column a string.  TextFallbackFinder remembers the first
// such value so that a later compile error (`cannot compare string with
// date`) can name the column, where the value is and the value itself, and
// suggest declaring the type (TableSchema::text_fallbacks, docs/data.md).
#ifndef DOCKET_IO_INFER_H_
#define DOCKET_IO_INFER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "docket/types.h"

namespace docket::io {

// The types a non-empty text value can be read as (a mask of kCan*); 0 when
// none but string.  `fraction_digits` is raised to the digits of a
// timestamp's fraction.
enum : uint8_t { kCanBool = 1, kCanInt = 2, kCanFloat = 4, kCanDate = 8, kCanTimestamp = 16 };
uint8_t ClassifyText(std::string_view s, TimeUnit unit, int* fraction_digits);

// The type chosen for a column whose non-empty values have the mask `m`
// (the AND of their ClassifyText): bool, int, float, date, timestamp (unit
// `unit` raised to fit `fraction_digits`), string when `m` is 0.
DataType TypeOfMask(uint8_t m, TimeUnit unit, int fraction_digits);

// Fed the non-empty values of a column that was inferred as string, in row
// order, finds the value that made it a string: the first value no other
// type fits, when other values have a type (a column of names has no such
// value: it is text).  Cheap: stops as soon as it knows, and gives up on a
// column whose first 1,000 values are all text.
class TextFallbackFinder {
 public:
  // Returns false when no more values are needed.
  bool Add(std::string_view value, int64_t row);
  // Whether a value made a typed column a string.
  bool found() const { return culprit_row_ >= 0 && any_typed_; }
  int64_t row() const { return culprit_row_; }
  const std::string& value() const { return culprit_; }
  // The type the other values have ("date"), "" when they disagree.
  std::string would_be() const;

 private:
  uint8_t typed_mask_ = 0xFF;
  bool any_typed_ = false;
  int64_t culprit_row_ = -1;
  std::string culprit_;
  int64_t seen_ = 0;
  int digits_ = 0;
};

}  // namespace docket::io

#endif  // DOCKET_IO_INFER_H_
