// Output of `docket metrics` (and the Past section of `docket run`): JSON in
// the shape fixed by issue 17, a text report, and CSV.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "docket/metrics.h"
#include "io/format.h"

namespace docket {
namespace {

std::string Day(absl::CivilDay d) { return absl::FormatCivilTime(d); }

void Key(std::string* out, std::string_view key) {
  io::AppendJsonString(out, key);
  out->push_back(':');
}

void Label(std::string* out, const std::optional<std::string>& by) {
  if (by) {
    io::AppendJsonString(out, *by);
  } else {
    out->append("null");
  }
}

std::string Shown(const Value& v, MetricFormat format) {
  if (v.is_null()) return "—";
  if (v.type().id != TypeId::kInt && v.type().id != TypeId::kFloat) return v.ToString();
  double d = v.type().id == TypeId::kInt ? static_cast<double>(v.int_value()) : v.float_value();
  switch (format) {
    case MetricFormat::kPercent:
      return absl::StrFormat("%.1f%%", d * 100);
    case MetricFormat::kCurrency:
      return absl::StrFormat("$%.0f", d);
    case MetricFormat::kDuration: {
      int64_t minutes = static_cast<int64_t>(std::llround(d));
      return absl::StrFormat("%dh%02dm", minutes / 60, minutes % 60);
    }
    case MetricFormat::kNumber:
      break;
  }
  if (v.type().id == TypeId::kInt) return absl::StrCat(v.int_value());
  if (d == std::floor(d) && std::fabs(d) < 1e15) return absl::StrCat(static_cast<int64_t>(d));
  return absl::StrFormat("%.2f", d);
}

std::string CsvField(std::string_view s) {
  std::string out;
  io::AppendCsvField(&out, s);
  return out;
}

std::string CsvValue(const Value& v) { return v.is_null() ? "" : CsvField(v.ToString()); }

}  // namespace

std::string RenderMetricsJson(const MetricsResult& r) {
  std::string out = "{";
  Key(&out, "as_of");
  io::AppendJsonString(&out, Day(r.as_of));
  out += ",";
  Key(&out, "metrics");
  out += "[";
  for (size_t i = 0; i < r.metrics.size(); ++i) {
    const MetricResult& m = r.metrics[i];
    if (i) out += ",";
    out += "{";
    Key(&out, "id");
    io::AppendJsonString(&out, m.id);
    out += ",";
    Key(&out, "title");
    io::AppendJsonString(&out, m.title);
    out += ",";
    Key(&out, "interval");
    out += "{";
    Key(&out, "start");
    io::AppendJsonString(&out, Day(m.interval.start));
    out += ",";
    Key(&out, "end");
    io::AppendJsonString(&out, Day(m.interval.end));
    out += "},";
    Key(&out, "grain");
    if (m.grain == Grain::kNone) {
      out += "null";
    } else {
      io::AppendJsonString(&out, GrainName(m.grain));
    }
    out += ",";
    Key(&out, "total");
    out += m.total.ToJson();
    out += ",";
    Key(&out, "values");
    out += "[";
    for (size_t k = 0; k < m.values.size(); ++k) {
      if (k) out += ",";
      out += "{";
      Key(&out, "by");
      Label(&out, m.values[k].by);
      out += ",";
      Key(&out, "value");
      out += m.values[k].value.ToJson();
      out += ",";
      Key(&out, "previous");
      out += m.values[k].previous.ToJson();
      out += "}";
    }
    out += "],";
    Key(&out, "series");
    out += "[";
    for (size_t s = 0; s < m.series.size(); ++s) {
      if (s) out += ",";
      out += "{";
      Key(&out, "start");
      io::AppendJsonString(&out, Day(m.series[s].start));
      out += ",";
      Key(&out, "values");
      out += "[";
      for (size_t k = 0; k < m.series[s].values.size(); ++k) {
        if (k) out += ",";
        out += "{";
        Key(&out, "by");
        Label(&out, m.series[s].values[k].by);
        out += ",";
        Key(&out, "value");
        out += m.series[s].values[k].value.ToJson();
        out += "}";
      }
      out += "]}";
    }
    out += "]}";
  }
  out += "],";
  Key(&out, "goals");
  out += "[";
  for (size_t i = 0; i < r.goals.size(); ++i) {
    const GoalResult& g = r.goals[i];
    if (i) out += ",";
    out += "{";
    Key(&out, "metric");
    io::AppendJsonString(&out, g.metric);
    out += ",";
    Key(&out, "by");
    Label(&out, g.by);
    out += ",";
    Key(&out, "target");
    out += g.target.ToJson();
    out += ",";
    Key(&out, "value");
    out += g.value.ToJson();
    out += ",";
    Key(&out, "attainment");
    out += g.attainment.ToJson();
    out += ",";
    Key(&out, "ramping");
    out += g.ramping ? "true" : "false";
    out += "}";
  }
  out += "],";
  Key(&out, "alerts");
  out += "[";
  for (size_t i = 0; i < r.alerts.size(); ++i) {
    const AlertResult& a = r.alerts[i];
    if (i) out += ",";
    out += "{";
    Key(&out, "id");
    io::AppendJsonString(&out, a.id);
    out += ",";
    Key(&out, "kind");
    io::AppendJsonString(&out, AlertKindName(a.kind));
    out += ",";
    Key(&out, "valence");
    io::AppendJsonString(&out, ValenceName(a.valence));
    out += ",";
    Key(&out, "metric");
    io::AppendJsonString(&out, a.metric);
    out += ",";
    Key(&out, "by");
    Label(&out, a.by);
    out += ",";
    Key(&out, "value");
    out += a.value.ToJson();
    out += ",";
    Key(&out, "message");
    io::AppendJsonString(&out, a.message);
    if (a.audience) {
      out += ",";
      Key(&out, "audience");
      io::AppendJsonString(&out, *a.audience);
    }
    out += "}";
  }
  out += "]}\n";
  return out;
}

std::string RenderMetricsText(const MetricsResult& r) {
  std::string out;
  for (const MetricResult& m : r.metrics) {
    absl::StrAppend(
        &out, m.title, " (", Day(m.interval.start), " … ", Day(m.interval.end),
        m.grain == Grain::kNone ? "" : absl::StrCat(", by ", std::string(GrainName(m.grain))),
        ")  total ", Shown(m.total, m.format), "  previous ", Shown(m.previous_total, m.format),
        "\n");
    // Aligned by terminal columns, not bytes ("Bruno Díaz" is 10 columns, 11 bytes).
    int64_t width = 8;
    for (const MetricValue& v : m.values)
      width = std::max(width, io::DisplayWidth(v.by.value_or("(none)")));
    for (const MetricValue& v : m.values) {
      std::string by = v.by.value_or("(none)");
      std::string goal;
      for (const GoalResult& g : r.goals) {
        if (g.metric == m.id && g.by == v.by) {
          goal = absl::StrCat("  goal ", Shown(g.target, m.format),
                              g.attainment.is_null()
                                  ? ""
                                  : absl::StrFormat(" (%.0f%%)", g.attainment.float_value() * 100),
                              g.ramping ? " ramping" : "");
        }
      }
      absl::StrAppend(
          &out, "  ", by, std::string(static_cast<size_t>(width - io::DisplayWidth(by) + 2), ' '),
          Shown(v.value, m.format), "  (previous ", Shown(v.previous, m.format), ")", goal, "\n");
    }
    if (!m.series.empty()) {
      for (const MetricSeriesEntry& e : m.series) {
        std::vector<std::string> cells;
        for (const MetricValue& v : e.values)
          cells.push_back(absl::StrCat(v.by.value_or("(none)"), " ", Shown(v.value, m.format)));
        absl::StrAppend(&out, "    ", Day(e.start), ": ", absl::StrJoin(cells, ", "), "\n");
      }
    }
    for (const std::string& n : m.notes) absl::StrAppend(&out, "  note: ", n, "\n");
  }
  if (!r.alerts.empty()) {
    absl::StrAppend(&out, "Alerts\n");
    for (const AlertResult& a : r.alerts) {
      absl::StrAppend(&out, "  [", std::string(ValenceName(a.valence)), "] ", a.message,
                      a.audience ? absl::StrCat("  → ", *a.audience) : "", "\n");
    }
  }
  for (const std::string& w : r.warnings) absl::StrAppend(&out, "warning: ", w, "\n");
  return out;
}

std::string RenderMetricsCsv(const MetricsResult& r) {
  std::string out = "metric,by,period,start,end,value,previous,target,attainment\n";
  for (const MetricResult& m : r.metrics) {
    for (const MetricValue& v : m.values) {
      std::string target, attainment;
      for (const GoalResult& g : r.goals) {
        if (g.metric == m.id && g.by == v.by) {
          target = CsvValue(g.target);
          attainment = CsvValue(g.attainment);
        }
      }
      absl::StrAppend(&out, CsvField(m.id), ",", v.by ? CsvField(*v.by) : "", ",interval,",
                      Day(m.interval.start), ",", Day(m.interval.end), ",", CsvValue(v.value), ",",
                      CsvValue(v.previous), ",", target, ",", attainment, "\n");
    }
    for (size_t s = 0; s < m.series.size(); ++s) {
      absl::CivilDay end = s + 1 < m.series.size() ? m.series[s + 1].start - 1 : m.interval.end;
      for (const MetricValue& v : m.series[s].values) {
        absl::StrAppend(&out, CsvField(m.id), ",", v.by ? CsvField(*v.by) : "", ",",
                        std::string(GrainName(m.grain)), ",", Day(m.series[s].start), ",", Day(end),
                        ",", CsvValue(v.value), ",,,\n");
      }
    }
  }
  return out;
}

}  // namespace docket
