// Loader of the metrics sections: see rulebook/metric_spec.h and
// docs/rulebooks.md ("Metrics, goals and alerts").
#include "rulebook/metric_spec.h"

#include <algorithm>
#include <cstdlib>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/names.h"
#include "docket/metrics.h"
#include "rulebook/metric_derived.h"
#include "rulebook/spec_parsers.h"

namespace docket::rulebook {
namespace {

#define DOCKET_MS_RETURN_IF_ERROR(expr) \
  do {                                  \
    absl::Status _st = (expr);          \
    if (!_st.ok()) return _st;          \
  } while (0)

// The spellings of the metrics sections' enums, in the order hints list
// them: the one table each that parsing (below) and the *Name() functions
// of docket/metrics.h (at the end of this file) read.
template <typename E>
struct Spelling {
  std::string_view name;
  E value;
};
template <typename E>
using Spellings = std::initializer_list<Spelling<E>>;

const Spellings<Grain> kGrainNames = {{"day", Grain::kDay},
                                      {"week", Grain::kWeek},
                                      {"month", Grain::kMonth},
                                      {"quarter", Grain::kQuarter}};
const Spellings<MetricFormat> kFormatNames = {{"number", MetricFormat::kNumber},
                                              {"percent", MetricFormat::kPercent},
                                              {"currency", MetricFormat::kCurrency},
                                              {"duration", MetricFormat::kDuration}};
const Spellings<AlertKind> kAlertKindNames = {
    {"goal", AlertKind::kGoal}, {"trend", AlertKind::kTrend}, {"peer", AlertKind::kPeer}};
const Spellings<Valence> kValenceNames = {{"positive", Valence::kPositive},
                                          {"warning", Valence::kWarning},
                                          {"neutral", Valence::kNeutral}};

template <typename E>
std::string_view NameIn(Spellings<E> names, E value) {
  for (const Spelling<E>& n : names) {
    if (n.value == value) return n.name;
  }
  return "";
}

// Reads `text` (any case) as one of `names` into *out, or the error "unknown
// <what> 'text'" with a did-you-mean or the list of spellings.
template <typename E>
absl::Status ParseName(const YamlSource& src, const YAML::Node& at, const std::string& text,
                       std::string_view what, Spellings<E> names, E* out) {
  std::string lower = absl::AsciiStrToLower(text);
  std::vector<std::string> all;
  for (const Spelling<E>& n : names) {
    if (n.name == lower) {
      *out = n.value;
      return absl::OkStatus();
    }
    all.emplace_back(n.name);
  }
  std::string close = base::ClosestName(lower, all);
  std::string list =
      absl::StrCat(absl::StrJoin(all.begin(), all.end() - 1, ", "), " or ", all.back());
  return src.Error(at, absl::StrCat("unknown ", std::string(what), " '", text, "'"),
                   close.empty() ? list : absl::StrCat("did you mean '", close, "'?"));
}

const std::vector<std::string> kMetricKeys = {
    "id", "title",    "description", "table",  "measure", "where", "time",
    "by", "interval", "grain",       "format", "ratio",   "expr"};
const std::vector<std::string> kGoalKeys = {"metric",     "target", "ramp",
                                            "start_date", "table",  "description"};
const std::vector<std::string> kAlertKeys = {
    "id",    "title",   "description", "kind",     "metric",  "below", "above",
    "peers", "valence", "message",     "audience", "ramping", "table"};

std::string Hint(std::string_view name, const std::vector<std::string>& candidates,
                 std::string_view what) {
  std::string close = base::ClosestName(name, candidates);
  if (!close.empty()) return absl::StrCat("did you mean '", close, "'?");
  if (candidates.empty()) return absl::StrCat("the rulebook defines no ", std::string(what));
  if (candidates.size() > 12) return "";
  return absl::StrCat("the ", std::string(what), " are: ", absl::StrJoin(candidates, ", "));
}

class MetricsLoader {
 public:
  MetricsLoader(const YamlSource& src, const Rulebook& book) : src_(src), book_(book) {}

  absl::Status CheckKeys(const YAML::Node& map, const std::vector<std::string>& allowed,
                         const std::string& where) {
    absl::flat_hash_set<std::string> seen;
    for (const auto& kv : map) {
      if (!kv.first.IsScalar())
        return src_.Error(kv.first, absl::StrCat("keys ", where, " must be names"));
      const std::string& k = kv.first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
        std::string close = base::ClosestName(k, allowed);
        return src_.Error(kv.first, absl::StrCat("unknown key '", k, "' ", where),
                          close.empty()
                              ? absl::StrCat("expected one of: ", absl::StrJoin(allowed, ", "))
                              : absl::StrCat("did you mean '", close, "'?"));
      }
      if (!seen.insert(k).second)
        return src_.Error(kv.first, absl::StrCat("duplicate key '", k, "' ", where));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::string> Text(const YAML::Node& key, const YAML::Node& v) {
    if (!v.IsScalar() || absl::StripAsciiWhitespace(v.Scalar()).empty()) {
      return src_.Error(v.IsNull() ? src_.Location(key) : src_.Location(v),
                        absl::StrCat("'", key.Scalar(), "' needs a single, non-empty value"));
    }
    return std::string(absl::StripAsciiWhitespace(v.Scalar()));
  }

  absl::StatusOr<double> Number(const YAML::Node& key, const YAML::Node& v) {
    absl::StatusOr<std::string> s = Text(key, v);
    if (!s.ok()) return s.status();
    double d = 0;
    if (!absl::SimpleAtod(*s, &d)) {
      return src_.Error(v, absl::StrCat("'", key.Scalar(), "' must be a number, not '", *s, "'"));
    }
    return d;
  }

  // The location of byte `offset` of a single-line scalar.
  SourceLocation Inside(const YAML::Node& node, size_t offset) {
    ExpressionSource e = src_.Expression(node);
    SourceLocation loc = e.origin;
    if (e.text.find('\n') == std::string::npos && e.text == node.Scalar())
      loc.column += static_cast<int>(offset);
    return loc;
  }

  absl::Status Interval(const YAML::Node& v, IntervalSpec* out) {
    std::string s =
        absl::AsciiStrToLower(absl::StripAsciiWhitespace(v.IsScalar() ? v.Scalar() : ""));
    static const std::vector<std::pair<std::string, IntervalKind>> kNamed = {
        {"this_week", IntervalKind::kThisWeek},       {"last_week", IntervalKind::kLastWeek},
        {"this_month", IntervalKind::kThisMonth},     {"last_month", IntervalKind::kLastMonth},
        {"this_quarter", IntervalKind::kThisQuarter}, {"last_quarter", IntervalKind::kLastQuarter},
        {"year_to_date", IntervalKind::kYearToDate}};
    for (const auto& [name, kind] : kNamed) {
      if (s == name) {
        out->kind = kind;
        return absl::OkStatus();
      }
    }
    std::vector<std::string> parts = absl::StrSplit(s, absl::ByAnyChar(" _"), absl::SkipEmpty());
    if (parts.size() == 3 && parts[0] == "trailing") {
      int64_t n = 0;
      if (absl::SimpleAtoi(parts[1], &n) && n >= 1 && n <= 100000) {
        std::string unit = parts[2];
        if (unit == "day" || unit == "days") {
          out->kind = IntervalKind::kTrailingDays;
        } else if (unit == "week" || unit == "weeks") {
          out->kind = IntervalKind::kTrailingWeeks;
        } else if (unit == "month" || unit == "months") {
          out->kind = IntervalKind::kTrailingMonths;
        } else {
          return src_.Error(v, absl::StrCat("unknown unit '", unit, "' in interval '", s, "'"),
                            "trailing N days, trailing N weeks or trailing N months");
        }
        out->n = n;
        return absl::OkStatus();
      }
    }
    std::vector<std::string> names;
    names.reserve(std::size(kNamed));
    for (const auto& [name, kind] : kNamed) names.push_back(name);
    std::string close = base::ClosestName(s, names);
    return src_.Error(
        v, absl::StrCat("unknown interval '", s, "'"),
        close.empty() ? "this_week, last_week, this_month, last_month, this_quarter, last_quarter, "
                        "year_to_date or trailing N days|weeks|months"
                      : absl::StrCat("did you mean '", close, "'?"));
  }

  absl::Status Metric(const YAML::Node& node, MetricSpec* m) {
    if (!node.IsMap())
      return src_.Error(node, "each metric must be a mapping (id, table, measure, time, …)");
    std::string where = "in a metric";
    if (YAML::Node id = node["id"]; id && id.IsScalar())
      where = absl::StrCat("in metric '", id.Scalar(), "'");
    DOCKET_MS_RETURN_IF_ERROR(CheckKeys(node, kMetricKeys, where));
    bool has_measure = false, has_time = false;
    for (const auto& kv : node) {
      const std::string& k = kv.first.Scalar();
      const YAML::Node& v = kv.second;
      if (k == "description") continue;
      if (k == "ratio") {
        if (!v.IsMap()) return src_.Error(v, "'ratio' must be {numerator: ID, denominator: ID}");
        DOCKET_MS_RETURN_IF_ERROR(CheckKeys(v, {"numerator", "denominator"}, "in a ratio"));
        m->kind = MetricKind::kRatio;
        for (const auto& r : v) {
          absl::StatusOr<std::string> s = Text(r.first, r.second);
          if (!s.ok()) return s.status();
          if (r.first.Scalar() == "numerator") {
            m->numerator = *s;
            m->numerator_location = src_.Location(r.second);
          } else {
            m->denominator = *s;
            m->denominator_location = src_.Location(r.second);
          }
        }
        if (m->numerator.empty() || m->denominator.empty()) {
          return src_.Error(v, "a ratio needs both 'numerator' and 'denominator'");
        }
        continue;
      }
      absl::StatusOr<std::string> s = Text(kv.first, v);
      if (!s.ok()) return s.status();
      if (k == "id") {
        if (!base::IsIdentifier(*s))
          return src_.Error(v, "a metric id must be an identifier (letters, digits, '_')");
        m->id = *s;
        m->location = src_.Location(v);
      } else if (k == "title") {
        m->title = *s;
      } else if (k == "table") {
        m->table = *s;
        m->table_location = src_.Location(v);
      } else if (k == "measure") {
        size_t err = 0;
        absl::StatusOr<Measure> meas = ParseMeasure(*s, &err);
        if (!meas.ok()) {
          return src_.Error(Inside(v, err), std::string(meas.status().message()),
                            "count, count_distinct(col), sum(col), avg(col), min(col) or max(col)");
        }
        m->measure = *meas;
        m->measure_location = src_.Location(v);
        if (!m->measure.column.empty()) {
          size_t at = s->find(m->measure.column, s->find('('));
          if (at != std::string::npos) m->measure_location = Inside(v, at);
        }
        has_measure = true;
      } else if (k == "where") {
        m->where = src_.Expression(v);
      } else if (k == "time") {
        m->time = *s;
        m->time_location = src_.Location(v);
        has_time = true;
      } else if (k == "by") {
        m->by = *s;
        m->by_location = src_.Location(v);
      } else if (k == "interval") {
        DOCKET_MS_RETURN_IF_ERROR(Interval(v, &m->interval));
        m->has_interval = true;
        m->interval_location = src_.Location(v);
      } else if (k == "grain") {
        DOCKET_MS_RETURN_IF_ERROR(ParseName(src_, v, *s, "grain", kGrainNames, &m->grain));
      } else if (k == "format") {
        DOCKET_MS_RETURN_IF_ERROR(ParseName(src_, v, *s, "format", kFormatNames, &m->format));
      } else if (k == "expr") {
        m->kind = MetricKind::kDerived;
        m->expr = *s;
        m->expr_location = src_.Location(v);
        size_t err = 0;
        absl::StatusOr<std::vector<metrics::DerivedToken>> toks =
            metrics::ParseDerived(v.Scalar(), &err);
        if (!toks.ok())
          return src_.Error(Inside(v, err), std::string(toks.status().message()),
                            "expr: arr_now / arr_year_ago");
      }
    }
    SourceLocation at = src_.Location(node);
    if (m->id.empty()) return src_.Error(at, "missing required key 'id' in a metric");
    if (m->title.empty()) m->title = m->id;
    if (m->kind == MetricKind::kSimple) {
      auto missing = [&](const std::string& key, std::string_view hint) {
        return src_.Error(at,
                          absl::StrCat("missing required key '", key, "' in metric '", m->id, "'"),
                          std::string(hint));
      };
      if (m->table.empty())
        return missing("table", "the table whose rows are measured, e.g. 'table: activities'");
      if (!has_measure)
        return missing("measure",
                       "count, count_distinct(col), sum(col), avg(col), min(col) or max(col)");
      if (!has_time)
        return missing("time", "the date or timestamp column that places a row in the interval");
      if (!m->has_interval)
        return missing("interval", "e.g. 'interval: last_week' or 'interval: trailing 30 days'");
      if (m->measure.kind == MeasureKind::kCountColumn) {
        return src_.Error(m->measure_location, "a metric's measure cannot be count(col)",
                          "use count with 'where: col IS NOT NULL', or count_distinct(col)");
      }
    } else {
      for (const char* key : {"table", "measure", "where", "time", "by", "interval", "grain"}) {
        if (node[key]) {
          return src_.Error(node[key],
                            absl::StrCat("metric '", m->id, "' is a ",
                                         m->kind == MetricKind::kRatio ? "ratio" : "derived metric",
                                         ": '", key, "' comes from the metrics it combines"));
        }
      }
      if (node["ratio"] && node["expr"])
        return src_.Error(node["expr"], "a metric is either a ratio or derived (expr), not both");
    }
    return absl::OkStatus();
  }

  absl::Status Target(const YAML::Node& v, GoalSpec* g) {
    g->target_location = src_.Location(v);
    if (v.IsMap()) {
      DOCKET_MS_RETURN_IF_ERROR(CheckKeys(v, {"table", "column"}, "in a goal's target"));
      for (const auto& kv : v) {
        absl::StatusOr<std::string> s = Text(kv.first, kv.second);
        if (!s.ok()) return s.status();
        (kv.first.Scalar() == "table" ? g->target_table : g->target_column) = *s;
      }
      if (g->target_table.empty() || g->target_column.empty()) {
        return src_.Error(v, "a target from a table needs 'table' and 'column'",
                          "target: {table: reps, column: meeting_goal}");
      }
      g->target_kind = GoalSpec::Target::kColumn;
      return absl::OkStatus();
    }
    std::string s = v.IsScalar() ? std::string(absl::StripAsciiWhitespace(v.Scalar())) : "";
    if (absl::StartsWith(s, "$")) {
      g->param = s.substr(1);
      const RulebookParam* p = book_.FindParam(g->param);
      if (p == nullptr) {
        std::vector<std::string> names;
        for (const RulebookParam& q : book_.params) names.push_back(q.name);
        return src_.Error(v, absl::StrCat("unknown param '", s, "' in a goal's target"),
                          Hint(g->param, names, "params"));
      }
      if (!p->value.type().is_numeric()) {
        return src_.Error(v, absl::StrCat("param '", s, "' is ", p->value.type().ToString(),
                                          "; a target must be a number"));
      }
      g->target_kind = GoalSpec::Target::kParam;
      return absl::OkStatus();
    }
    if (!absl::SimpleAtod(s, &g->target)) {
      return src_.Error(
          v, absl::StrCat("a goal's target must be a number, a $param or {table, column}, not '", s,
                          "'"));
    }
    g->target_kind = GoalSpec::Target::kNumber;
    return absl::OkStatus();
  }

  absl::Status Goal(const YAML::Node& node, GoalSpec* g) {
    if (!node.IsMap())
      return src_.Error(node, "each goal must be a mapping (metric, target, ramp)");
    DOCKET_MS_RETURN_IF_ERROR(CheckKeys(node, kGoalKeys, "in a goal"));
    g->location = src_.Location(node);
    bool has_target = false;
    for (const auto& kv : node) {
      const std::string& k = kv.first.Scalar();
      const YAML::Node& v = kv.second;
      if (k == "description") continue;
      if (k == "target") {
        DOCKET_MS_RETURN_IF_ERROR(Target(v, g));
        has_target = true;
        continue;
      }
      absl::StatusOr<std::string> s = Text(kv.first, v);
      if (!s.ok()) return s.status();
      if (k == "metric") {
        g->metric = *s;
        g->metric_location = src_.Location(v);
      } else if (k == "ramp") {
        std::vector<std::string> parts = absl::StrSplit(*s, ' ', absl::SkipEmpty());
        int64_t n = 0;
        if (parts.empty() || parts.size() > 2 || !absl::SimpleAtoi(parts[0], &n) || n < 1 ||
            (parts.size() == 2 && parts[1] != "days" && parts[1] != "day")) {
          return src_.Error(
              v, absl::StrCat("'ramp' must be a number of days such as '90 days', not '", *s, "'"));
        }
        g->ramp_days = n;
        g->ramp_location = src_.Location(v);
      } else if (k == "start_date") {
        g->start_date = *s;
      } else if (k == "table") {
        g->table = *s;
      }
    }
    if (g->metric.empty()) return src_.Error(node, "missing required key 'metric' in a goal");
    if (!has_target)
      return src_.Error(
          node, absl::StrCat("missing required key 'target' in the goal for '", g->metric, "'"),
          "a number, a $param, or {table: reps, column: meeting_goal}");
    if (g->table.empty()) g->table = g->target_table;
    return absl::OkStatus();
  }

  absl::Status Alert(const YAML::Node& node, AlertSpec* a) {
    if (!node.IsMap())
      return src_.Error(node,
                        "each alert must be a mapping (id, kind, metric, below/above, message)");
    std::string where = "in an alert";
    if (YAML::Node id = node["id"]; id && id.IsScalar())
      where = absl::StrCat("in alert '", id.Scalar(), "'");
    DOCKET_MS_RETURN_IF_ERROR(CheckKeys(node, kAlertKeys, where));
    for (const auto& kv : node) {
      const std::string& k = kv.first.Scalar();
      const YAML::Node& v = kv.second;
      if (k == "description" || k == "title") continue;
      if (k == "below" || k == "above") {
        absl::StatusOr<double> d = Number(kv.first, v);
        if (!d.ok()) return d.status();
        (k == "below" ? a->below : a->above) = *d;
        continue;
      }
      absl::StatusOr<std::string> s = Text(kv.first, v);
      if (!s.ok()) return s.status();
      if (k == "id") {
        a->id = *s;
        a->location = src_.Location(v);
      } else if (k == "kind") {
        DOCKET_MS_RETURN_IF_ERROR(ParseName(src_, v, *s, "alert kind", kAlertKindNames, &a->kind));
      } else if (k == "metric") {
        a->metric = *s;
        a->metric_location = src_.Location(v);
      } else if (k == "peers") {
        a->peers = *s;
        a->peers_location = src_.Location(v);
      } else if (k == "valence") {
        DOCKET_MS_RETURN_IF_ERROR(ParseName(src_, v, *s, "valence", kValenceNames, &a->valence));
      } else if (k == "message") {
        a->message = *s;
      } else if (k == "audience") {
        a->audience = *s;
        a->audience_location = src_.Location(v);
      } else if (k == "ramping") {
        std::string b = absl::AsciiStrToLower(*s);
        if (b != "true" && b != "false") return src_.Error(v, "'ramping' must be true or false");
        a->ramping = b == "true";
      } else if (k == "table") {
        a->table = *s;
      }
    }
    SourceLocation at = src_.Location(node);
    if (a->id.empty()) return src_.Error(at, "missing required key 'id' in an alert");
    if (a->metric.empty())
      return src_.Error(at, absl::StrCat("missing required key 'metric' in alert '", a->id, "'"));
    if (!node["kind"])
      return src_.Error(at, absl::StrCat("missing required key 'kind' in alert '", a->id, "'"),
                        "goal, trend or peer");
    if (!a->below && !a->above) {
      return src_.Error(at, absl::StrCat("alert '", a->id, "' needs 'below:' or 'above:'"),
                        a->kind == AlertKind::kGoal ? "below: 0.8 (attainment under 80%)"
                                                    : "below: -0.3 (30% under the comparison)");
    }
    if (a->kind == AlertKind::kPeer && a->peers.empty()) a->peers = "everyone";
    if (a->message.empty()) a->message = "{by}: {value}";
    return absl::OkStatus();
  }

  template <typename T, typename F>
  absl::Status Sequence(const YAML::Node& key, const YAML::Node& node, std::vector<T>* out,
                        F&& one) {
    if (node.IsNull()) return absl::OkStatus();
    if (!node.IsSequence()) {
      return src_.Error(
          node,
          absl::StrCat("'", key.Scalar(), "' must be a YAML list (each entry starting with '- ')"));
    }
    for (const auto& item : node) {
      T t;
      DOCKET_MS_RETURN_IF_ERROR(one(item, &t));
      out->push_back(std::move(t));
    }
    return absl::OkStatus();
  }

 private:
  const YamlSource& src_;
  const Rulebook& book_;
};

// Checks references between metrics, goals and alerts; orders nothing.
absl::Status CheckReferences(const YamlSource& src, const MetricsSpec& spec) {
  std::vector<std::string> ids;
  absl::flat_hash_map<std::string, int> seen;
  for (const MetricSpec& m : spec.metrics) {
    auto [it, inserted] = seen.emplace(m.id, m.location.line);
    if (!inserted) {
      return src.Error(m.location, absl::StrCat("duplicate metric id '", m.id, "'"),
                       absl::StrCat("a metric with this id is defined on line ", it->second),
                       static_cast<int>(m.id.size()));
    }
    ids.push_back(m.id);
  }
  auto ref = [&](const std::string& id, const SourceLocation& at,
                 const std::string& who) -> absl::Status {
    if (spec.Find(id) != nullptr) return absl::OkStatus();
    return src.Error(at, absl::StrCat("unknown metric '", id, "' in ", who),
                     Hint(id, ids, "metrics"), static_cast<int>(id.size()));
  };
  for (const MetricSpec& m : spec.metrics) {
    if (m.kind == MetricKind::kRatio) {
      DOCKET_MS_RETURN_IF_ERROR(
          ref(m.numerator, m.numerator_location, absl::StrCat("the ratio '", m.id, "'")));
      DOCKET_MS_RETURN_IF_ERROR(
          ref(m.denominator, m.denominator_location, absl::StrCat("the ratio '", m.id, "'")));
    } else if (m.kind == MetricKind::kDerived) {
      size_t err = 0;
      absl::StatusOr<std::vector<metrics::DerivedToken>> toks = metrics::ParseDerived(m.expr, &err);
      if (!toks.ok()) return toks.status();
      for (const metrics::DerivedToken& t : *toks) {
        if (t.kind != metrics::DerivedToken::kRef) continue;
        SourceLocation at = m.expr_location;
        at.column += static_cast<int>(t.offset);
        DOCKET_MS_RETURN_IF_ERROR(ref(t.ref, at, absl::StrCat("the derived metric '", m.id, "'")));
      }
    }
  }
  // No metric may depend on itself.
  std::function<absl::Status(const MetricSpec&, std::vector<std::string>&)> visit =
      [&](const MetricSpec& m, std::vector<std::string>& path) -> absl::Status {
    if (std::find(path.begin(), path.end(), m.id) != path.end()) {
      path.push_back(m.id);
      return src.Error(
          m.location,
          absl::StrCat("metric '", m.id, "' depends on itself: ", absl::StrJoin(path, " → ")), "",
          static_cast<int>(m.id.size()));
    }
    path.push_back(m.id);
    std::vector<std::string> deps;
    if (m.kind == MetricKind::kRatio) deps = {m.numerator, m.denominator};
    if (m.kind == MetricKind::kDerived) {
      size_t err = 0;
      absl::StatusOr<std::vector<metrics::DerivedToken>> toks = metrics::ParseDerived(m.expr, &err);
      for (const auto& t : *toks) {
        if (t.kind == metrics::DerivedToken::kRef) deps.push_back(t.ref);
      }
    }
    for (const std::string& d : deps) DOCKET_MS_RETURN_IF_ERROR(visit(*spec.Find(d), path));
    path.pop_back();
    return absl::OkStatus();
  };
  for (const MetricSpec& m : spec.metrics) {
    std::vector<std::string> path;
    DOCKET_MS_RETURN_IF_ERROR(visit(m, path));
  }
  for (const GoalSpec& g : spec.goals)
    DOCKET_MS_RETURN_IF_ERROR(ref(g.metric, g.metric_location, "a goal"));
  absl::flat_hash_map<std::string, int> alert_ids;
  for (const AlertSpec& a : spec.alerts) {
    auto [it, inserted] = alert_ids.emplace(a.id, a.location.line);
    if (!inserted) {
      return src.Error(a.location, absl::StrCat("duplicate alert id '", a.id, "'"),
                       absl::StrCat("an alert with this id is defined on line ", it->second),
                       static_cast<int>(a.id.size()));
    }
    DOCKET_MS_RETURN_IF_ERROR(ref(a.metric, a.metric_location, absl::StrCat("alert '", a.id, "'")));
    if (a.kind == AlertKind::kGoal &&
        std::none_of(spec.goals.begin(), spec.goals.end(),
                     [&](const GoalSpec& g) { return g.metric == a.metric; })) {
      return src.Error(a.location,
                       absl::StrCat("alert '", a.id, "' is a goal alert but metric '", a.metric,
                                    "' has no goal"),
                       "add a goal for it under 'goals:', or use kind: trend or peer",
                       static_cast<int>(a.id.size()));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status LoadMetricsSections(const YamlSource& src, const YAML::Node& root, Rulebook* book) {
  auto spec = std::make_shared<MetricsSpec>();
  MetricsLoader loader(src, *book);
  bool any = false;
  for (const auto& kv : root) {
    const std::string& k = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    if (k == "week_start") {
      absl::StatusOr<std::string> s = loader.Text(kv.first, v);
      if (!s.ok()) return s.status();
      static const std::vector<std::string> kDays = {"monday", "tuesday",  "wednesday", "thursday",
                                                     "friday", "saturday", "sunday"};
      std::string d = absl::AsciiStrToLower(*s);
      auto it = std::find(kDays.begin(), kDays.end(), d);
      if (it == kDays.end()) {
        std::string close = base::ClosestName(d, kDays);
        return src.Error(v, absl::StrCat("unknown week_start '", *s, "'"),
                         close.empty() ? "a day of the week: monday … sunday"
                                       : absl::StrCat("did you mean '", close, "'?"));
      }
      spec->calendar.week_start = static_cast<absl::Weekday>(it - kDays.begin());
      any = true;
    } else if (k == "fiscal_year_start") {
      absl::StatusOr<std::string> s = loader.Text(kv.first, v);
      if (!s.ok()) return s.status();
      static const std::vector<std::string> kMonths = {
          "january", "february", "march",     "april",   "may",      "june",
          "july",    "august",   "september", "october", "november", "december"};
      std::string m = absl::AsciiStrToLower(*s);
      int month = 0;
      auto it = std::find(kMonths.begin(), kMonths.end(), m);
      if (it != kMonths.end()) {
        month = static_cast<int>(it - kMonths.begin()) + 1;
      } else if (!absl::SimpleAtoi(m, &month) || month < 1 || month > 12) {
        std::string close = base::ClosestName(m, kMonths);
        return src.Error(v, absl::StrCat("unknown fiscal_year_start '", *s, "'"),
                         close.empty() ? "a month: february, or its number 1..12"
                                       : absl::StrCat("did you mean '", close, "'?"));
      }
      spec->calendar.fiscal_year_start = month;
      any = true;
    } else if (k == "metrics") {
      any = true;
      DOCKET_MS_RETURN_IF_ERROR(loader.Sequence<MetricSpec>(
          kv.first, v, &spec->metrics,
          [&](const YAML::Node& n, MetricSpec* m) { return loader.Metric(n, m); }));
    } else if (k == "goals") {
      any = true;
      DOCKET_MS_RETURN_IF_ERROR(loader.Sequence<GoalSpec>(
          kv.first, v, &spec->goals,
          [&](const YAML::Node& n, GoalSpec* g) { return loader.Goal(n, g); }));
    } else if (k == "alerts") {
      any = true;
      DOCKET_MS_RETURN_IF_ERROR(loader.Sequence<AlertSpec>(
          kv.first, v, &spec->alerts,
          [&](const YAML::Node& n, AlertSpec* a) { return loader.Alert(n, a); }));
    }
  }
  if (!any) return absl::OkStatus();
  DOCKET_MS_RETURN_IF_ERROR(CheckReferences(src, *spec));
  book->metrics = std::move(spec);
  return absl::OkStatus();
}

}  // namespace docket::rulebook

namespace docket {
// The names of docket/metrics.h, from the tables the loader parses with.
std::string_view GrainName(Grain grain) { return rulebook::NameIn(rulebook::kGrainNames, grain); }
std::string_view MetricFormatName(MetricFormat format) {
  return rulebook::NameIn(rulebook::kFormatNames, format);
}
std::string_view AlertKindName(AlertKind kind) {
  return rulebook::NameIn(rulebook::kAlertKindNames, kind);
}
std::string_view ValenceName(Valence valence) {
  return rulebook::NameIn(rulebook::kValenceNames, valence);
}

const MetricSpec* MetricsSpec::Find(std::string_view id) const {
  for (const MetricSpec& m : metrics) {
    if (m.id == id) return &m;
  }
  return nullptr;
}
}  // namespace docket
