// Rulebook::Load / FromYaml: YAML text → a structurally valid Rulebook.
//
// yaml-cpp builds the node tree (its exceptions are caught and turned into
// positioned errors); the tree is then measured (depth, and node count so an
// alias "billion laughs" cannot expand) before any section is read.  Each
// section reader checks its keys against the format and reports the first
// mistake at its file:line:column.  Names that need the schema (tables,
// columns) are checked by CompiledRulebook::Compile.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/names.h"
#include "docket/error.h"
#include "docket/rulebook.h"
#include "io/schema_node.h"
#include "rulebook/cta_spec.h"
#include "rulebook/metric_spec.h"
#include "rulebook/spec_parsers.h"
#include "rulebook/yaml_source.h"
#include "yaml-cpp/yaml.h"

namespace docket {

std::string_view HorizonName(Horizon horizon) {
  switch (horizon) {
    case Horizon::kToday:
      return "today";
    case Horizon::kUpcoming:
      return "upcoming";
    case Horizon::kPast:
      return "past";
  }
  return "today";
}

std::string_view HorizonTitle(Horizon horizon) {
  switch (horizon) {
    case Horizon::kToday:
      return "Today";
    case Horizon::kUpcoming:
      return "Upcoming";
    case Horizon::kPast:
      return "Past";
  }
  return "Today";
}

std::string Measure::ToString() const {
  switch (kind) {
    case MeasureKind::kCount:
      return "count";
    case MeasureKind::kCountColumn:
      return absl::StrCat("count(", column, ")");
    case MeasureKind::kSum:
      return absl::StrCat("sum(", column, ")");
    case MeasureKind::kAvg:
      return absl::StrCat("avg(", column, ")");
    case MeasureKind::kMin:
      return absl::StrCat("min(", column, ")");
    case MeasureKind::kMax:
      return absl::StrCat("max(", column, ")");
    case MeasureKind::kCountDistinct:
      return absl::StrCat("count_distinct(", column, ")");
  }
  return "count";
}

const ListSpec* Rulebook::FindList(std::string_view id) const {
  for (const ListSpec& l : lists) {
    if (l.id == id) return &l;
  }
  return nullptr;
}

const KpiSpec* Rulebook::FindKpi(std::string_view id) const {
  for (const KpiSpec& k : kpis) {
    if (k.id == id) return &k;
  }
  return nullptr;
}

const RulebookParam* Rulebook::FindParam(std::string_view name) const {
  for (const RulebookParam& p : params) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

namespace {

using rulebook::YamlSource;

#define DOCKET_RB_RETURN_IF_ERROR(expr) \
  do {                                  \
    absl::Status _st = (expr);          \
    if (!_st.ok()) return _st;          \
  } while (0)

const std::vector<std::string> kTopKeys = {
    "docket", "name", "description", "time_zone", "params", "tables", "segments", "lists", "kpis",
    "ctas", "on_owner_change",
    // Metrics, goals and alerts (rulebook/metric_spec.cc).
    "metrics", "goals", "alerts", "week_start", "fiscal_year_start"};
const std::vector<std::string> kListKeys = {
    "id",       "title", "description", "horizon",   "table",   "when", "show",
    "order_by", "limit", "action",      "resources", "trigger", "since"};
const std::vector<std::string> kKpiKeys = {"id", "title", "description", "list", "measure", "by"};
const std::vector<std::string> kResourceKeys = {"title", "url"};

std::string KindName(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    default:
      return "nothing";
  }
}

class Loader {
 public:
  Loader(const YamlSource& src, const Limits& limits, int64_t text_bytes)
      : src_(src), limits_(limits), text_bytes_(text_bytes) {}

  absl::Status Load(const YAML::Node& root, Rulebook* book);

 private:
  // Location of the value of a `key:` entry; a null value is reported at its key.
  SourceLocation ValueLocation(const YAML::Node& key, const YAML::Node& value) const {
    return value.IsNull() ? src_.Location(key) : src_.Location(value);
  }

  absl::Status Measure(const YAML::Node& node, int depth, int64_t* budget) const;

  // Checks that `map` is a mapping with known, unique keys.
  absl::Status CheckKeys(const YAML::Node& map, const std::vector<std::string>& allowed,
                         const std::string& where) const;
  absl::StatusOr<std::string> Scalar(const YAML::Node& key, const YAML::Node& value,
                                     const std::string& what) const;
  absl::Status NonEmptyScalar(const YAML::Node& key, const YAML::Node& value,
                              const std::string& what, std::string* out) const;

  absl::Status LoadParams(const YAML::Node& key, const YAML::Node& node, Rulebook* book) const;
  absl::Status LoadSegments(const YAML::Node& key, const YAML::Node& node, Rulebook* book) const;
  absl::Status LoadLists(const YAML::Node& key, const YAML::Node& node, Rulebook* book) const;
  absl::Status LoadList(const YAML::Node& node, ListSpec* list) const;
  absl::Status LoadKpis(const YAML::Node& key, const YAML::Node& node, Rulebook* book) const;
  absl::Status LoadKpi(const YAML::Node& node, KpiSpec* kpi) const;
  absl::Status LoadShow(const YAML::Node& key, const YAML::Node& node, ListSpec* list) const;
  absl::Status LoadOrderBy(const YAML::Node& key, const YAML::Node& node, ListSpec* list) const;
  absl::Status LoadResources(const YAML::Node& key, const YAML::Node& node, ListSpec* list) const;

  // The location of byte `offset` inside scalar `node` (single-line scalars).
  SourceLocation InsideScalar(const YAML::Node& node, size_t offset) const {
    ExpressionSource e = src_.Expression(node);
    SourceLocation loc = e.origin;
    if (e.text.find('\n') == std::string::npos && e.text == node.Scalar()) {
      loc.column += static_cast<int>(offset);
    }
    return loc;
  }

  const YamlSource& src_;
  const Limits& limits_;
  int64_t text_bytes_;
};

absl::Status Loader::Measure(const YAML::Node& node, int depth, int64_t* budget) const {
  if (--*budget < 0) {
    ErrorDetail d;
    d.kind = ErrorKind::kLimit;
    d.location = src_.Location(node);
    d.message =
        "the YAML document expands to more nodes than its text holds (aliases used as a "
        "\"billion laughs\" attack?)";
    d.hint = "write each value out instead of repeating aliases";
    return MakeError(d);
  }
  if (node.IsMap() || node.IsSequence()) {
    if (depth > limits_.max_yaml_depth) {
      return LimitError(src_.Location(node), "max_yaml_depth", limits_.max_yaml_depth,
                        "YAML collections nested too deeply");
    }
    if (node.IsMap()) {
      for (const auto& it_kv : node) {
        DOCKET_RB_RETURN_IF_ERROR(Measure(it_kv.first, depth + 1, budget));
        DOCKET_RB_RETURN_IF_ERROR(Measure(it_kv.second, depth + 1, budget));
      }
    } else {
      for (const auto& it_kv : node) {
        DOCKET_RB_RETURN_IF_ERROR(Measure(it_kv, depth + 1, budget));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status Loader::CheckKeys(const YAML::Node& map, const std::vector<std::string>& allowed,
                               const std::string& where) const {
  absl::flat_hash_map<std::string, int> seen;
  for (const auto& it_kv : map) {
    const YAML::Node& key = it_kv.first;
    if (!key.IsScalar()) return src_.Error(key, absl::StrCat("keys ", where, " must be names"));
    const std::string& k = key.Scalar();
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      std::string close = base::ClosestName(k, allowed);
      std::string hint = close.empty()
                             ? absl::StrCat("expected one of: ", absl::StrJoin(allowed, ", "))
                             : absl::StrCat("did you mean '", close, "'?");
      return src_.Error(key, absl::StrCat("unknown key '", k, "' ", where), hint);
    }
    auto [pos, inserted] = seen.emplace(k, key.Mark().line + 1);
    if (!inserted) {
      return src_.Error(key, absl::StrCat("duplicate key '", k, "' ", where),
                        absl::StrCat("it is already set on line ", pos->second));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> Loader::Scalar(const YAML::Node& key, const YAML::Node& value,
                                           const std::string& what) const {
  if (!value.IsScalar()) {
    return src_.Error(ValueLocation(key, value),
                      absl::StrCat("'", key.Scalar(), "' ", what, " must be a single value, not ",
                                   KindName(value)));
  }
  return value.Scalar();
}

absl::Status Loader::NonEmptyScalar(const YAML::Node& key, const YAML::Node& value,
                                    const std::string& what, std::string* out) const {
  absl::StatusOr<std::string> s = Scalar(key, value, what);
  if (!s.ok()) return s.status();
  if (absl::StripAsciiWhitespace(*s).empty()) {
    return src_.Error(ValueLocation(key, value),
                      absl::StrCat("'", key.Scalar(), "' ", what, " is empty"));
  }
  *out = *std::move(s);
  return absl::OkStatus();
}

absl::Status Loader::Load(const YAML::Node& root, Rulebook* book) {
  if (!root.IsMap()) {
    SourceLocation at = src_.Location(root);
    if (at.line == 0) at = SourceLocation{src_.file(), 1, 1};
    return src_.Error(at, absl::StrCat("a rulebook must be a YAML mapping, not ", KindName(root)),
                      "start the file with 'docket: 1'");
  }
  // Every node but an empty value takes at least one byte of text, so a tree
  // with more nodes than twice the text's bytes repeats aliases.
  int64_t budget = 2 * text_bytes_ + 1024;
  DOCKET_RB_RETURN_IF_ERROR(Measure(root, 1, &budget));
  DOCKET_RB_RETURN_IF_ERROR(CheckKeys(root, kTopKeys, "at the top of a rulebook"));

  YAML::Node version_key, tables_key, params_key, segments_key, lists_key, kpis_key;
  YAML::Node tables_node, params_node, segments_node, lists_node, kpis_node;
  YAML::Node ctas_key, ctas_node, owner_change_key, owner_change_node;
  bool has_version = false;
  for (const auto& it_kv : root) {
    const std::string& k = it_kv.first.Scalar();
    const YAML::Node& v = it_kv.second;
    if (k == "docket") {
      has_version = true;
      absl::StatusOr<std::string> s = Scalar(it_kv.first, v, "(the format version)");
      if (!s.ok()) return s.status();
      if (*s != "1") {
        return src_.Error(ValueLocation(it_kv.first, v),
                          absl::StrCat("unsupported rulebook version '", *s, "'"),
                          "this docket reads 'docket: 1'");
      }
      book->version = 1;
    } else if (k == "name") {
      DOCKET_RB_RETURN_IF_ERROR(
          NonEmptyScalar(it_kv.first, v, "(the rulebook's name)", &book->name));
    } else if (k == "description") {
      DOCKET_RB_RETURN_IF_ERROR(Scalar(it_kv.first, v, "").status());
    } else if (k == "time_zone") {
      std::string tz;
      DOCKET_RB_RETURN_IF_ERROR(NonEmptyScalar(it_kv.first, v, "", &tz));
      // Only IANA-shaped names reach the time zone database (no paths).
      bool shaped = !tz.empty() && tz[0] != '/' && tz.find("..") == std::string::npos &&
                    tz.size() < 64 && std::all_of(tz.begin(), tz.end(), [](char c) {
                      return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '/' ||
                             c == '_' || c == '-' || c == '+';
                    });
      absl::TimeZone zone;
      if (!shaped || !absl::LoadTimeZone(tz, &zone)) {
        return src_.Error(v, absl::StrCat("unknown time zone '", tz, "'"),
                          "use an IANA time zone name such as 'America/New_York' or 'UTC'");
      }
      book->time_zone_name = tz;
      book->time_zone = zone;
    } else if (k == "params") {
      params_key = it_kv.first;
      params_node = v;
    } else if (k == "tables") {
      tables_key = it_kv.first;
      tables_node = v;
    } else if (k == "segments") {
      segments_key = it_kv.first;
      segments_node = v;
    } else if (k == "lists") {
      lists_key = it_kv.first;
      lists_node = v;
    } else if (k == "kpis") {
      kpis_key = it_kv.first;
      kpis_node = v;
    } else if (k == "ctas") {
      ctas_key = it_kv.first;
      ctas_node = v;
    } else if (k == "on_owner_change") {
      owner_change_key = it_kv.first;
      owner_change_node = v;
    }
  }
  if (!has_version) {
    return src_.Error(SourceLocation{src_.file(), 1, 1},
                      "missing required key 'docket' (the format version)",
                      "add 'docket: 1' as the first line");
  }
  if (tables_key.IsDefined() && !tables_key.IsNull()) {
    if (!tables_node.IsMap()) {
      return src_.Error(ValueLocation(tables_key, tables_node),
                        absl::StrCat("'tables' must be a mapping of table name to table, not ",
                                     KindName(tables_node)));
    }
    absl::StatusOr<Schema> schema = io::ParseTablesNode(tables_node, src_.file());
    if (!schema.ok()) return schema.status();
    book->schema = *std::move(schema);
  }
  if (params_key.IsDefined() && !params_key.IsNull())
    DOCKET_RB_RETURN_IF_ERROR(LoadParams(params_key, params_node, book));
  if (segments_key.IsDefined() && !segments_key.IsNull())
    DOCKET_RB_RETURN_IF_ERROR(LoadSegments(segments_key, segments_node, book));
  if (lists_key.IsDefined() && !lists_key.IsNull())
    DOCKET_RB_RETURN_IF_ERROR(LoadLists(lists_key, lists_node, book));
  if (kpis_key.IsDefined() && !kpis_key.IsNull())
    DOCKET_RB_RETURN_IF_ERROR(LoadKpis(kpis_key, kpis_node, book));
  if (owner_change_key.IsDefined() && !owner_change_key.IsNull()) {
    DOCKET_RB_RETURN_IF_ERROR(
        rulebook::LoadOnOwnerChange(src_, owner_change_key, owner_change_node, book));
  }
  if (ctas_key.IsDefined() && !ctas_key.IsNull())
    DOCKET_RB_RETURN_IF_ERROR(rulebook::LoadCtas(src_, ctas_key, ctas_node, book));
  DOCKET_RB_RETURN_IF_ERROR(rulebook::LoadMetricsSections(src_, root, book));

  int64_t rules =
      static_cast<int64_t>(book->lists.size() + book->segments.size() + book->kpis.size());
  if (rules > limits_.max_rules) {
    return LimitError(SourceLocation{src_.file(), 1, 1}, "max_rules", limits_.max_rules,
                      absl::StrCat("the rulebook has ", rules, " lists, segments and KPIs"));
  }

  // KPIs name lists of this rulebook.
  std::vector<std::string> list_ids;
  for (const ListSpec& l : book->lists) list_ids.push_back(l.id);
  for (const KpiSpec& k : book->kpis) {
    if (book->FindList(k.list) == nullptr) {
      std::string close = base::ClosestName(k.list, list_ids);
      return src_.Error(
          k.list_location, absl::StrCat("KPI '", k.id, "' measures unknown list '", k.list, "'"),
          close.empty()
              ? (list_ids.empty() ? "the rulebook defines no lists"
                                  : absl::StrCat("the lists are: ", absl::StrJoin(list_ids, ", ")))
              : absl::StrCat("did you mean '", close, "'?"),
          static_cast<int>(k.list.size()));
    }
  }
  return absl::OkStatus();
}

absl::Status Loader::LoadParams(const YAML::Node& key, const YAML::Node& node,
                                Rulebook* book) const {
  if (node.IsNull()) return absl::OkStatus();
  if (!node.IsMap()) {
    return src_.Error(
        ValueLocation(key, node),
        absl::StrCat("'params' must be a mapping of name to value, not ", KindName(node)),
        "params: {pulse_stale_days: 90}");
  }
  absl::flat_hash_map<std::string, int> seen;
  for (const auto& it_kv : node) {
    const YAML::Node& k = it_kv.first;
    const YAML::Node& v = it_kv.second;
    if (!k.IsScalar() || !base::IsIdentifier(k.Scalar())) {
      return src_.Error(k, "a param name must be an identifier (letters, digits, '_')");
    }
    auto [pos, inserted] = seen.emplace(k.Scalar(), k.Mark().line + 1);
    if (!inserted) {
      return src_.Error(k, absl::StrCat("duplicate param '", k.Scalar(), "'"),
                        absl::StrCat("it is already set on line ", pos->second));
    }
    if (!v.IsScalar()) {
      return src_.Error(
          ValueLocation(k, v),
          absl::StrCat("param '", k.Scalar(), "' needs a single value, not ", KindName(v)),
          "the value's type is the param's type: 90 (int), 0.8 (float), true (bool), "
          "2026-01-31 (date), 'text' (string)");
    }
    RulebookParam p;
    p.name = k.Scalar();
    p.location = src_.Location(k);
    const std::string& tag = v.Tag();
    if (tag == "!" || tag == "tag:yaml.org,2002:str") {
      p.value = Value::String(v.Scalar());  // Quoted or block: always a string.
    } else {
      p.value = rulebook::InferParamValue(v.Scalar());
    }
    book->params.push_back(std::move(p));
  }
  return absl::OkStatus();
}

absl::Status Loader::LoadSegments(const YAML::Node& key, const YAML::Node& node,
                                  Rulebook* book) const {
  if (node.IsNull()) return absl::OkStatus();
  if (!node.IsMap()) {
    return src_.Error(
        ValueLocation(key, node),
        absl::StrCat("'segments' must be a mapping of name to expression, not ", KindName(node)),
        "segments: {in_forecast_window: renewal_date BETWEEN today AND today + 120}");
  }
  absl::flat_hash_map<std::string, int> seen;
  for (const auto& it_kv : node) {
    const YAML::Node& k = it_kv.first;
    const YAML::Node& v = it_kv.second;
    if (!k.IsScalar() || !base::IsIdentifier(k.Scalar())) {
      return src_.Error(k, "a segment name must be an identifier (letters, digits, '_')");
    }
    auto [pos, inserted] = seen.emplace(k.Scalar(), k.Mark().line + 1);
    if (!inserted) {
      return src_.Error(k, absl::StrCat("duplicate segment '", k.Scalar(), "'"),
                        absl::StrCat("it is already defined on line ", pos->second));
    }
    std::string text;
    DOCKET_RB_RETURN_IF_ERROR(NonEmptyScalar(k, v, "(a segment's expression)", &text));
    SegmentSpec s;
    s.name = k.Scalar();
    s.location = src_.Location(k);
    s.expression = src_.Expression(v);
    book->segments.push_back(std::move(s));
  }
  return absl::OkStatus();
}

absl::Status Loader::LoadLists(const YAML::Node& key, const YAML::Node& node,
                               Rulebook* book) const {
  if (node.IsNull()) return absl::OkStatus();
  if (!node.IsSequence()) {
    return src_.Error(
        ValueLocation(key, node),
        absl::StrCat("'lists' must be a YAML list of lists (each starting with '- id:'), not ",
                     KindName(node)));
  }
  absl::flat_hash_map<std::string, int> seen;
  for (const auto& it_kv : node) {
    ListSpec list;
    DOCKET_RB_RETURN_IF_ERROR(LoadList(it_kv, &list));
    auto [pos, inserted] = seen.emplace(list.id, list.location.line);
    if (!inserted) {
      return src_.Error(list.location, absl::StrCat("duplicate list id '", list.id, "'"),
                        absl::StrCat("a list with this id is defined on line ", pos->second),
                        static_cast<int>(list.id.size()));
    }
    book->lists.push_back(std::move(list));
  }
  return absl::OkStatus();
}

absl::Status Loader::LoadList(const YAML::Node& node, ListSpec* list) const {
  if (!node.IsMap()) {
    return src_.Error(node,
                      absl::StrCat("each list must be a mapping (id, title, table, when, …), not ",
                                   KindName(node)));
  }
  std::string where = "in a list";
  if (YAML::Node id = node["id"]; id && id.IsScalar())
    where = absl::StrCat("in list '", id.Scalar(), "'");
  DOCKET_RB_RETURN_IF_ERROR(CheckKeys(node, kListKeys, where));
  bool has_id = false, has_table = false, has_when = false;
  for (const auto& it_kv : node) {
    const std::string& k = it_kv.first.Scalar();
    const YAML::Node& v = it_kv.second;
    if (k == "id") {
      DOCKET_RB_RETURN_IF_ERROR(NonEmptyScalar(it_kv.first, v, "(the list's id)", &list->id));
      list->location = ValueLocation(it_kv.first, v);
      has_id = true;
    } else if (k == "title") {
      DOCKET_RB_RETURN_IF_ERROR(NonEmptyScalar(it_kv.first, v, "", &list->title));
    } else if (k == "description") {
      DOCKET_RB_RETURN_IF_ERROR(Scalar(it_kv.first, v, "").status());
    } else if (k == "horizon") {
      std::string h;
      DOCKET_RB_RETURN_IF_ERROR(NonEmptyScalar(it_kv.first, v, "", &h));
      std::string lower = absl::AsciiStrToLower(h);
      if (lower == "today") {
        list->horizon = Horizon::kToday;
      } else if (lower == "upcoming") {
        list->horizon = Horizon::kUpcoming;
      } else if (lower == "past") {
        list->horizon = Horizon::kPast;
      } else {
        std::string close = base::ClosestName(lower, {"today", "upcoming", "past"});
        return src_.Error(v, absl::StrCat("unknown horizon '", h, "'"),
                          close.empty() ? "expected today, upcoming or past"
                                        : absl::StrCat("did you mean '", close, "'?"));
      }
    } else if (k == "table") {
      DOCKET_RB_RETURN_IF_ERROR(NonEmptyScalar(it_kv.first, v, "", &list->table));
      list->table_location = src_.Location(v);
      has_table = true;
    } else if (k == "when") {
      std::string text;
      DOCKET_RB_RETURN_IF_ERROR(NonEmptyScalar(it_kv.first, v, "(the list's condition)", &text));
      list->when = src_.Expression(v);
      has_when = true;
    } else if (k == "show") {
      DOCKET_RB_RETURN_IF_ERROR(LoadShow(it_kv.first, v, list));
    } else if (k == "order_by") {
      DOCKET_RB_RETURN_IF_ERROR(LoadOrderBy(it_kv.first, v, list));
    } else if (k == "limit") {
      absl::StatusOr<std::string> s = Scalar(it_kv.first, v, "");
      if (!s.ok()) return s.status();
      Value n = rulebook::InferParamValue(*s);
      if (n.is_null() || n.type().id != TypeId::kInt || n.int_value() < 0) {
        return src_.Error(v, absl::StrCat("'limit' must be a whole number ≥ 0, not '", *s, "'"));
      }
      list->limit = n.int_value();
    } else if (k == "action") {
      DOCKET_RB_RETURN_IF_ERROR(Scalar(it_kv.first, v, "(the recommended action)").status());
      list->action = std::string(absl::StripAsciiWhitespace(v.Scalar()));
    } else if (k == "resources") {
      DOCKET_RB_RETURN_IF_ERROR(LoadResources(it_kv.first, v, list));
    } else if (k == "trigger") {
      std::string t;
      DOCKET_RB_RETURN_IF_ERROR(NonEmptyScalar(it_kv.first, v, "", &t));
      std::string lower = absl::AsciiStrToLower(t);
      if (lower == "entered") {
        list->trigger = Trigger::kEntered;
      } else if (lower == "exited") {
        list->trigger = Trigger::kExited;
      } else {
        std::string close = base::ClosestName(lower, {"entered", "exited"});
        return src_.Error(v, absl::StrCat("unknown trigger '", t, "'"),
                          close.empty() ? "expected entered or exited"
                                        : absl::StrCat("did you mean '", close, "'?"));
      }
    } else if (k == "since") {
      std::string t;
      DOCKET_RB_RETURN_IF_ERROR(NonEmptyScalar(it_kv.first, v, "", &t));
      std::vector<std::string> w =
          absl::StrSplit(absl::AsciiStrToUpper(t), ' ', absl::SkipWhitespace());
      if (!w.empty() && w[0] == "INTERVAL") w.erase(w.begin());
      int64_t n = 0;
      std::string unit = w.size() == 2 ? w[1] : "";
      if (unit.size() > 1 && unit.back() == 'S') unit.pop_back();
      if (w.size() != 2 || !absl::SimpleAtoi(w[0], &n) || n < 1 || n > 100000 ||
          (unit != "DAY" && unit != "WEEK" && unit != "MONTH" && unit != "QUARTER" &&
           unit != "YEAR")) {
        return src_.Error(
            v, absl::StrCat("'since' must be an interval such as INTERVAL 7 DAY, not '", t, "'"),
            "write since: INTERVAL n DAY|WEEK|MONTH|QUARTER|YEAR (n ≥ 1)");
      }
      list->has_since = true;
      list->since_days = static_cast<int32_t>(unit == "DAY" ? n : unit == "WEEK" ? 7 * n : 0);
      list->since_months = static_cast<int32_t>(unit == "MONTH"     ? n
                                                : unit == "QUARTER" ? 3 * n
                                                : unit == "YEAR"    ? 12 * n
                                                                    : 0);
    }
  }
  if (list->has_since && list->trigger == Trigger::kNone) {
    return src_.Error(src_.Location(node),
                      absl::StrCat("'since' in list '", list->id,
                                   "' needs 'trigger: entered' or 'trigger: exited'"),
                      "since: says which older snapshot a trigger list compares with");
  }
  SourceLocation at = src_.Location(node);
  if (!has_id)
    return src_.Error(at, "missing required key 'id' in a list", "every list needs a unique id");
  if (!has_table) {
    return src_.Error(at, absl::StrCat("missing required key 'table' in list '", list->id, "'"),
                      "name the table the list ranges over, e.g. 'table: accounts'");
  }
  if (!has_when) {
    return src_.Error(at, absl::StrCat("missing required key 'when' in list '", list->id, "'"),
                      "the condition a row must meet to be in the list");
  }
  if (list->title.empty()) list->title = list->id;
  return absl::OkStatus();
}

absl::Status Loader::LoadShow(const YAML::Node& key, const YAML::Node& node, ListSpec* list) const {
  auto add = [&](std::string name, SourceLocation where) -> absl::Status {
    if (name.empty()) return src_.Error(where, "empty column name in 'show'");
    if (std::find(list->show.begin(), list->show.end(), name) != list->show.end()) {
      return src_.Error(where, absl::StrCat("column '", name, "' is shown twice"), "",
                        static_cast<int>(name.size()));
    }
    list->show.push_back(std::move(name));
    list->show_locations.push_back(std::move(where));
    return absl::OkStatus();
  };
  if (node.IsSequence()) {
    for (const auto& it_kv : node) {
      if (!it_kv.IsScalar()) return src_.Error(it_kv, "each entry of 'show' must be a column name");
      DOCKET_RB_RETURN_IF_ERROR(
          add(std::string(absl::StripAsciiWhitespace(it_kv.Scalar())), src_.Location(it_kv)));
    }
    return absl::OkStatus();
  }
  if (node.IsScalar()) {
    // "name, csm, arr": a comma-separated string.
    size_t offset = 0;
    for (absl::string_view part : absl::StrSplit(node.Scalar(), ',')) {
      size_t lead = part.size() - absl::StripLeadingAsciiWhitespace(part).size();
      DOCKET_RB_RETURN_IF_ERROR(
          add(std::string(absl::StripAsciiWhitespace(part)), InsideScalar(node, offset + lead)));
      offset += part.size() + 1;
    }
    return absl::OkStatus();
  }
  return src_.Error(ValueLocation(key, node), "'show' must be a list of column names",
                    "show: [name, csm, arr]");
}

absl::Status Loader::LoadOrderBy(const YAML::Node& key, const YAML::Node& node,
                                 ListSpec* list) const {
  std::vector<YAML::Node> items;
  if (node.IsScalar()) {
    items.push_back(node);
  } else if (node.IsSequence()) {
    for (const auto& item : node) items.push_back(item);
  } else {
    return src_.Error(ValueLocation(key, node), "'order_by' must be keys like 'arr DESC, name'",
                      "order_by: arr DESC, renewal_date NULLS FIRST");
  }
  for (const YAML::Node& item : items) {
    if (!item.IsScalar()) return src_.Error(item, "each order_by key must be text like 'arr DESC'");
    size_t err = 0;
    absl::StatusOr<std::vector<rulebook::ParsedOrderKey>> keys =
        rulebook::ParseOrderBy(item.Scalar(), &err);
    if (!keys.ok()) {
      return src_.Error(InsideScalar(item, err), std::string(keys.status().message()),
                        "order_by: arr DESC, renewal_date ASC NULLS FIRST");
    }
    for (rulebook::ParsedOrderKey& k : *keys) {
      k.key.location = InsideScalar(item, k.offset);
      list->order_by.push_back(std::move(k.key));
    }
  }
  return absl::OkStatus();
}

absl::Status Loader::LoadResources(const YAML::Node& key, const YAML::Node& node,
                                   ListSpec* list) const {
  if (node.IsNull()) return absl::OkStatus();
  if (!node.IsSequence()) {
    return src_.Error(ValueLocation(key, node), "'resources' must be a list of {title, url}",
                      "resources: [{title: Renewal playbook, url: 'https://…'}]");
  }
  for (const auto& it_kv : node) {
    const YAML::Node& r = it_kv;
    Resource res;
    if (r.IsScalar()) {
      res.url = r.Scalar();
      res.title = r.Scalar();
    } else if (r.IsMap()) {
      DOCKET_RB_RETURN_IF_ERROR(CheckKeys(r, kResourceKeys, "in a resource"));
      for (const auto& f_kv : r) {
        std::string value;
        DOCKET_RB_RETURN_IF_ERROR(NonEmptyScalar(f_kv.first, f_kv.second, "", &value));
        (f_kv.first.Scalar() == "url" ? res.url : res.title) = value;
      }
      if (res.url.empty()) return src_.Error(r, "missing required key 'url' in a resource");
      if (res.title.empty()) res.title = res.url;
    } else {
      return src_.Error(r, "each resource must be {title, url}");
    }
    list->resources.push_back(std::move(res));
  }
  return absl::OkStatus();
}

absl::Status Loader::LoadKpis(const YAML::Node& key, const YAML::Node& node, Rulebook* book) const {
  if (node.IsNull()) return absl::OkStatus();
  if (!node.IsSequence()) {
    return src_.Error(
        ValueLocation(key, node),
        absl::StrCat("'kpis' must be a YAML list of KPIs (each starting with '- id:'), not ",
                     KindName(node)));
  }
  absl::flat_hash_map<std::string, int> seen;
  for (const auto& it_kv : node) {
    KpiSpec kpi;
    DOCKET_RB_RETURN_IF_ERROR(LoadKpi(it_kv, &kpi));
    auto [pos, inserted] = seen.emplace(kpi.id, kpi.location.line);
    if (!inserted) {
      return src_.Error(kpi.location, absl::StrCat("duplicate KPI id '", kpi.id, "'"),
                        absl::StrCat("a KPI with this id is defined on line ", pos->second),
                        static_cast<int>(kpi.id.size()));
    }
    book->kpis.push_back(std::move(kpi));
  }
  return absl::OkStatus();
}

absl::Status Loader::LoadKpi(const YAML::Node& node, KpiSpec* kpi) const {
  if (!node.IsMap()) {
    return src_.Error(node, absl::StrCat("each KPI must be a mapping (id, list, measure, by), not ",
                                         KindName(node)));
  }
  std::string where = "in a KPI";
  if (YAML::Node id = node["id"]; id && id.IsScalar())
    where = absl::StrCat("in KPI '", id.Scalar(), "'");
  DOCKET_RB_RETURN_IF_ERROR(CheckKeys(node, kKpiKeys, where));
  bool has_id = false, has_list = false;
  for (const auto& it_kv : node) {
    const std::string& k = it_kv.first.Scalar();
    const YAML::Node& v = it_kv.second;
    if (k == "id") {
      DOCKET_RB_RETURN_IF_ERROR(NonEmptyScalar(it_kv.first, v, "(the KPI's id)", &kpi->id));
      kpi->location = ValueLocation(it_kv.first, v);
      has_id = true;
    } else if (k == "title") {
      DOCKET_RB_RETURN_IF_ERROR(NonEmptyScalar(it_kv.first, v, "", &kpi->title));
    } else if (k == "description") {
      DOCKET_RB_RETURN_IF_ERROR(Scalar(it_kv.first, v, "").status());
    } else if (k == "list") {
      DOCKET_RB_RETURN_IF_ERROR(NonEmptyScalar(it_kv.first, v, "", &kpi->list));
      kpi->list_location = src_.Location(v);
      has_list = true;
    } else if (k == "measure") {
      std::string text;
      DOCKET_RB_RETURN_IF_ERROR(NonEmptyScalar(it_kv.first, v, "", &text));
      size_t err = 0;
      absl::StatusOr<docket::Measure> m = rulebook::ParseMeasure(text, &err);
      if (!m.ok()) {
        std::string hint =
            "count, count(*), sum(col), avg(col), min(col), max(col) or count_distinct(col)";
        if (absl::StrContains(m.status().message(), "unknown measure")) {
          size_t paren = text.find('(');
          std::string fn = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text.substr(0, paren)));
          std::string close =
              base::ClosestName(fn, {"count", "sum", "avg", "min", "max", "count_distinct"});
          if (!close.empty()) hint = absl::StrCat("did you mean '", close, "'?");
        }
        return src_.Error(InsideScalar(v, err), std::string(m.status().message()), hint);
      }
      kpi->measure = *std::move(m);
      kpi->measure_location = src_.Location(v);
      // The column's own position inside "sum(arr)".
      if (!kpi->measure.column.empty()) {
        size_t at = text.find(kpi->measure.column, text.find('('));
        if (at != std::string::npos) kpi->measure_location = InsideScalar(v, at);
      }
    } else if (k == "by") {
      std::string by;
      DOCKET_RB_RETURN_IF_ERROR(NonEmptyScalar(it_kv.first, v, "", &by));
      if (by != "owner") {
        return src_.Error(v, absl::StrCat("unknown grouping 'by: ", by, "'"),
                          "the only grouping is 'by: owner'");
      }
      kpi->by_owner = true;
    }
  }
  SourceLocation at = src_.Location(node);
  if (!has_id)
    return src_.Error(at, "missing required key 'id' in a KPI", "every KPI needs a unique id");
  if (!has_list) {
    return src_.Error(at, absl::StrCat("missing required key 'list' in KPI '", kpi->id, "'"),
                      "name the list whose rows the KPI measures");
  }
  if (kpi->title.empty()) kpi->title = kpi->id;
  if (kpi->measure_location.line == 0) kpi->measure_location = at;
  return absl::OkStatus();
}

std::string BaseName(std::string_view path) {
  std::string name = std::filesystem::path(std::string(path)).stem().string();
  return name.empty() ? std::string(path) : name;
}

}  // namespace

absl::StatusOr<Rulebook> Rulebook::FromYaml(std::string_view text, std::string_view filename,
                                            const Limits& limits) {
  std::string file(filename);
  if (static_cast<int64_t>(text.size()) > limits.max_rulebook_bytes) {
    return LimitError(SourceLocation{file, 0, 0}, "max_rulebook_bytes", limits.max_rulebook_bytes,
                      absl::StrCat("the rulebook is ", text.size(), " bytes"));
  }
  YamlSource src(text, file);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    SourceLocation at = src.Location(e.mark);
    if (at.line == 0) at = SourceLocation{file, 1, 1};
    std::string msg = e.msg.empty() ? std::string(e.what()) : e.msg;
    return src.Error(at, absl::StrCat("YAML syntax error: ", msg));
  } catch (const std::exception& e) {
    return src.Error(SourceLocation{file, 1, 1}, absl::StrCat("YAML error: ", e.what()));
  }
  Rulebook book;
  book.file = file;
  book.name = BaseName(filename);
  try {
    Loader loader(src, limits, static_cast<int64_t>(text.size()));
    absl::Status st = loader.Load(root, &book);
    if (!st.ok()) return st;
  } catch (const YAML::Exception& e) {
    return src.Error(src.Location(e.mark), absl::StrCat("YAML error: ", e.msg));
  } catch (const std::exception& e) {
    return absl::InternalError(
        absl::StrCat(file, ": unexpected error reading the rulebook: ", e.what()));
  }
  return book;
}

absl::StatusOr<Rulebook> Rulebook::Load(const std::string& path, const Limits& limits) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return UsageError(absl::StrCat(path, ": is a directory, not a rulebook file"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return UsageError(absl::StrCat(path, ": cannot open the rulebook file"));
  std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (!ec && static_cast<int64_t>(size) > limits.max_rulebook_bytes) {
    return LimitError(SourceLocation{path, 0, 0}, "max_rulebook_bytes", limits.max_rulebook_bytes,
                      absl::StrCat("the rulebook is ", size, " bytes"));
  }
  std::string text;
  char buf[1 << 16];
  while (in.read(buf, sizeof(buf)) || in.gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (static_cast<int64_t>(text.size()) > limits.max_rulebook_bytes) {
      return LimitError(SourceLocation{path, 0, 0}, "max_rulebook_bytes", limits.max_rulebook_bytes,
                        "the rulebook is too large");
    }
  }
  return FromYaml(text, path, limits);
}

}  // namespace docket
