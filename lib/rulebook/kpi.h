// KPI aggregates over a list's rows: count, count(col), sum, avg, min, max and
// count_distinct, overall and per owner.
#ifndef DOCKET_RULEBOOK_KPI_H_
#define DOCKET_RULEBOOK_KPI_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "docket/column.h"
#include "docket/rulebook.h"
#include "docket/value.h"
#include "rulebook/rows.h"

namespace docket::rulebook {

// Whether `measure` can aggregate a column of `type` (sum and avg need a
// number; min and max an orderable type; count and count_distinct anything).
bool MeasureAccepts(MeasureKind kind, DataType type);

// The measure over the rows set in `rows` of `column` (nullptr for count),
// straight from the list's bitmap: no row vector is made.
Value Aggregate(const Measure& measure, const Column* column, const Bitmap& rows);

// The measure per owner of the rows set in `rows` (sorted by owner; NULL
// owners last as kUnassignedOwner), grouped by the owner column's dictionary
// codes when it has them.
std::vector<std::pair<std::string, Value>> AggregateByOwner(const Measure& measure,
                                                            const Column* column,
                                                            const Bitmap& rows,
                                                            const OwnerLookup& owners);

// AggregateByOwner into `*out` (its strings reused) when the rows have at
// most 8 owners and the measure is not count_distinct (the on-change path:
// no allocation once `out` has the capacity); false otherwise, `*out` untouched.
bool AggregateByOwnerFew(const Measure& measure, const Column* column, const Bitmap& rows,
                         const OwnerLookup& owners,
                         std::vector<std::pair<std::string, Value>>* out);

}  // namespace docket::rulebook

#endif  // DOCKET_RULEBOOK_KPI_H_
