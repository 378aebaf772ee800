// The history generator: past snapshots of the accounts table derived
// backwards from the current one (gen/history.h).
#include "gen/history.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "docket/builder.h"
#include "gen/random.h"

namespace docket::gen {
namespace {

constexpr uint64_t kHistoryTag = 0x4849535400000000ULL;  // "HIST"
constexpr uint64_t kGoneTag = 0x474f4e4500000000ULL;     // "GONE"
constexpr int64_t kSecondsPerDay = 86400;

// One cell of a row, whatever its type.
struct Cell {
  bool null = true;
  int64_t i = 0;  // int, timestamp, date, bool
  double f = 0;
  std::string_view s;
};

Cell Read(const Column& c, int64_t row) {
  Cell v;
  if (c.IsNull(row)) return v;
  v.null = false;
  switch (c.type_id()) {
    case TypeId::kBool:
      v.i = c.Values<uint8_t>()[row];
      break;
    case TypeId::kInt:
    case TypeId::kTimestamp:
      v.i = c.Values<int64_t>()[row];
      break;
    case TypeId::kDate:
      v.i = c.Values<int32_t>()[row];
      break;
    case TypeId::kFloat:
      v.f = c.Values<double>()[row];
      break;
    case TypeId::kString:
      v.s = c.StringAt(row);
      break;
  }
  return v;
}

void Write(const Cell& v, ColumnBuilder* w, TypeId type) {
  if (v.null) return w->AppendNull();
  switch (type) {
    case TypeId::kBool:
      return w->AppendBool(v.i != 0);
    case TypeId::kInt:
      return w->AppendInt(v.i);
    case TypeId::kTimestamp:
      return w->AppendTimestamp(v.i);
    case TypeId::kDate:
      return w->AppendDate(static_cast<int32_t>(v.i));
    case TypeId::kFloat:
      return w->AppendFloat(v.f);
    case TypeId::kString:
      return w->AppendString(v.s);
  }
}

Cell Null() { return Cell{}; }
Cell Int(int64_t i) {
  Cell c;
  c.null = false;
  c.i = i;
  return c;
}
Cell Float(double f) {
  Cell c;
  c.null = false;
  c.f = f;
  return c;
}
Cell Str(std::string_view s) {
  Cell c;
  c.null = false;
  c.s = s;
  return c;
}

// Column positions in the accounts table (-1 when absent or of another type).
struct Cols {
  int id = -1, csm = -1, previous_csm = -1, csm_changed_at = -1, arr = -1, arr_year_ago = -1,
      pulse = -1, pulse_changed_at = -1, health = -1, health_prev = -1, last_value_review = -1,
      renewal_date = -1, forecast = -1, sentiment = -1, created_at = -1, go_live = -1, usage = -1,
      usage_prev = -1, key_feature = -1, last_touch = -1, nps = -1, nps_at = -1, churned_at = -1,
      renewed_at = -1, event = -1, event_at = -1;
};

int Find(const Table& t, std::string_view name, TypeId type) {
  for (int i = 0; i < t.num_columns(); ++i) {
    if (t.schema().columns[i].name == name) return t.column(i).type_id() == type ? i : -1;
  }
  return -1;
}

Cols FindCols(const Table& t) {
  Cols c;
  c.id = Find(t, "id", TypeId::kString);
  c.csm = Find(t, "csm", TypeId::kString);
  c.previous_csm = Find(t, "previous_csm", TypeId::kString);
  c.csm_changed_at = Find(t, "csm_changed_at", TypeId::kDate);
  c.arr = Find(t, "arr", TypeId::kFloat);
  c.arr_year_ago = Find(t, "arr_year_ago", TypeId::kFloat);
  c.pulse = Find(t, "pulse", TypeId::kString);
  c.pulse_changed_at = Find(t, "pulse_changed_at", TypeId::kDate);
  c.health = Find(t, "health_score", TypeId::kInt);
  c.health_prev = Find(t, "health_score_prev", TypeId::kInt);
  c.last_value_review = Find(t, "last_value_review", TypeId::kDate);
  c.renewal_date = Find(t, "renewal_date", TypeId::kDate);
  c.forecast = Find(t, "forecast", TypeId::kString);
  c.sentiment = Find(t, "forecast_sentiment", TypeId::kString);
  c.created_at = Find(t, "created_at", TypeId::kDate);
  c.go_live = Find(t, "go_live_date", TypeId::kDate);
  c.usage = Find(t, "usage_30d", TypeId::kFloat);
  c.usage_prev = Find(t, "usage_prev_30d", TypeId::kFloat);
  c.key_feature = Find(t, "key_feature_first_used", TypeId::kDate);
  c.last_touch = Find(t, "last_touch_at", TypeId::kTimestamp);
  c.nps = Find(t, "nps_score", TypeId::kInt);
  c.nps_at = Find(t, "nps_responded_at", TypeId::kDate);
  c.churned_at = Find(t, "churned_at", TypeId::kDate);
  c.renewed_at = Find(t, "renewed_at", TypeId::kDate);
  c.event = Find(t, "important_event", TypeId::kString);
  c.event_at = Find(t, "important_event_at", TypeId::kDate);
  return c;
}

constexpr std::string_view kPulses[] = {"green", "yellow", "red"};

// A value `age` days before today moving linearly from `then` (30 days ago)
// to `now`; 30 to 42 days back it is `then`; older it wanders ±4% a week.
double Drift(double now, double then, int age, uint64_t noise) {
  if (age <= 0) return now;
  if (age < 30) return then + (now - then) * static_cast<double>(30 - age) / 30.0;
  if (age <= 42) return then;
  const double wobble = static_cast<double>(static_cast<int64_t>(noise % 81) - 40) / 1000.0;
  return then * (1.0 + wobble);
}

class Builder {
 public:
  Builder(const GenOptions& o, const HistoryOptions& h, const Table& now, const Table* gone,
          std::vector<std::string> gone_ids, std::vector<int32_t> gone_at)
      : o_(o),
        now_(now),
        gone_(gone),
        gone_ids_(std::move(gone_ids)),
        gone_at_(std::move(gone_at)) {
    today_ = DaysFromCivil(static_cast<int32_t>(o.as_of.year()), o.as_of.month(), o.as_of.day());
    cols_ = FindCols(now);
    for (int i = 0; i < now.num_columns(); ++i) {
      const std::string& name = now.schema().columns[i].name;
      if (h.columns.empty() || name == "id" ||
          std::find(h.columns.begin(), h.columns.end(), name) != h.columns.end())
        keep_.push_back(i);
    }
  }

  absl::StatusOr<Table> Build(int age) {
    // ColumnBuilder's automatic string encoding, as the CSV reader would
    // build these columns (dictionaries for the low-cardinality ones).
    std::vector<ColumnBuilder> w;
    w.reserve(keep_.size());
    for (int c : keep_) w.emplace_back(now_.column(c).type(), StringEncoding::kAuto);
    std::vector<Cell> row(static_cast<size_t>(now_.num_columns()));
    auto emit = [&] {
      for (size_t k = 0; k < keep_.size(); ++k)
        Write(row[static_cast<size_t>(keep_[k])], &w[k], now_.column(keep_[k]).type_id());
    };
    for (int64_t r = 0; r < now_.num_rows(); ++r) {
      if (At(now_, r, static_cast<uint64_t>(r + 1), age, &row)) emit();
    }
    if (gone_ != nullptr) {
      for (int64_t r = 0; r < gone_->num_rows(); ++r) {
        if (today_ - age >= gone_at_[static_cast<size_t>(r)]) continue;
        const uint64_t number = static_cast<uint64_t>(now_.num_rows() + r + 1);
        if (!At(*gone_, r, number, age, &row)) continue;
        row[static_cast<size_t>(cols_.id)] = Str(gone_ids_[static_cast<size_t>(r)]);
        emit();
      }
    }
    std::vector<ColumnSchema> schemas;
    std::vector<Column> columns;
    for (size_t k = 0; k < keep_.size(); ++k) {
      schemas.push_back(now_.schema().columns[static_cast<size_t>(keep_[k])]);
      columns.push_back(std::move(w[k]).Finish());
    }
    TableSchema schema = now_.schema();
    schema.columns = std::move(schemas);
    if (schema.FindColumn(schema.owner) < 0) schema.owner.clear();
    return Table::Make(std::move(schema), std::move(columns));
  }

 private:
  // Fills `row` with account `r` of `t` as it was `age` days before today;
  // false when the account did not exist yet.
  bool At(const Table& t, int64_t r, uint64_t number, int age, std::vector<Cell>* out) {
    std::vector<Cell>& v = *out;
    for (int c = 0; c < t.num_columns(); ++c) v[static_cast<size_t>(c)] = Read(t.column(c), r);
    const int32_t d = today_ - age;  // the snapshot's date
    auto cell = [&](int c) -> Cell& {
      static Cell dummy;
      return c < 0 ? (dummy = Cell{}) : v[static_cast<size_t>(c)];
    };
    auto date = [&](int c) -> int64_t { return c < 0 || v[c].null ? INT64_MIN : v[c].i; };
    auto after = [&](int c) { return date(c) != INT64_MIN && date(c) > d; };
    if (after(cols_.created_at)) return false;
    // One stream per (account, snapshot) for this snapshot's choices, and one
    // per account for choices every snapshot must agree on.
    Rng rs(o_.seed, kHistoryTag + static_cast<uint64_t>(age), number);
    Rng ra(o_.seed, kHistoryTag, number);
    const uint64_t stable = ra.Next();

    // Owner transitions: the previous CSM until the change.
    if (cols_.csm >= 0 && cols_.previous_csm >= 0 && after(cols_.csm_changed_at) &&
        !v[cols_.previous_csm].null) {
      v[cols_.csm] = v[cols_.previous_csm];
      v[cols_.previous_csm] = Null();
      if (cols_.created_at >= 0) cell(cols_.csm_changed_at) = v[cols_.created_at];
    }
    // Churn after the snapshot: still a customer then.
    if (after(cols_.churned_at)) {
      const int32_t churned = static_cast<int32_t>(v[cols_.churned_at].i);
      v[cols_.churned_at] = Null();
      if (cols_.arr >= 0) {
        double before = cols_.arr_year_ago >= 0 && !v[cols_.arr_year_ago].null
                            ? v[cols_.arr_year_ago].f
                            : static_cast<double>(50 * (60 + (stable % 400)));
        v[cols_.arr] = Float(before);
      }
      if (cols_.renewal_date >= 0) v[cols_.renewal_date] = Int(churned);
      if (cols_.sentiment >= 0 && (stable >> 8) % 100 < 60)
        v[cols_.sentiment] = Str("likely churn");
    }
    // Renewals after the snapshot were still pending.
    if (after(cols_.renewed_at)) {
      const int32_t renewed = static_cast<int32_t>(v[cols_.renewed_at].i);
      if (cols_.renewal_date >= 0) v[cols_.renewal_date] = Int(renewed);
      const int32_t before = AddMonths(renewed, -12);
      v[cols_.renewed_at] = before > date(cols_.created_at) ? Int(before) : Null();
    }
    // Forecasts are set as renewals come near: half of those set now were
    // not yet set when the renewal was outside the 120-day window.
    if (cols_.forecast >= 0 && cols_.renewal_date >= 0 && !v[cols_.forecast].null &&
        !v[cols_.renewal_date].null && v[cols_.renewal_date].i - d > 120 && (stable >> 16) % 2 == 0)
      v[cols_.forecast] = Null();
    if (after(cols_.go_live)) v[cols_.go_live] = Null();
    // Usage and health: see Drift().
    if (cols_.usage >= 0 && !v[cols_.usage].null) {
      const int32_t live = static_cast<int32_t>(date(cols_.go_live));
      const bool has_prev = cols_.usage_prev >= 0 && !v[cols_.usage_prev].null;
      const double now = v[cols_.usage].f;
      auto usage_at = [&](int days) -> Cell {
        if (cols_.go_live >= 0 && (date(cols_.go_live) == INT64_MIN || today_ - days < live))
          return Null();
        if (!has_prev) {
          if (days >= 30) return Null();
          return Float(std::round(now * static_cast<double>(30 - days) / 3.0) / 10.0);
        }
        const uint64_t noise =
            Rng(o_.seed, kHistoryTag + 1000 + static_cast<uint64_t>(days), number).Next();
        return Float(std::round(Drift(now, v[cols_.usage_prev].f, days, noise) * 10.0) / 10.0);
      };
      Cell u = usage_at(age), up = usage_at(age + 30);
      v[cols_.usage] = u;
      if (cols_.usage_prev >= 0) v[cols_.usage_prev] = up;
    }
    if (cols_.health >= 0 && !v[cols_.health].null) {
      const bool has_prev = cols_.health_prev >= 0 && !v[cols_.health_prev].null;
      const double now = static_cast<double>(v[cols_.health].i);
      const double then = has_prev ? static_cast<double>(v[cols_.health_prev].i) : now;
      auto health_at = [&](int days) -> Cell {
        const uint64_t noise =
            Rng(o_.seed, kHistoryTag + 2000 + static_cast<uint64_t>(days), number).Next();
        double h = std::round(Drift(now, then, days, noise));
        return Int(std::clamp<int64_t>(static_cast<int64_t>(h), 0, 100));
      };
      Cell hp = health_at(age + 30);
      v[cols_.health] = health_at(age);
      if (cols_.health_prev >= 0) v[cols_.health_prev] = has_prev ? hp : Null();
    }
    // First use of the key feature: not yet.
    if (after(cols_.key_feature)) v[cols_.key_feature] = Null();
    // Pulse: the earlier read (or none) before the last change.
    if (after(cols_.pulse_changed_at)) {
      if ((stable >> 24) % 100 < 25) {
        cell(cols_.pulse) = Null();
        v[cols_.pulse_changed_at] = Null();
      } else {
        if (cols_.pulse >= 0) v[cols_.pulse] = Str(kPulses[(stable >> 32) % 3]);
        v[cols_.pulse_changed_at] =
            Int(v[cols_.pulse_changed_at].i - 60 - static_cast<int64_t>((stable >> 40) % 120));
      }
    }
    // NPS: the answer before (a third had one), or none.
    if (after(cols_.nps_at)) {
      if ((stable >> 48) % 3 == 0) {
        cell(cols_.nps) = Int(static_cast<int64_t>((stable >> 52) % 11));
        v[cols_.nps_at] = Int(v[cols_.nps_at].i - 90 - static_cast<int64_t>((stable >> 4) % 200));
      } else {
        cell(cols_.nps) = Null();
        v[cols_.nps_at] = Null();
      }
    }
    if (after(cols_.event_at)) {
      cell(cols_.event) = Null();
      v[cols_.event_at] = Null();
    }
    if (after(cols_.last_value_review)) {
      v[cols_.last_value_review] =
          Int(v[cols_.last_value_review].i - 90 - static_cast<int64_t>((stable >> 12) % 90));
    }
    if (cols_.last_touch >= 0 && !v[cols_.last_touch].null &&
        v[cols_.last_touch].i >= static_cast<int64_t>(d + 1) * kSecondsPerDay) {
      v[cols_.last_touch] = Int(v[cols_.last_touch].i -
                                (age + static_cast<int64_t>(rs.Between(1, 20))) * kSecondsPerDay);
    }
    // Values must not predate the account.
    for (int c :
         {cols_.pulse_changed_at, cols_.nps_at, cols_.last_value_review, cols_.renewed_at}) {
      if (c >= 0 && !v[c].null && date(cols_.created_at) != INT64_MIN &&
          v[c].i < date(cols_.created_at))
        v[c] = v[cols_.created_at];
    }
    return true;
  }

  const GenOptions& o_;
  const Table& now_;
  const Table* gone_;
  std::vector<std::string> gone_ids_;
  std::vector<int32_t> gone_at_;
  int32_t today_ = 0;
  Cols cols_;
  std::vector<int> keep_;
};

}  // namespace

absl::StatusOr<std::vector<PastSnapshot>> GenerateHistory(const GenOptions& options,
                                                          const Snapshot& current,
                                                          const HistoryOptions& history) {
  const Table* accounts = current.FindTable("accounts");
  if (accounts == nullptr)
    return absl::InvalidArgumentError("--history needs the accounts table (add it to --tables)");
  if (history.snapshots < 1 || history.snapshots > 520)
    return absl::InvalidArgumentError("the number of history snapshots must be in 1..520");
  if (history.interval_days < 1 || history.interval_days > 366)
    return absl::InvalidArgumentError("the history interval must be 1..366 days");
  if (history.gone_permille < 0 || history.gone_permille > 1000)
    return absl::InvalidArgumentError("gone accounts must be 0..1000 per thousand");
  for (const std::string& c : history.columns) {
    if (accounts->FindColumn(c) == nullptr)
      return absl::InvalidArgumentError(
          absl::StrCat("history column '", c, "' is not a column of accounts"));
  }
  const Cols cols = FindCols(*accounts);
  if (cols.id < 0) return absl::InvalidArgumentError("accounts has no string key column 'id'");

  // Accounts that are gone by today: generated with their own seed and
  // numbered after the current ones.
  std::vector<std::string> gone_ids;
  std::vector<int32_t> gone_at;
  Snapshot gone_snapshot;
  const Table* gone = nullptr;
  const int64_t n = accounts->num_rows();
  const int64_t n_gone = history.gone_permille == 0 || n == 0
                             ? 0
                             : std::max<int64_t>(1, n * history.gone_permille / 1000);
  if (n_gone > 0) {
    GenOptions g = options;
    g.seed = Mix64(options.seed ^ kGoneTag);
    g.num_accounts = n_gone;
    g.tables = {"accounts"};
    g.orphan_rows = 0;
    absl::StatusOr<Snapshot> s = GenerateSnapshot(g);
    if (!s.ok()) return s.status();
    gone_snapshot = *std::move(s);
    gone = gone_snapshot.FindTable("accounts");
    const int width =
        std::max<int>(static_cast<int>(accounts->column(cols.id).StringAt(0).size()) - 1,
                      static_cast<int>(std::to_string(n + n_gone).size()));
    const int32_t today = DaysFromCivil(static_cast<int32_t>(options.as_of.year()),
                                        options.as_of.month(), options.as_of.day());
    const int span = history.snapshots * history.interval_days;
    for (int64_t k = 0; k < n_gone; ++k) {
      gone_ids.push_back(absl::StrFormat("A%0*d", width, n + k + 1));
      Rng r(options.seed, kGoneTag, static_cast<uint64_t>(k));
      gone_at.push_back(today - static_cast<int32_t>(r.Between(1, std::max(1, span - 1))));
    }
  }

  Builder b(options, history, *accounts, gone, std::move(gone_ids), std::move(gone_at));
  std::vector<PastSnapshot> out;
  for (int k = history.snapshots; k >= 1; --k) {
    const int age = k * history.interval_days;
    absl::StatusOr<Table> t = b.Build(age);
    if (!t.ok()) return t.status();
    PastSnapshot ds;
    ds.date = options.as_of - age;
    absl::Status added = ds.snapshot.AddTable(*std::move(t));
    if (!added.ok()) return added;
    out.push_back(std::move(ds));
  }
  return out;
}

absl::Status WriteHistoryDirectory(const std::vector<PastSnapshot>& history,
                                   const std::string& dir) {
  for (const PastSnapshot& s : history) {
    const std::string sub = (std::filesystem::path(dir) / absl::FormatCivilTime(s.date)).string();
    absl::Status st = WriteCsvDirectory(s.snapshot, sub);
    if (!st.ok()) return st;
  }
  return absl::OkStatus();
}

}  // namespace docket::gen
