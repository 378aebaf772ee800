// ComputeMetrics: where-predicates through one docket::Program, then every
// simple metric of a table in one pass over its rows (see docket/metrics.h),
// then ratios, derived metrics, goals and alerts over the per-group values.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "base/parallel.h"
#include "docket/error.h"
#include "docket/metrics.h"
#include "rulebook/kpi.h"
#include "rulebook/metric_derived.h"
#include "rulebook/rows.h"

namespace docket {

const MetricResult* MetricsResult::Find(std::string_view id) const {
  for (const MetricResult& m : metrics) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

const MetricValue* MetricResult::Find(std::optional<std::string_view> by) const {
  for (const MetricValue& v : values) {
    if (v.by.has_value() == by.has_value() && (!by || *v.by == *by)) return &v;
  }
  return nullptr;
}

namespace {

using Label = std::optional<std::string>;

// One group × period accumulator.
struct Cell {
  int64_t n = 0;   // Rows.
  int64_t nv = 0;  // Non-NULL values.
  int64_t isum = 0;
  double fsum = 0;
  int64_t best = -1;  // Row of the min/max so far.
  bool overflow = false;
};

// What the pass needs of one simple metric.
struct SimplePlan {
  size_t spec_index = 0;
  const MetricSpec* spec = nullptr;
  const Column* value = nullptr;  // nullptr for count.
  const uint8_t* rows = nullptr;  // In-scope and where: the predicate's bitmap.
  const int32_t* day = nullptr;   // Per-row local day (date column or converted timestamps).
  const int64_t* distinct_key =
      nullptr;                     // count_distinct: a key per row (equal values, equal keys).
  int64_t distinct_count = 0;      // Keys are dense ids 0..distinct_count-1 (0: not dense).
  const int32_t* group = nullptr;  // Per-row group code.
  int32_t num_groups = 0;
  int64_t lo = 0;                     // First day of the previous interval.
  std::vector<int16_t> slot_of_day;   // day - lo → 0 previous, 1 current, -1 neither.
  std::vector<int32_t> grain_of_day;  // day - lo → period index (current days), else -1.
  int32_t slots = 2;                  // 2 + periods.
  DayRange cur, prev;
  std::vector<absl::CivilDay> periods;
};

bool Better(const Column& c, MeasureKind kind, int64_t a, int64_t b) {
  int cmp = 0;
  switch (c.type_id()) {
    case TypeId::kInt:
    case TypeId::kTimestamp: {
      int64_t x = c.Values<int64_t>()[a], y = c.Values<int64_t>()[b];
      cmp = (x > y) - (x < y);
      break;
    }
    case TypeId::kDate: {
      int32_t x = c.Values<int32_t>()[a], y = c.Values<int32_t>()[b];
      cmp = (x > y) - (x < y);
      break;
    }
    case TypeId::kFloat: {
      double x = c.Values<double>()[a], y = c.Values<double>()[b];
      if (std::isnan(x)) return false;
      if (std::isnan(y)) return true;
      cmp = (x > y) - (x < y);
      break;
    }
    case TypeId::kString: {
      int r = c.StringAt(a).compare(c.StringAt(b));
      cmp = (r > 0) - (r < 0);
      break;
    }
    case TypeId::kBool: {
      int x = c.Values<uint8_t>()[a] != 0, y = c.Values<uint8_t>()[b] != 0;
      cmp = (x > y) - (x < y);
      break;
    }
  }
  return kind == MeasureKind::kMin ? cmp < 0 : cmp > 0;
}

inline void AddRow(const SimplePlan& p, Cell& cell, int64_t row) {
  ++cell.n;
  const Column* c = p.value;
  if (c == nullptr || c->IsNull(row)) return;
  ++cell.nv;
  switch (p.spec->measure.kind) {
    case MeasureKind::kSum:
    case MeasureKind::kAvg:
      if (c->type_id() == TypeId::kInt) {
        int64_t v = c->Values<int64_t>()[row];
        if (__builtin_add_overflow(cell.isum, v, &cell.isum)) cell.overflow = true;
        cell.fsum += static_cast<double>(v);
      } else {
        cell.fsum += c->Values<double>()[row];
      }
      return;
    case MeasureKind::kMin:
    case MeasureKind::kMax:
      if (cell.best < 0 || Better(*c, p.spec->measure.kind, row, cell.best)) cell.best = row;
      return;
    default:
      return;
  }
}

void Merge(const SimplePlan& p, Cell& into, const Cell& from) {
  into.n += from.n;
  into.nv += from.nv;
  if (__builtin_add_overflow(into.isum, from.isum, &into.isum)) into.overflow = true;
  into.overflow = into.overflow || from.overflow;
  into.fsum += from.fsum;
  if (from.best >= 0 &&
      (into.best < 0 || Better(*p.value, p.spec->measure.kind, from.best, into.best))) {
    into.best = from.best;
  }
}

// The metric's value of a cell (zero-filled for count and sum).
Value CellResult(const SimplePlan& p, const Cell& cell, int64_t distinct) {
  const Column* c = p.value;
  switch (p.spec->measure.kind) {
    case MeasureKind::kCount:
      return Value::Int(cell.n);
    case MeasureKind::kCountColumn:
      return Value::Int(cell.nv);
    case MeasureKind::kCountDistinct:
      return Value::Int(distinct);
    case MeasureKind::kSum:
      if (c->type_id() == TypeId::kInt)
        return cell.overflow ? Value::Null(DataType::Int()) : Value::Int(cell.isum);
      return Value::Float(cell.fsum);
    case MeasureKind::kAvg:
      if (cell.nv == 0) return Value::Null(DataType::Float());
      return Value::Float(cell.fsum / static_cast<double>(cell.nv));
    case MeasureKind::kMin:
    case MeasureKind::kMax:
      if (cell.best < 0) return Value::Null(c->type());
      return rulebook::CellValue(*c, cell.best);
  }
  return Value::Null(DataType::Int());
}

std::optional<double> AsDouble(const Value& v) {
  if (v.is_null()) return std::nullopt;
  if (v.type().id == TypeId::kInt) return static_cast<double>(v.int_value());
  if (v.type().id == TypeId::kFloat) return v.float_value();
  return std::nullopt;
}

Value FloatOrNull(std::optional<double> d) {
  return d.has_value() && std::isfinite(*d) ? Value::Float(*d) : Value::Null(DataType::Float());
}

// Orders labels: values ascending, NULL last.
bool LabelLess(const Label& a, const Label& b) {
  if (a.has_value() != b.has_value()) return a.has_value();
  return a.has_value() && *a < *b;
}

// Group codes of one `by` over a table: codes[row] in [0, labels.size()).
struct Groups {
  std::vector<int32_t> codes;
  std::vector<Label> labels;  // Sorted, NULL last.
};

// Dense group codes from a column (dictionary codes when it has them).
Groups GroupsFromColumn(const Column& c) {
  const int64_t n = c.size();
  Groups g;
  g.codes.resize(static_cast<size_t>(n));
  absl::flat_hash_map<std::string, int32_t> by_text;
  std::vector<Label> labels;
  int32_t null_code = -1;
  auto code_of_text = [&](const std::string& text) {
    auto [it, inserted] = by_text.emplace(text, static_cast<int32_t>(labels.size()));
    if (inserted) labels.emplace_back(it->first);
    return it->second;
  };
  auto null_group = [&] {
    if (null_code < 0) {
      null_code = static_cast<int32_t>(labels.size());
      labels.emplace_back(std::nullopt);
    }
    return null_code;
  };
  if (c.is_dictionary()) {
    const Column& dict = c.dictionary();
    std::vector<int32_t> of_code(static_cast<size_t>(dict.size()), -1);
    const int32_t* codes = c.codes();
    for (int64_t r = 0; r < n; ++r) {
      if (c.IsNull(r)) {
        g.codes[r] = null_group();
        continue;
      }
      int32_t& k = of_code[static_cast<size_t>(codes[r])];
      if (k < 0) k = code_of_text(std::string(dict.StringAt(codes[r])));
      g.codes[r] = k;
    }
  } else if (c.type_id() == TypeId::kString) {
    absl::flat_hash_map<std::string_view, int32_t> seen;
    for (int64_t r = 0; r < n; ++r) {
      if (c.IsNull(r)) {
        g.codes[r] = null_group();
        continue;
      }
      std::string_view s = c.StringAt(r);
      auto it = seen.find(s);
      if (it == seen.end()) it = seen.emplace(s, code_of_text(std::string(s))).first;
      g.codes[r] = it->second;
    }
  } else {
    for (int64_t r = 0; r < n; ++r) {
      g.codes[r] = c.IsNull(r) ? null_group() : code_of_text(rulebook::CellValue(c, r).ToString());
    }
  }
  // Renumber in label order.
  std::vector<int32_t> order(labels.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int32_t>(i);
  std::sort(order.begin(), order.end(),
            [&](int32_t a, int32_t b) { return LabelLess(labels[a], labels[b]); });
  std::vector<int32_t> rank(labels.size());
  for (size_t i = 0; i < order.size(); ++i) rank[order[i]] = static_cast<int32_t>(i);
  for (int32_t& k : g.codes) k = rank[k];
  g.labels.resize(labels.size());
  for (size_t i = 0; i < order.size(); ++i) g.labels[i] = labels[order[i]];
  return g;
}

// Groups of `by: owner`: the row's owner (own column, or its parent's).
Groups GroupsFromOwner(const rulebook::OwnerLookup& owners, int64_t n) {
  Groups g;
  g.codes.resize(static_cast<size_t>(n));
  absl::flat_hash_map<std::string, int32_t> by_text;
  std::vector<Label> labels;
  int32_t null_code = -1;
  std::vector<int32_t> of_code;  // Dictionary owners: code → group, no hashing per row.
  for (int64_t r = 0; r < n; ++r) {
    int32_t code = -1;
    if (owners.dictionary()) {
      if (!owners.GetCode(r, &code)) code = -1;
      if (code >= 0 && static_cast<size_t>(code) < of_code.size() &&
          of_code[static_cast<size_t>(code)] >= 0) {
        g.codes[r] = of_code[static_cast<size_t>(code)];
        continue;
      }
    }
    std::string_view owner;
    if (!owners.Get(r, &owner)) {
      if (null_code < 0) {
        null_code = static_cast<int32_t>(labels.size());
        labels.emplace_back(std::nullopt);
      }
      g.codes[r] = null_code;
      continue;
    }
    auto it = by_text.find(std::string(owner));
    if (it == by_text.end()) {
      it = by_text.emplace(std::string(owner), static_cast<int32_t>(labels.size())).first;
      labels.emplace_back(std::string(owner));
    }
    g.codes[r] = it->second;
    if (code >= 0) {
      if (static_cast<size_t>(code) >= of_code.size())
        of_code.resize(static_cast<size_t>(code) + 1, -1);
      of_code[static_cast<size_t>(code)] = it->second;
    }
  }
  std::vector<int32_t> order(labels.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int32_t>(i);
  std::sort(order.begin(), order.end(),
            [&](int32_t a, int32_t b) { return LabelLess(labels[a], labels[b]); });
  std::vector<int32_t> rank(labels.size());
  for (size_t i = 0; i < order.size(); ++i) rank[order[i]] = static_cast<int32_t>(i);
  for (int32_t& k : g.codes) k = rank[k];
  g.labels.resize(labels.size());
  for (size_t i = 0; i < order.size(); ++i) g.labels[i] = labels[order[i]];
  return g;
}

// Keys for count_distinct: equal values get equal keys.
std::vector<int64_t> DistinctKeys(const Column& c, int64_t* dense_count) {
  *dense_count = 0;
  const int64_t n = c.size();
  std::vector<int64_t> keys(static_cast<size_t>(n), std::numeric_limits<int64_t>::min());
  if (c.type_id() == TypeId::kString) {
    absl::flat_hash_map<std::string_view, int64_t> ids;
    if (c.is_dictionary()) {
      const Column& dict = c.dictionary();
      std::vector<int64_t> of_code(static_cast<size_t>(dict.size()), -1);
      for (int64_t i = 0; i < dict.size(); ++i) {
        of_code[i] = ids.emplace(dict.StringAt(i), static_cast<int64_t>(ids.size())).first->second;
      }
      for (int64_t r = 0; r < n; ++r) {
        if (!c.IsNull(r)) keys[r] = of_code[static_cast<size_t>(c.codes()[r])];
      }
    } else {
      for (int64_t r = 0; r < n; ++r) {
        if (!c.IsNull(r))
          keys[r] = ids.emplace(c.StringAt(r), static_cast<int64_t>(ids.size())).first->second;
      }
    }
    *dense_count = static_cast<int64_t>(ids.size());
    return keys;
  }
  for (int64_t r = 0; r < n; ++r) {
    if (c.IsNull(r)) continue;
    switch (c.type_id()) {
      case TypeId::kBool:
        keys[r] = c.Values<uint8_t>()[r] != 0;
        break;
      case TypeId::kDate:
        keys[r] = c.Values<int32_t>()[r];
        break;
      case TypeId::kFloat: {
        double d = c.Values<double>()[r];
        if (d == 0) d = 0;
        std::memcpy(&keys[r], &d, 8);
        break;
      }
      default:
        keys[r] = c.Values<int64_t>()[r];
        break;
    }
  }
  return keys;
}

constexpr int32_t kNoDay = std::numeric_limits<int32_t>::min();

// Local days of a timestamp column over [lo, hi]; kNoDay outside.
std::vector<int32_t> TimestampDays(const Column& c, int64_t lo, int64_t hi, absl::TimeZone zone) {
  const int64_t per_second = UnitsPerSecond(c.type().unit);
  auto to_units = [&](absl::Time t) -> int64_t {
    switch (c.type().unit) {
      case TimeUnit::kSecond:
        return absl::ToUnixSeconds(t);
      case TimeUnit::kMilli:
        return absl::ToUnixMillis(t);
      case TimeUnit::kMicro:
        return absl::ToUnixMicros(t);
      case TimeUnit::kNano:
        return absl::ToUnixNanos(t);
    }
    return absl::ToUnixMicros(t);
  };
  // bounds[k]: the first instant of local day lo + k (k = 0 … span).
  std::vector<int64_t> bounds;
  absl::CivilDay first = absl::CivilDay(1970, 1, 1) + lo;
  for (int64_t k = 0; k <= hi - lo + 1; ++k)
    bounds.push_back(to_units(absl::FromCivil(first + k, zone)));
  const int64_t n = c.size();
  std::vector<int32_t> days(static_cast<size_t>(n), kNoDay);
  const int64_t* v = c.Values<int64_t>();
  const int64_t b0 = bounds.front(), bn = bounds.back();
  const int64_t day_units = 86400 * per_second;
  const int64_t last = static_cast<int64_t>(bounds.size()) - 2;
  for (int64_t r = 0; r < n; ++r) {
    if (c.IsNull(r)) continue;
    int64_t t = v[r];
    if (t < b0 || t >= bn) continue;
    // A local day is 23 to 25 hours long: guess by 24 hours, then step.
    int64_t k = std::min<int64_t>((t - b0) / day_units, last);
    while (bounds[static_cast<size_t>(k)] > t) --k;
    while (bounds[static_cast<size_t>(k) + 1] <= t) ++k;
    days[r] = static_cast<int32_t>(lo + k);
  }
  return days;
}

int64_t DayNumber(absl::CivilDay d) { return d - absl::CivilDay(1970, 1, 1); }

// One pass over a table's rows for every plan of the table.
void RunPass(std::vector<SimplePlan*>& plans, int64_t num_rows, int threads,
             std::vector<std::vector<Cell>>* cells_out,
             std::vector<std::vector<int64_t>>* distinct_out) {
  size_t total_cells = 0;
  for (SimplePlan* p : plans) total_cells += static_cast<size_t>(p->num_groups + 1) * p->slots;
  int64_t parts = std::clamp<int64_t>(num_rows / (1 << 18), 1, 16);
  while (parts > 1 && static_cast<size_t>(parts) * total_cells * sizeof(Cell) > (size_t{256} << 20))
    --parts;
  std::vector<std::vector<std::vector<Cell>>> cells(static_cast<size_t>(parts));
  // count_distinct: a bitset of cells × keys per partition when the keys are
  // dense ids (strings) and it is small; otherwise (cell, key) pairs, sorted
  // and deduplicated.
  std::vector<std::vector<std::vector<uint64_t>>> bits(static_cast<size_t>(parts));
  std::vector<int64_t> dense_keys(plans.size(), 0);  // Key count when the bitset is used, else 0.
  for (size_t m = 0; m < plans.size(); ++m) {
    const SimplePlan& p = *plans[m];
    if (p.spec->measure.kind != MeasureKind::kCountDistinct || p.distinct_count <= 0) continue;
    int64_t cells_m = static_cast<int64_t>(p.num_groups + 1) * p.slots;
    if (cells_m * p.distinct_count * parts <= (int64_t{1} << 31)) dense_keys[m] = p.distinct_count;
  }
  std::vector<std::vector<std::vector<std::pair<int64_t, int64_t>>>> pairs(
      static_cast<size_t>(parts));
  base::ParallelFor(parts, base::ResolveThreads(threads), [&](int64_t part) {
    int64_t begin = num_rows * part / parts, end = num_rows * (part + 1) / parts;
    auto& mine = cells[part];
    auto& my_pairs = pairs[part];
    mine.resize(plans.size());
    my_pairs.resize(plans.size());
    bits[part].resize(plans.size());
    for (size_t m = 0; m < plans.size(); ++m) {
      const SimplePlan& p = *plans[m];
      std::vector<Cell>& acc = mine[m];
      acc.assign(static_cast<size_t>(p.num_groups + 1) * p.slots, Cell{});
      const int64_t span = static_cast<int64_t>(p.slot_of_day.size());
      const bool distinct = p.spec->measure.kind == MeasureKind::kCountDistinct;
      const bool grain = p.slots > 2;
      const int64_t total_base = static_cast<int64_t>(p.num_groups) * p.slots;
      for (int64_t r = begin; r < end; ++r) {
        if (!GetBit(p.rows, r)) continue;
        int32_t d = p.day[r];
        if (d == kNoDay) continue;
        int64_t off = d - p.lo;
        if (off < 0 || off >= span) continue;
        int16_t s = p.slot_of_day[off];
        if (s < 0) continue;
        int64_t base = static_cast<int64_t>(p.group[r]) * p.slots;
        AddRow(p, acc[base + s], r);
        int32_t gp = grain && s == 1 ? p.grain_of_day[off] : -1;
        if (gp >= 0) AddRow(p, acc[base + 2 + gp], r);
        if (distinct && dense_keys[m] > 0 &&
            p.distinct_key[r] != std::numeric_limits<int64_t>::min()) {
          std::vector<uint64_t>& b = bits[part][m];
          if (b.empty())
            b.assign(
                static_cast<size_t>(
                    (static_cast<int64_t>(p.num_groups + 1) * p.slots * dense_keys[m] + 63) / 64),
                0);
          const int64_t k = dense_keys[m], key = p.distinct_key[r];
          auto set = [&](int64_t cell) {
            b[static_cast<size_t>((cell * k + key) >> 6)] |= uint64_t{1} << ((cell * k + key) & 63);
          };
          set(base + s);
          set(total_base + s);
          if (gp >= 0) {
            set(base + 2 + gp);
            set(total_base + 2 + gp);
          }
        } else if (distinct && p.distinct_key[r] != std::numeric_limits<int64_t>::min()) {
          int64_t key = p.distinct_key[r];
          my_pairs[m].emplace_back(base + s, key);
          my_pairs[m].emplace_back(total_base + s, key);
          if (gp >= 0) {
            my_pairs[m].emplace_back(base + 2 + gp, key);
            my_pairs[m].emplace_back(total_base + 2 + gp, key);
          }
        }
      }
    }
  });
  cells_out->assign(plans.size(), {});
  distinct_out->assign(plans.size(), {});
  for (size_t m = 0; m < plans.size(); ++m) {
    const SimplePlan& p = *plans[m];
    std::vector<Cell>& acc = (*cells_out)[m];
    acc = std::move(cells[0][m]);
    for (int64_t part = 1; part < parts; ++part) {
      for (size_t i = 0; i < acc.size(); ++i) Merge(p, acc[i], cells[part][m][i]);
    }
    if (p.spec->measure.kind == MeasureKind::kCountDistinct && dense_keys[m] > 0) {
      const int64_t k = dense_keys[m];
      std::vector<uint64_t> merged;
      for (int64_t part = 0; part < parts; ++part) {
        std::vector<uint64_t>& b = bits[part][m];
        if (b.empty()) continue;
        if (merged.empty()) {
          merged = std::move(b);
        } else {
          for (size_t w = 0; w < merged.size(); ++w) merged[w] |= b[w];
        }
      }
      std::vector<int64_t>& counts = (*distinct_out)[m];
      counts.assign(acc.size(), 0);
      for (size_t cell = 0; cell < acc.size() && !merged.empty(); ++cell) {
        int64_t n = 0;
        for (int64_t key = 0; key < k; ++key) {
          int64_t bit = static_cast<int64_t>(cell) * k + key;
          n += (merged[static_cast<size_t>(bit >> 6)] >> (bit & 63)) & 1;
        }
        counts[cell] = n;
      }
    } else if (p.spec->measure.kind == MeasureKind::kCountDistinct) {
      std::vector<std::pair<int64_t, int64_t>> all;
      for (int64_t part = 0; part < parts; ++part) {
        all.insert(all.end(), pairs[part][m].begin(), pairs[part][m].end());
        std::vector<std::pair<int64_t, int64_t>>().swap(pairs[part][m]);
      }
      std::sort(all.begin(), all.end());
      all.erase(std::unique(all.begin(), all.end()), all.end());
      std::vector<int64_t>& counts = (*distinct_out)[m];
      counts.assign(acc.size(), 0);
      for (const auto& pr : all) ++counts[static_cast<size_t>(pr.first)];
    }
  }
}

std::string FormatNumber(const Value& v) {
  if (v.is_null()) return "—";
  if (v.type().id == TypeId::kFloat) {
    double d = v.float_value();
    if (d == std::floor(d) && std::fabs(d) < 1e15) return absl::StrCat(static_cast<int64_t>(d));
    return absl::StrFormat("%.2f", d);
  }
  return v.ToString();
}

absl::Status MetricDataError(const MetricSpec& m, const SourceLocation& at, std::string message) {
  return DataError(at.line > 0 ? at : m.location, std::move(message));
}

}  // namespace

absl::StatusOr<MetricsResult> ComputeMetrics(const CompiledRulebook& compiled,
                                             const Snapshot& snapshot, const RunOptions& options) {
  const Rulebook& book = compiled.rulebook();
  MetricsResult result;
  result.as_of = options.as_of;
  absl::TimeZone zone = options.time_zone.value_or(book.time_zone);
  result.time_zone =
      options.time_zone.has_value() ? options.time_zone->name() : book.time_zone_name;
  result.owner = options.owner;
  if (book.metrics == nullptr) return result;
  const MetricsSpec& spec = *book.metrics;
  const CalendarSettings& cal = spec.calendar;

  // Params: defaults, then overrides of the declared type.
  std::map<std::string, Value, std::less<>> params;
  for (const RulebookParam& p : book.params) params[p.name] = p.value;
  for (const auto& [name, value] : options.params) {
    if (book.FindParam(name) == nullptr)
      return UsageError(absl::StrCat("unknown param '", name, "'"));
    params[name] = value;
  }

  // One program: a scope predicate per table ("true": the owner's rows) and
  // one predicate per simple metric.
  CompileOptions copts;
  for (const auto& [name, value] : params) copts.params[name] = value;
  ProgramBuilder builder(compiled.schema(), copts);
  for (const SegmentSpec& s : book.segments) {
    if (absl::Status st = builder.AddSegment(s.name, s.expression); !st.ok()) return st;
  }
  std::vector<int> predicate(spec.metrics.size(), -1);
  std::map<std::string, int, std::less<>> scope_predicate;
  for (size_t i = 0; i < spec.metrics.size(); ++i) {
    const MetricSpec& m = spec.metrics[i];
    if (m.kind != MetricKind::kSimple) continue;
    if (snapshot.FindTable(m.table) == nullptr) {
      return MetricDataError(
          m, m.table_location,
          absl::StrCat("table '", m.table, "' of metric '", m.id, "' is not in the snapshot"));
    }
    if (!scope_predicate.count(m.table)) {
      absl::StatusOr<int> k =
          builder.AddPredicate(m.table, ExpressionSource{"true", m.table_location});
      if (!k.ok()) return k.status();
      scope_predicate[m.table] = *k;
    }
    if (m.where.has_value()) {
      absl::StatusOr<int> k = builder.AddPredicate(m.table, *m.where);
      if (!k.ok()) return k.status();
      predicate[i] = *k;
    } else {
      predicate[i] = scope_predicate[m.table];
    }
  }
  absl::StatusOr<Program> program = std::move(builder).Build();
  if (!program.ok()) return program.status();
  EvalOptions eval;
  eval.as_of = options.as_of;
  eval.time_zone = zone;
  eval.owner = options.owner;
  eval.threads = options.threads;
  eval.params = params;
  absl::StatusOr<ProgramResult> evaluated = program->Evaluate(snapshot, eval);
  if (!evaluated.ok()) return evaluated.status();

  // Per table: group codes per `by`, days per time column, distinct keys.
  std::map<std::string, std::unique_ptr<Groups>, std::less<>> groups_cache;
  std::map<std::string, std::vector<int32_t>, std::less<>> days_cache;
  std::map<std::string, std::pair<std::vector<int64_t>, int64_t>, std::less<>> distinct_cache;
  std::vector<SimplePlan> plans(spec.metrics.size());
  std::map<std::string, std::vector<SimplePlan*>, std::less<>> by_table;

  // The day range every metric of a table needs (for timestamp conversion).
  std::map<std::string, std::pair<int64_t, int64_t>, std::less<>> day_span;
  for (size_t i = 0; i < spec.metrics.size(); ++i) {
    const MetricSpec& m = spec.metrics[i];
    if (m.kind != MetricKind::kSimple) continue;
    DayRange cur = IntervalRange(m.interval, options.as_of, cal);
    DayRange prev = PreviousRange(m.interval, options.as_of, cal);
    std::string key = absl::StrCat(m.table, "\x1f", m.time);
    int64_t lo = DayNumber(prev.start), hi = DayNumber(cur.end);
    auto it = day_span.find(key);
    if (it == day_span.end()) {
      day_span[key] = {lo, hi};
    } else {
      it->second.first = std::min(it->second.first, lo);
      it->second.second = std::max(it->second.second, hi);
    }
  }

  for (size_t i = 0; i < spec.metrics.size(); ++i) {
    const MetricSpec& m = spec.metrics[i];
    if (m.kind != MetricKind::kSimple) continue;
    const Table* table = snapshot.FindTable(m.table);
    SimplePlan& p = plans[i];
    p.spec_index = i;
    p.spec = &m;
    p.rows = evaluated->predicates[static_cast<size_t>(predicate[i])].rows.data();
    // The value column.
    if (!m.measure.column.empty()) {
      p.value = table->FindColumn(m.measure.column);
      if (p.value == nullptr) {
        return MetricDataError(
            m, m.measure_location,
            absl::StrCat("column '", m.measure.column, "' is not in table '", m.table, "'"));
      }
    }
    // Days.
    const Column* time = table->FindColumn(m.time);
    if (time == nullptr) {
      return MetricDataError(m, m.time_location,
                             absl::StrCat("column '", m.time, "' is not in table '", m.table, "'"));
    }
    if (time->type_id() == TypeId::kDate) {
      // Dates are read in place; a NULL is a day no interval holds.
      std::string key = absl::StrCat(m.table, "\x1f", m.time, "\x1f", "date");
      auto it = days_cache.find(key);
      if (it == days_cache.end()) {
        std::vector<int32_t> days(time->Values<int32_t>(), time->Values<int32_t>() + time->size());
        for (int64_t r = 0; r < time->size(); ++r) {
          if (time->IsNull(r)) days[r] = kNoDay;
        }
        it = days_cache.emplace(key, std::move(days)).first;
      }
      p.day = it->second.data();
    } else if (time->type_id() == TypeId::kTimestamp) {
      std::string key = absl::StrCat(m.table, "\x1f", m.time);
      auto it = days_cache.find(key);
      if (it == days_cache.end()) {
        auto [lo, hi] = day_span[key];
        it = days_cache.emplace(key, TimestampDays(*time, lo, hi, zone)).first;
      }
      p.day = it->second.data();
    } else {
      return MetricDataError(
          m, m.time_location,
          absl::StrCat("'time: ", m.time, "' of metric '", m.id, "' is a ", time->type().ToString(),
                       " column; it must be a date or a timestamp"));
    }
    // Groups.
    std::string gkey = absl::StrCat(m.table, "\x1f", m.by);
    auto git = groups_cache.find(gkey);
    if (git == groups_cache.end()) {
      auto g = std::make_unique<Groups>();
      if (m.by.empty()) {
        g->codes.assign(static_cast<size_t>(table->num_rows()), 0);
        g->labels = {std::nullopt};
      } else if (m.by == "owner" && table->FindColumn("owner") == nullptr) {
        std::optional<rulebook::OwnerLookup> owners = rulebook::OwnerLookup::Make(
            compiled.schema(), snapshot, *table, Limits{}.max_relation_depth);
        if (!owners.has_value()) {
          return MetricDataError(
              m, m.by_location,
              absl::StrCat("metric '", m.id, "' is 'by: owner' but table '", m.table,
                           "' has no owner column (nor a parent with one)"));
        }
        *g = GroupsFromOwner(*owners, table->num_rows());
      } else if (m.by == "owner") {
        std::optional<rulebook::OwnerLookup> owners = rulebook::OwnerLookup::Make(
            compiled.schema(), snapshot, *table, Limits{}.max_relation_depth);
        if (owners.has_value()) {
          *g = GroupsFromOwner(*owners, table->num_rows());
        } else {
          *g = GroupsFromColumn(*table->FindColumn("owner"));
        }
      } else if (const Column* c = table->FindColumn(m.by); c != nullptr) {
        *g = GroupsFromColumn(*c);
      } else if (m.by.find('.') != std::string::npos) {
        const TableSchema* ts = compiled.schema().FindTable(m.table);
        absl::StatusOr<rulebook::ParentPath> path =
            ts == nullptr ? absl::StatusOr<rulebook::ParentPath>(absl::NotFoundError("no schema"))
                          : rulebook::ResolveParentPath(compiled.schema(), *ts, m.by);
        if (!path.ok())
          return MetricDataError(m, m.by_location, std::string(path.status().message()));
        std::vector<int64_t> all(static_cast<size_t>(table->num_rows()));
        for (size_t r = 0; r < all.size(); ++r) all[r] = static_cast<int64_t>(r);
        absl::StatusOr<Column> col =
            rulebook::ParentFieldColumn(compiled.schema(), snapshot, *table, *path, all);
        if (!col.ok()) return col.status();
        *g = GroupsFromColumn(*col);
      } else {
        return MetricDataError(m, m.by_location,
                               absl::StrCat("column '", m.by, "' is not in table '", m.table, "'"));
      }
      git = groups_cache.emplace(gkey, std::move(g)).first;
    }
    p.group = git->second->codes.data();
    p.num_groups = static_cast<int32_t>(git->second->labels.size());
    // Distinct keys.
    if (m.measure.kind == MeasureKind::kCountDistinct) {
      std::string key = absl::StrCat(m.table, "\x1f", m.measure.column);
      auto it = distinct_cache.find(key);
      if (it == distinct_cache.end()) {
        int64_t dense = 0;
        std::vector<int64_t> keys = DistinctKeys(*p.value, &dense);
        it = distinct_cache.emplace(key, std::make_pair(std::move(keys), dense)).first;
      }
      p.distinct_key = it->second.first.data();
      p.distinct_count = it->second.second;
    }
    // Day → slot.
    p.cur = IntervalRange(m.interval, options.as_of, cal);
    p.prev = PreviousRange(m.interval, options.as_of, cal);
    p.lo = DayNumber(p.prev.start);
    int64_t span = DayNumber(p.cur.end) - p.lo + 1;
    p.slot_of_day.assign(static_cast<size_t>(span), -1);
    p.grain_of_day.assign(static_cast<size_t>(span), -1);
    for (absl::CivilDay d = p.prev.start; d <= p.prev.end; ++d)
      p.slot_of_day[DayNumber(d) - p.lo] = 0;
    for (absl::CivilDay d = p.cur.start; d <= p.cur.end; ++d)
      p.slot_of_day[DayNumber(d) - p.lo] = 1;
    p.periods = GrainPeriods(m.grain, p.cur, cal);
    p.slots = 2 + static_cast<int32_t>(p.periods.size());
    for (size_t k = 0; k < p.periods.size(); ++k) {
      absl::CivilDay next = NextGrainStart(m.grain, p.periods[k], cal);
      for (absl::CivilDay d = std::max(p.periods[k], p.cur.start); d < next && d <= p.cur.end;
           ++d) {
        p.grain_of_day[DayNumber(d) - p.lo] = static_cast<int32_t>(k);
      }
    }
    by_table[m.table].push_back(&p);
  }

  // Which groups are shown: every group of the table; with an owner, only
  // the owner's group (by: owner) or the groups of rows in scope.
  auto shown_groups = [&](const SimplePlan& p, const Groups& g) {
    std::vector<int32_t> out;
    const MetricSpec& m = *p.spec;
    if (!options.owner.has_value() || m.by.empty()) {
      for (int32_t k = 0; k < p.num_groups; ++k) out.push_back(k);
      return out;
    }
    if (m.by == "owner") {
      for (int32_t k = 0; k < p.num_groups; ++k) {
        if (g.labels[k] == *options.owner) out.push_back(k);
      }
      if (out.empty()) out.push_back(-1);  // The owner has no rows: a zero group.
      return out;
    }
    const uint8_t* scope =
        evaluated->predicates[static_cast<size_t>(scope_predicate[m.table])].rows.data();
    std::vector<char> seen(static_cast<size_t>(p.num_groups), 0);
    int64_t n = static_cast<int64_t>(g.codes.size());
    for (int64_t r = 0; r < n; ++r) {
      if (GetBit(scope, r)) seen[g.codes[r]] = 1;
    }
    for (int32_t k = 0; k < p.num_groups; ++k) {
      if (seen[k]) out.push_back(k);
    }
    return out;
  };

  std::vector<std::optional<MetricResult>> done(spec.metrics.size());
  for (auto& [table_name, table_plans] : by_table) {
    const Table* table = snapshot.FindTable(table_name);
    std::vector<std::vector<Cell>> cells;
    std::vector<std::vector<int64_t>> distinct;
    RunPass(table_plans, table->num_rows(), options.threads, &cells, &distinct);
    for (size_t m = 0; m < table_plans.size(); ++m) {
      const SimplePlan& p = *table_plans[m];
      const MetricSpec& ms = *p.spec;
      const Groups& g = *groups_cache[absl::StrCat(ms.table, "\x1f", ms.by)];
      const bool is_distinct = ms.measure.kind == MeasureKind::kCountDistinct;
      auto cell_value = [&](int64_t index) {
        return CellResult(p, cells[m][static_cast<size_t>(index)],
                          is_distinct ? distinct[m][static_cast<size_t>(index)] : 0);
      };
      MetricResult r;
      r.id = ms.id;
      r.title = ms.title;
      r.format = ms.format;
      r.interval = p.cur;
      r.previous_interval = p.prev;
      r.grain = ms.grain;
      std::vector<int32_t> shown = shown_groups(p, g);
      auto zero = [&]() { return CellResult(p, Cell{}, 0); };
      for (int32_t k : shown) {
        MetricValue v;
        if (k < 0) {
          v.by = *options.owner;
          v.value = zero();
          v.previous = zero();
        } else {
          v.by = g.labels[k];
          v.value = cell_value(static_cast<int64_t>(k) * p.slots + 1);
          v.previous = cell_value(static_cast<int64_t>(k) * p.slots + 0);
        }
        r.values.push_back(std::move(v));
      }
      // Totals: distinct over everyone, or the merge of every group.
      const int64_t total_base = static_cast<int64_t>(p.num_groups) * p.slots;
      auto total_of = [&](int32_t slot) {
        if (is_distinct) return cell_value(total_base + slot);
        Cell t;
        for (int32_t k = 0; k < p.num_groups; ++k)
          Merge(p, t, cells[m][static_cast<size_t>(k) * p.slots + slot]);
        return CellResult(p, t, 0);
      };
      r.total = total_of(1);
      r.previous_total = total_of(0);
      for (size_t k = 0; k < p.periods.size(); ++k) {
        MetricSeriesEntry e;
        e.start = p.periods[k];
        for (int32_t gk : shown) {
          MetricValue v;
          if (gk < 0) {
            v.by = *options.owner;
            v.value = zero();
          } else {
            v.by = g.labels[gk];
            v.value = cell_value(static_cast<int64_t>(gk) * p.slots + 2 + static_cast<int64_t>(k));
          }
          v.previous = Value::Null(v.value.type());
          e.values.push_back(std::move(v));
        }
        r.series.push_back(std::move(e));
      }
      done[p.spec_index] = std::move(r);
    }
  }

  // Ratios and derived metrics, in dependency order.
  std::function<const MetricResult&(size_t)> get = [&](size_t i) -> const MetricResult& {
    if (done[i].has_value()) return *done[i];
    const MetricSpec& m = spec.metrics[i];
    std::vector<size_t> deps;
    std::vector<metrics::DerivedToken> tokens;
    if (m.kind == MetricKind::kRatio) {
      deps = {static_cast<size_t>(spec.Find(m.numerator) - spec.metrics.data()),
              static_cast<size_t>(spec.Find(m.denominator) - spec.metrics.data())};
      metrics::DerivedToken a, b, div;
      a.kind = b.kind = metrics::DerivedToken::kRef;
      a.ref = m.numerator;
      b.ref = m.denominator;
      div.kind = metrics::DerivedToken::kDiv;
      tokens = {a, b, div};
    } else {
      size_t err = 0;
      tokens = *metrics::ParseDerived(m.expr, &err);
      for (const auto& t : tokens) {
        if (t.kind == metrics::DerivedToken::kRef)
          deps.push_back(static_cast<size_t>(spec.Find(t.ref) - spec.metrics.data()));
      }
    }
    std::vector<const MetricResult*> in;
    in.reserve(deps.size());
    for (size_t d : deps) in.push_back(&get(d));
    std::map<std::string, const MetricResult*, std::less<>> by_id;
    for (size_t j = 0; j < deps.size(); ++j) by_id[spec.metrics[deps[j]].id] = in[j];
    MetricResult r;
    r.id = m.id;
    r.title = m.title;
    r.format = m.format;
    const MetricResult& first = *in[0];
    r.interval = first.interval;
    r.previous_interval = first.previous_interval;
    r.grain = first.grain;
    int64_t zero_denominators = 0;
    auto eval = [&](auto&& value_of) {
      bool zero_div = false;
      auto lookup = [&](const std::string& id) -> std::optional<double> {
        return value_of(*by_id[id]);
      };
      std::optional<double> out = metrics::EvalDerived(tokens, lookup);
      // Detect a zero divisor to note it (NULL either way).
      if (!out.has_value()) {
        for (size_t t = 0; t < tokens.size(); ++t) {
          if (tokens[t].kind == metrics::DerivedToken::kDiv && t >= 1 &&
              tokens[t - 1].kind == metrics::DerivedToken::kRef) {
            std::optional<double> den = value_of(*by_id[tokens[t - 1].ref]);
            if (den.has_value() && *den == 0) zero_div = true;
          }
        }
      }
      if (zero_div) ++zero_denominators;
      return FloatOrNull(out);
    };
    // Groups: the union over the inputs.
    std::vector<Label> labels;
    for (const MetricResult* x : in) {
      for (const MetricValue& v : x->values) {
        if (std::find(labels.begin(), labels.end(), v.by) == labels.end()) labels.push_back(v.by);
      }
    }
    std::sort(labels.begin(), labels.end(), LabelLess);
    for (const Label& label : labels) {
      MetricValue v;
      v.by = label;
      std::optional<std::string_view> key;
      if (label) key = *label;
      v.value = eval([&](const MetricResult& x) {
        const MetricValue* f = x.Find(key);
        return f ? AsDouble(f->value) : std::nullopt;
      });
      v.previous = eval([&](const MetricResult& x) {
        const MetricValue* f = x.Find(key);
        return f ? AsDouble(f->previous) : std::nullopt;
      });
      r.values.push_back(std::move(v));
    }
    r.total = eval([](const MetricResult& x) { return AsDouble(x.total); });
    r.previous_total = eval([](const MetricResult& x) { return AsDouble(x.previous_total); });
    // A series when every input has the same periods.
    bool same = std::all_of(in.begin(), in.end(), [&](const MetricResult* x) {
      if (x->series.size() != first.series.size()) return false;
      for (size_t k = 0; k < x->series.size(); ++k) {
        if (x->series[k].start != first.series[k].start) return false;
      }
      return true;
    });
    if (same) {
      for (size_t k = 0; k < first.series.size(); ++k) {
        MetricSeriesEntry e;
        e.start = first.series[k].start;
        for (const Label& label : labels) {
          MetricValue v;
          v.by = label;
          v.value = eval([&](const MetricResult& x) -> std::optional<double> {
            for (const MetricValue& sv : x.series[k].values) {
              if (sv.by == label) return AsDouble(sv.value);
            }
            return std::nullopt;
          });
          v.previous = Value::Null(DataType::Float());
          e.values.push_back(std::move(v));
        }
        r.series.push_back(std::move(e));
      }
    }
    if (zero_denominators > 0) {
      r.notes.push_back(absl::StrCat(zero_denominators,
                                     zero_denominators == 1 ? " value" : " values",
                                     " divided by zero (NULL)"));
    }
    done[i] = std::move(r);
    return *done[i];
  };
  for (size_t i = 0; i < spec.metrics.size(); ++i) result.metrics.push_back(get(i));
  for (const MetricResult& m : result.metrics) {
    for (const std::string& n : m.notes)
      result.warnings.push_back(absl::StrCat("metric '", m.id, "': ", n));
  }

  // ------------------------------------------------------------ goals --
  // The reps table of a goal or alert: its own `table:`, else `reps`.
  struct RepsTable {
    const Table* table = nullptr;
    absl::flat_hash_map<std::string, int64_t> row_of;  // key text → row.
  };
  std::map<std::string, RepsTable, std::less<>> reps_cache;
  auto reps = [&](const std::string& name) -> const RepsTable* {
    std::string n = name.empty() ? "reps" : name;
    auto it = reps_cache.find(n);
    if (it != reps_cache.end()) return it->second.table ? &it->second : nullptr;
    RepsTable rt;
    rt.table = snapshot.FindTable(n);
    if (rt.table != nullptr) {
      const Column* key = rt.table->key_column();
      if (key == nullptr && rt.table->num_columns() > 0) key = &rt.table->column(0);
      for (int64_t r = 0; key != nullptr && r < rt.table->num_rows(); ++r) {
        if (!key->IsNull(r)) rt.row_of.emplace(rulebook::CellValue(*key, r).ToString(), r);
      }
    }
    it = reps_cache.emplace(n, std::move(rt)).first;
    return it->second.table ? &it->second : nullptr;
  };
  auto rep_cell = [&](const RepsTable* rt, const Label& by, const std::string& column) -> Value {
    if (rt == nullptr || !by) return Value();
    auto it = rt->row_of.find(*by);
    const Column* c = rt->table->FindColumn(column);
    if (it == rt->row_of.end() || c == nullptr) return Value();
    return rulebook::CellValue(*c, it->second);
  };
  std::map<std::string, bool, std::less<>> ramping_of;  // Over every goal with a ramp.
  for (const GoalSpec& gs : spec.goals) {
    const MetricResult* m = result.Find(gs.metric);
    const RepsTable* rt = reps(gs.table);
    if (gs.target_kind == GoalSpec::Target::kColumn) {
      const RepsTable* tt = reps(gs.target_table);
      if (tt == nullptr) {
        return DataError(gs.target_location,
                         absl::StrCat("table '", gs.target_table,
                                      "' of a goal's target is not in the snapshot"));
      }
      if (tt->table->FindColumn(gs.target_column) == nullptr) {
        return DataError(gs.target_location,
                         absl::StrCat("column '", gs.target_column, "' is not in table '",
                                      gs.target_table, "'"));
      }
    }
    if (gs.ramp_days > 0 && (rt == nullptr || rt->table->FindColumn(gs.start_date) == nullptr)) {
      return DataError(
          gs.ramp_location,
          absl::StrCat("a goal with 'ramp:' needs column '", gs.start_date, "' in table '",
                       gs.table.empty() ? "reps" : gs.table, "'"),
          "name the reps table with 'table:' and its start date column with 'start_date:'");
    }
    for (const MetricValue& v : m->values) {
      GoalResult g;
      g.metric = gs.metric;
      g.by = v.by;
      g.value = v.value;
      std::optional<double> target;
      if (gs.target_kind == GoalSpec::Target::kNumber) {
        target = gs.target;
      } else if (gs.target_kind == GoalSpec::Target::kParam) {
        target = AsDouble(params[gs.param]);
      } else {
        target = AsDouble(rep_cell(reps(gs.target_table), v.by, gs.target_column));
      }
      if (gs.ramp_days > 0 && target.has_value()) {
        Value start = rep_cell(rt, v.by, gs.start_date);
        if (!start.is_null() && start.type().id == TypeId::kDate) {
          int64_t days = DayNumber(options.as_of) - start.int_value();
          if (days < gs.ramp_days) {
            g.ramping = true;
            *target *=
                static_cast<double>(std::max<int64_t>(days, 0)) / static_cast<double>(gs.ramp_days);
          }
        }
        if (v.by) ramping_of[*v.by] = ramping_of[*v.by] || g.ramping;
      }
      if (gs.target_kind == GoalSpec::Target::kColumn && !target.has_value())
        continue;  // No target for this group.
      g.target = FloatOrNull(target);
      std::optional<double> val = AsDouble(v.value);
      g.attainment = FloatOrNull(
          val && target && *target != 0 ? std::optional<double>(*val / *target) : std::nullopt);
      result.goals.push_back(std::move(g));
    }
    // A target for a group the data does not have.
    if (gs.target_kind == GoalSpec::Target::kColumn) {
      const RepsTable* tt = reps(gs.target_table);
      const Column* c = tt->table->FindColumn(gs.target_column);
      std::vector<std::string> absent;
      for (const auto& [key, row] : tt->row_of) {
        if (c->IsNull(row)) continue;
        if (options.owner.has_value() && key != *options.owner) continue;
        if (m->Find(std::string_view(key)) == nullptr) absent.push_back(key);
      }
      std::sort(absent.begin(), absent.end());
      for (const std::string& a : absent) {
        result.warnings.push_back(absl::StrCat(
            "goal for metric '", gs.metric, "': '", a, "' has a target in ", gs.target_table, ".",
            gs.target_column, " but is not a group of the metric (no rows in its table)"));
      }
    }
  }

  // ----------------------------------------------------------- alerts --
  auto format_change = [](double c) { return absl::StrFormat("%+.0f%%", c * 100); };
  for (const AlertSpec& as : spec.alerts) {
    const MetricResult* m = result.Find(as.metric);
    const MetricSpec* ms = spec.Find(as.metric);
    bool whole = ms->kind == MetricKind::kSimple && ms->by.empty();
    const RepsTable* rt = reps(as.table);
    if (as.kind == AlertKind::kPeer && as.peers != "everyone" &&
        (rt == nullptr || rt->table->FindColumn(as.peers) == nullptr)) {
      return DataError(
          as.peers_location,
          absl::StrCat("alert '", as.id, "': peers column '", as.peers, "' is not in table '",
                       as.table.empty() ? "reps" : as.table, "'"),
          "peers: everyone, or a column of the reps table such as team or segment");
    }
    if (!as.audience.empty() && (rt == nullptr || rt->table->FindColumn(as.audience) == nullptr)) {
      return DataError(
          as.audience_location,
          absl::StrCat("alert '", as.id, "': audience column '", as.audience, "' is not in table '",
                       as.table.empty() ? "reps" : as.table, "'"));
    }
    // Peer medians, ramping reps left out.
    std::map<std::string, double> median_of;
    auto peer_key = [&](const Label& by) -> std::optional<std::string> {
      if (as.peers == "everyone") return std::string();
      Value v = rep_cell(rt, by, as.peers);
      if (v.is_null()) return std::nullopt;
      return v.ToString();
    };
    if (as.kind == AlertKind::kPeer) {
      std::map<std::string, std::vector<double>> pool;
      for (const MetricValue& v : m->values) {
        if (!v.by || ramping_of[*v.by]) continue;
        std::optional<double> d = AsDouble(v.value);
        std::optional<std::string> k = peer_key(v.by);
        if (d && k) pool[*k].push_back(*d);
      }
      for (auto& [k, xs] : pool) {
        std::sort(xs.begin(), xs.end());
        size_t n = xs.size();
        median_of[k] = n % 2 == 1 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
      }
    }
    for (const MetricValue& v : m->values) {
      if (!v.by && !whole) continue;
      bool ramping = v.by && ramping_of[*v.by];
      if (as.ramping.has_value() && *as.ramping != ramping) continue;
      std::optional<double> value = AsDouble(v.value);
      if (!value) continue;
      std::optional<double> measure;  // What below/above compare.
      std::optional<double> target;
      std::optional<double> change;
      const GoalResult* goal = nullptr;
      for (const GoalResult& g : result.goals) {
        if (g.metric == as.metric && g.by == v.by) goal = &g;
      }
      if (goal != nullptr) target = AsDouble(goal->target);
      std::optional<double> previous = AsDouble(v.previous);
      if (previous && *previous != 0) change = (*value - *previous) / std::fabs(*previous);
      if (as.kind == AlertKind::kGoal) {
        if (goal == nullptr) continue;
        measure = AsDouble(goal->attainment);
      } else if (as.kind == AlertKind::kTrend) {
        measure = change;
      } else {
        std::optional<std::string> k = peer_key(v.by);
        if (!k || !median_of.count(*k) || median_of[*k] == 0) continue;
        measure = (*value - median_of[*k]) / std::fabs(median_of[*k]);
        change = measure;
      }
      if (!measure) continue;
      bool fire = (as.below && *measure < *as.below) || (as.above && *measure > *as.above);
      if (!fire) continue;
      AlertResult a;
      a.id = as.id;
      a.kind = as.kind;
      a.valence = as.valence;
      a.metric = as.metric;
      a.by = v.by;
      a.value = v.value;
      std::string median_text;
      if (as.kind == AlertKind::kPeer)
        median_text = FormatNumber(Value::Float(median_of[*peer_key(v.by)]));
      a.message = absl::StrReplaceAll(
          as.message,
          {{"{by}", v.by.value_or(whole ? m->title : "(none)")},
           {"{value}", FormatNumber(v.value)},
           {"{target}", target ? FormatNumber(Value::Float(*target)) : "—"},
           {"{previous}", FormatNumber(v.previous)},
           {"{change}", change ? format_change(*change) : "—"},
           {"{median}", median_text.empty() ? "—" : median_text},
           {"{attainment}", goal && !goal->attainment.is_null()
                                ? absl::StrFormat("%.0f%%", goal->attainment.float_value() * 100)
                                : "—"}});
      if (!as.audience.empty()) {
        Value aud = rep_cell(rt, v.by, as.audience);
        if (!aud.is_null()) a.audience = aud.ToString();
      }
      result.alerts.push_back(std::move(a));
    }
  }
  std::stable_sort(result.alerts.begin(), result.alerts.end(),
                   [](const AlertResult& a, const AlertResult& b) {
                     return static_cast<int>(a.valence) < static_cast<int>(b.valence);
                   });
  return result;
}

}  // namespace docket
