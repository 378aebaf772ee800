#include "exec/zone.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <string>

#include "absl/time/civil_time.h"
#include "base/calendar.h"

namespace docket::exec {

ZoneTable::ZoneTable(const absl::TimeZone& tz) : tz_(tz) {
  lo_ = -2208988800;  // 1900-01-01
  hi_ = 7258118400;   // 2200-01-01
  absl::Time t = absl::FromUnixSeconds(lo_);
  first_offset_ = tz.At(t).offset;
  absl::TimeZone::CivilTransition trans;
  while (at_.size() < 4096 && tz.NextTransition(t, &trans)) {
    // The instant of the transition is the first instant of the new civil time.
    absl::Time when = tz.At(trans.to).trans;
    if (absl::ToUnixSeconds(when) >= hi_) break;
    if (when <= t) break;
    t = when;
    at_.push_back(absl::ToUnixSeconds(when));
    offset_.push_back(tz.At(when).offset);
  }
}

std::shared_ptr<const ZoneTable> ZoneTable::For(const absl::TimeZone& tz) {
  static std::mutex mu;
  static auto* cache = new std::map<std::string, std::shared_ptr<const ZoneTable>>();
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache->find(tz.name());
  if (it != cache->end()) return it->second;
  std::shared_ptr<const ZoneTable> table(new ZoneTable(tz));
  if (cache->size() < 256) (*cache)[tz.name()] = table;
  return table;
}

int64_t ZoneTable::OffsetAt(int64_t s) const {
  if (s < lo_ || s >= hi_) return tz_.At(absl::FromUnixSeconds(s)).offset;
  if (at_.empty() || s < at_[0]) return first_offset_;
  size_t i = std::upper_bound(at_.begin(), at_.end(), s) - at_.begin();
  return offset_[i - 1];
}

int64_t ZoneTable::DayOf(int64_t micros) const {
  int64_t s = base::FloorDiv(micros, 1000000);
  return base::FloorDiv(s + OffsetAt(s), 86400);
}

int64_t ZoneTable::DayStart(int64_t day) const {
  base::Ymd c = base::CivilFromDays(day);
  absl::TimeZone::TimeInfo info = tz_.At(absl::CivilSecond(c.year, c.month, c.day, 0, 0, 0));
  // In a gap (midnight skipped) the day starts at the transition.
  absl::Time t = info.kind == absl::TimeZone::TimeInfo::SKIPPED ? info.trans : info.pre;
  return absl::ToUnixMicros(t);
}

int64_t ZoneTable::FromCivil(int64_t civil_micros) const {
  int64_t secs = base::FloorDiv(civil_micros, 1000000);
  int64_t frac = civil_micros - secs * 1000000;
  int64_t day = base::FloorDiv(secs, 86400);
  int64_t sod = secs - day * 86400;
  base::Ymd c = base::CivilFromDays(day);
  absl::TimeZone::TimeInfo info =
      tz_.At(absl::CivilSecond(c.year, c.month, c.day, sod / 3600, (sod / 60) % 60, sod % 60));
  return absl::ToUnixMicros(info.pre) + frac;
}

}  // namespace docket::exec
