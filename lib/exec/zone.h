// exec/zone.h — timestamp → civil day in a time zone without a per-row call
// into the time-zone library: the zone's UTC offsets between 1900 and 2200
// are tabulated once per zone (and cached), and each row does a binary
// search over the transitions (none for UTC and fixed-offset zones).
#ifndef DOCKET_EXEC_ZONE_H_
#define DOCKET_EXEC_ZONE_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/time/time.h"

namespace docket::exec {

class ZoneTable {
 public:
  // Shared, cached per zone name.
  static std::shared_ptr<const ZoneTable> For(const absl::TimeZone& tz);
  const absl::TimeZone& zone() const { return tz_; }

  // Civil day number of the instant `micros` since the epoch.
  int64_t DayOf(int64_t micros) const;
  // Microseconds since the epoch of the first instant of civil day `day`.
  int64_t DayStart(int64_t day) const;
  // Absolute microseconds of civil microseconds `civil` (as if UTC).
  int64_t FromCivil(int64_t civil_micros) const;

 private:
  explicit ZoneTable(const absl::TimeZone& tz);
  int64_t OffsetAt(int64_t seconds) const;
  absl::TimeZone tz_;
  std::vector<int64_t> at_;      // Transition instants (seconds), ascending.
  std::vector<int32_t> offset_;  // Offset in effect from at_[i] on.
  int32_t first_offset_ = 0;     // Offset before at_[0].
  int64_t lo_ = 0, hi_ = 0;      // Tabulated range (seconds).
};

}  // namespace docket::exec

#endif  // DOCKET_EXEC_ZONE_H_
