// Small grammars inside rulebook scalars: `order_by` keys, KPI measures and
// param values.  Shared by the loader and `--param name=value`.
#ifndef DOCKET_RULEBOOK_SPEC_PARSERS_H_
#define DOCKET_RULEBOOK_SPEC_PARSERS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "docket/rulebook.h"
#include "docket/value.h"

namespace docket::rulebook {

// An order key with its offset (in bytes) inside the parsed text.
struct ParsedOrderKey {
  OrderKey key;
  size_t offset = 0;
};

// Parses "arr DESC, name, renewal_date ASC NULLS FIRST".  On error, returns
// InvalidArgument with a message (no position) and sets *error_offset.
absl::StatusOr<std::vector<ParsedOrderKey>> ParseOrderBy(std::string_view text,
                                                         size_t* error_offset);

// Parses "count", "count(*)", "count(col)", "sum(col)", ….  Errors as above.
absl::StatusOr<Measure> ParseMeasure(std::string_view text, size_t* error_offset);

// The value of a plain YAML scalar: bool, int, float, date (YYYY-MM-DD) or,
// failing those, string.
Value InferParamValue(std::string_view text);

// Parses `text` as a value of `type` (a `--param` override).
absl::StatusOr<Value> ParseValueAs(std::string_view text, DataType type);

}  // namespace docket::rulebook

#endif  // DOCKET_RULEBOOK_SPEC_PARSERS_H_
