// `ctas:` and `on_owner_change:`: YAML → CtaSpec, and the schema check of the
// columns a CTA names.  Every mistake is one InvalidArgument at the file's
// line and column with a hint (did-you-mean for names).
#include "rulebook/cta_spec.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/names.h"
#include "docket/error.h"
#include "rulebook/spec_parsers.h"

namespace docket {

std::string_view CtaPriorityName(CtaPriority p) {
  switch (p) {
    case CtaPriority::kHigh:
      return "high";
    case CtaPriority::kMedium:
      return "medium";
    case CtaPriority::kLow:
      return "low";
  }
  return "medium";
}

std::string_view OwnerChangePolicyName(OwnerChangePolicy p) {
  switch (p) {
    case OwnerChangePolicy::kMoveNone:
      return "move_none";
    case OwnerChangePolicy::kMoveOpen:
      return "move_open";
    case OwnerChangePolicy::kMoveAll:
      return "move_all";
  }
  return "move_open";
}

const CtaSpec* Rulebook::FindCta(std::string_view id) const {
  for (const CtaSpec& c : ctas) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

namespace rulebook {
namespace {

const std::vector<std::string> kCtaKeys = {
    "id",    "list",     "type",  "reason",   "name",   "description", "priority", "due",
    "owner", "identity", "close", "cooldown", "action", "resources",   "tasks"};
const std::vector<std::string> kPriorities = {"high", "medium", "low"};
const std::vector<std::string> kCloseRules = {"when_exits", "manual"};
const std::vector<std::string> kPolicies = {"move_none", "move_open", "move_all"};

#define DOCKET_CTA_RETURN_IF_ERROR(expr) \
  do {                                   \
    absl::Status _st = (expr);           \
    if (!_st.ok()) return _st;           \
  } while (0)

std::string Hint(std::string_view found, const std::vector<std::string>& candidates) {
  std::string close = base::ClosestName(found, candidates);
  return close.empty() ? absl::StrCat("expected one of: ", absl::StrJoin(candidates, ", "))
                       : absl::StrCat("did you mean '", close, "'?");
}

class CtaLoader {
 public:
  CtaLoader(const YamlSource& src, const Rulebook& book) : src_(src), book_(book) {}

  absl::Status Load(const YAML::Node& node, CtaSpec* cta) const;

 private:
  SourceLocation ValueLocation(const YAML::Node& key, const YAML::Node& value) const {
    return value.IsNull() ? src_.Location(key) : src_.Location(value);
  }
  // A non-empty scalar.
  absl::Status Text(const YAML::Node& key, const YAML::Node& value, std::string* out) const {
    if (!value.IsScalar() || absl::StripAsciiWhitespace(value.Scalar()).empty()) {
      return src_.Error(
          ValueLocation(key, value),
          absl::StrCat("'", key.Scalar(), "' in CTA '", id_hint_, "' must be a non-empty value"));
    }
    *out = std::string(absl::StripAsciiWhitespace(value.Scalar()));
    return absl::OkStatus();
  }
  // The location of byte `offset` of single-line scalar `node`.
  SourceLocation Inside(const YAML::Node& node, size_t offset) const {
    ExpressionSource e = src_.Expression(node);
    SourceLocation loc = e.origin;
    if (e.text.find('\n') == std::string::npos && e.text == node.Scalar())
      loc.column += static_cast<int>(offset);
    return loc;
  }
  absl::Status Days(const YAML::Node& key, const YAML::Node& value, int64_t* out) const;
  absl::Status Owner(const YAML::Node& key, const YAML::Node& value, CtaSpec* cta) const;
  absl::Status NameTemplate(const YAML::Node& value, CtaSpec* cta) const;
  absl::Status Identity(const YAML::Node& key, const YAML::Node& value, CtaSpec* cta) const;
  absl::Status Tasks(const YAML::Node& key, const YAML::Node& value, CtaSpec* cta) const;
  absl::Status Resources(const YAML::Node& key, const YAML::Node& value, CtaSpec* cta) const;

  const YamlSource& src_;
  const Rulebook& book_;
  mutable std::string id_hint_ = "?";
};

absl::Status CheckKeys(const YamlSource& src, const YAML::Node& map,
                       const std::vector<std::string>& allowed, const std::string& where) {
  absl::flat_hash_map<std::string, int> seen;
  for (const auto& kv : map) {
    const YAML::Node& key = kv.first;
    if (!key.IsScalar()) return src.Error(key, absl::StrCat("keys ", where, " must be names"));
    const std::string& k = key.Scalar();
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      return src.Error(key, absl::StrCat("unknown key '", k, "' ", where), Hint(k, allowed));
    }
    auto [pos, inserted] = seen.emplace(k, key.Mark().line + 1);
    if (!inserted) {
      return src.Error(key, absl::StrCat("duplicate key '", k, "' ", where),
                       absl::StrCat("it is already set on line ", pos->second));
    }
  }
  return absl::OkStatus();
}

absl::Status CtaLoader::Days(const YAML::Node& key, const YAML::Node& value, int64_t* out) const {
  std::string text;
  DOCKET_CTA_RETURN_IF_ERROR(Text(key, value, &text));
  absl::StatusOr<int64_t> days = ParseDays(text);
  if (!days.ok()) {
    return src_.Error(value,
                      absl::StrCat("'", key.Scalar(), ": ", text, "' is not a number of days"),
                      absl::StrCat(key.Scalar(), ": 7 days"));
  }
  *out = *days;
  return absl::OkStatus();
}

absl::Status CtaLoader::Owner(const YAML::Node& key, const YAML::Node& value, CtaSpec* cta) const {
  cta->owner_location = ValueLocation(key, value);
  const char* hint =
      "owner: owner (the row's owner), owner: pool (a queue), owner: {owner_or: pool} or "
      "owner: {column: previous_csm}";
  if (value.IsScalar()) {
    std::string text;
    DOCKET_CTA_RETURN_IF_ERROR(Text(key, value, &text));
    if (text == "owner") {
      cta->owner.kind = CtaOwnerKind::kRowOwner;
    } else {
      cta->owner.kind = CtaOwnerKind::kQueue;
      cta->owner.queue = text;
    }
    return absl::OkStatus();
  }
  if (value.IsMap() && value.size() == 1) {
    const YAML::Node k = value.begin()->first;  // Copies: the iterator is a temporary.
    const YAML::Node v = value.begin()->second;
    std::string word = k.IsScalar() ? k.Scalar() : "";
    if (word == "owner_or" || word == "column") {
      std::string text;
      DOCKET_CTA_RETURN_IF_ERROR(Text(k, v, &text));
      if (word == "owner_or") {
        cta->owner.kind = CtaOwnerKind::kOwnerOrQueue;
        cta->owner.queue = text;
      } else {
        cta->owner.kind = CtaOwnerKind::kColumn;
        cta->owner.column = text;
        cta->owner_location = src_.Location(v);
      }
      return absl::OkStatus();
    }
    return src_.Error(k, absl::StrCat("unknown owner rule '", word, "' in CTA '", cta->id, "'"),
                      Hint(word, {"owner_or", "column"}));
  }
  return src_.Error(ValueLocation(key, value), absl::StrCat("bad 'owner' in CTA '", cta->id, "'"),
                    hint);
}

absl::Status CtaLoader::NameTemplate(const YAML::Node& value, CtaSpec* cta) const {
  const std::string& t = cta->name_template;
  std::string literal;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if ((c == '{' || c == '}') && i + 1 < t.size() &&
        t[i + 1] == c) {  // {{ and }} are literal braces.
      literal.push_back(c);
      ++i;
      continue;
    }
    if (c == '}') {
      return src_.Error(Inside(value, i), "unmatched '}' in a CTA name",
                        "write '}}' for a literal brace");
    }
    if (c != '{') {
      literal.push_back(c);
      continue;
    }
    size_t end = t.find('}', i);
    if (end == std::string::npos) {
      return src_.Error(
          Inside(value, i), "unclosed '{' in a CTA name",
          "placeholders are {column} or {account.name}; write '{{' for a literal brace");
    }
    std::string column(absl::StripAsciiWhitespace(t.substr(i + 1, end - i - 1)));
    if (column.empty()) return src_.Error(Inside(value, i), "empty placeholder '{}' in a CTA name");
    if (!literal.empty()) cta->name.push_back(CtaTemplatePart{std::move(literal), false, {}});
    literal.clear();
    cta->name.push_back(CtaTemplatePart{column, true, Inside(value, i + 1)});
    i = end;
  }
  if (!literal.empty()) cta->name.push_back(CtaTemplatePart{std::move(literal), false, {}});
  return absl::OkStatus();
}

absl::Status CtaLoader::Identity(const YAML::Node& key, const YAML::Node& value,
                                 CtaSpec* cta) const {
  auto add = [&](std::string name, SourceLocation where) -> absl::Status {
    if (name.empty()) return src_.Error(where, "empty column name in 'identity'");
    if (name == "key" || name == "type" || name == "reason")
      return absl::OkStatus();  // Always part of it.
    if (std::find(cta->identity.begin(), cta->identity.end(), name) != cta->identity.end()) {
      return src_.Error(where, absl::StrCat("column '", name, "' is in 'identity' twice"));
    }
    cta->identity.push_back(std::move(name));
    cta->identity_locations.push_back(std::move(where));
    return absl::OkStatus();
  };
  if (value.IsSequence()) {
    for (const auto& item : value) {
      if (!item.IsScalar())
        return src_.Error(item, "each entry of 'identity' must be a column name");
      DOCKET_CTA_RETURN_IF_ERROR(
          add(std::string(absl::StripAsciiWhitespace(item.Scalar())), src_.Location(item)));
    }
    return absl::OkStatus();
  }
  if (value.IsScalar()) {
    size_t offset = 0;
    for (absl::string_view part : absl::StrSplit(value.Scalar(), ',')) {
      size_t lead = part.size() - absl::StripLeadingAsciiWhitespace(part).size();
      DOCKET_CTA_RETURN_IF_ERROR(
          add(std::string(absl::StripAsciiWhitespace(part)), Inside(value, offset + lead)));
      offset += part.size() + 1;
    }
    return absl::OkStatus();
  }
  return src_.Error(ValueLocation(key, value), "'identity' must be a list of column names",
                    "identity: [key, type, reason, nps_responded_at]");
}

absl::Status CtaLoader::Tasks(const YAML::Node& key, const YAML::Node& value, CtaSpec* cta) const {
  if (value.IsNull()) return absl::OkStatus();
  if (!value.IsSequence()) {
    return src_.Error(ValueLocation(key, value), "'tasks' must be a list of checklist items",
                      "tasks: [Review usage, Call the sponsor]");
  }
  for (const auto& item : value) {
    if (!item.IsScalar() || absl::StripAsciiWhitespace(item.Scalar()).empty()) {
      return src_.Error(item, "each task must be a line of text");
    }
    cta->tasks.emplace_back(absl::StripAsciiWhitespace(item.Scalar()));
  }
  return absl::OkStatus();
}

absl::Status CtaLoader::Resources(const YAML::Node& key, const YAML::Node& value,
                                  CtaSpec* cta) const {
  if (value.IsNull()) return absl::OkStatus();
  if (!value.IsSequence()) {
    return src_.Error(ValueLocation(key, value), "'resources' must be a list of {title, url}",
                      "resources: [{title: Renewal playbook, url: 'https://…'}]");
  }
  for (const auto& r : value) {
    std::string title, url;
    if (r.IsScalar()) {
      title = url = r.Scalar();
    } else if (r.IsMap()) {
      DOCKET_CTA_RETURN_IF_ERROR(CheckKeys(src_, r, {"title", "url"}, "in a resource"));
      for (const auto& f : r) {
        std::string v;
        DOCKET_CTA_RETURN_IF_ERROR(Text(f.first, f.second, &v));
        (f.first.Scalar() == "url" ? url : title) = v;
      }
      if (url.empty()) return src_.Error(r, "missing required key 'url' in a resource");
      if (title.empty()) title = url;
    } else {
      return src_.Error(r, "each resource must be {title, url}");
    }
    cta->resources.emplace_back(std::move(title), std::move(url));
  }
  return absl::OkStatus();
}

absl::Status CtaLoader::Load(const YAML::Node& node, CtaSpec* cta) const {
  if (!node.IsMap()) {
    return src_.Error(node, "each CTA must be a mapping (id, list, type, reason, owner, …)");
  }
  std::string where = "in a CTA";
  if (YAML::Node id = node["id"]; id && id.IsScalar()) {
    where = absl::StrCat("in CTA '", id.Scalar(), "'");
    id_hint_ = id.Scalar();
  }
  DOCKET_CTA_RETURN_IF_ERROR(CheckKeys(src_, node, kCtaKeys, where));
  bool has_id = false, has_list = false, has_type = false, has_reason = false;
  YAML::Node name_node;
  for (const auto& kv : node) {
    const std::string& k = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    if (k == "id") {
      DOCKET_CTA_RETURN_IF_ERROR(Text(kv.first, v, &cta->id));
      if (!base::IsIdentifier(cta->id)) {
        return src_.Error(v, absl::StrCat("CTA id '", cta->id, "' is not a name"),
                          "use letters, digits and underscores, e.g. 'nps_response'");
      }
      cta->location = src_.Location(v);
      has_id = true;
    } else if (k == "list") {
      DOCKET_CTA_RETURN_IF_ERROR(Text(kv.first, v, &cta->list));
      cta->list_location = src_.Location(v);
      has_list = true;
    } else if (k == "type") {
      DOCKET_CTA_RETURN_IF_ERROR(Text(kv.first, v, &cta->type));
      cta->type = absl::AsciiStrToLower(cta->type);
      has_type = true;
    } else if (k == "reason") {
      DOCKET_CTA_RETURN_IF_ERROR(Text(kv.first, v, &cta->reason));
      has_reason = true;
    } else if (k == "name") {
      DOCKET_CTA_RETURN_IF_ERROR(Text(kv.first, v, &cta->name_template));
      cta->name_template = v.Scalar();  // Keep inner spacing; offsets index the scalar.
      name_node = v;
    } else if (k == "description") {
      if (!v.IsScalar() && !v.IsNull()) return src_.Error(v, "'description' must be text");
    } else if (k == "priority") {
      std::string p;
      DOCKET_CTA_RETURN_IF_ERROR(Text(kv.first, v, &p));
      std::string lower = absl::AsciiStrToLower(p);
      if (lower == "high") {
        cta->priority = CtaPriority::kHigh;
      } else if (lower == "medium") {
        cta->priority = CtaPriority::kMedium;
      } else if (lower == "low") {
        cta->priority = CtaPriority::kLow;
      } else {
        return src_.Error(v, absl::StrCat("unknown priority '", p, "'"), Hint(lower, kPriorities));
      }
    } else if (k == "due") {
      DOCKET_CTA_RETURN_IF_ERROR(Days(kv.first, v, &cta->due_days));
    } else if (k == "cooldown") {
      DOCKET_CTA_RETURN_IF_ERROR(Days(kv.first, v, &cta->cooldown_days));
    } else if (k == "owner") {
      DOCKET_CTA_RETURN_IF_ERROR(Owner(kv.first, v, cta));
    } else if (k == "identity") {
      DOCKET_CTA_RETURN_IF_ERROR(Identity(kv.first, v, cta));
    } else if (k == "close") {
      std::string c;
      DOCKET_CTA_RETURN_IF_ERROR(Text(kv.first, v, &c));
      if (c == "when_exits") {
        cta->close = CtaCloseRule::kWhenExits;
      } else if (c == "manual") {
        cta->close = CtaCloseRule::kManual;
      } else {
        return src_.Error(v, absl::StrCat("unknown close rule '", c, "'"), Hint(c, kCloseRules));
      }
    } else if (k == "action") {
      if (!v.IsScalar()) return src_.Error(ValueLocation(kv.first, v), "'action' must be text");
      cta->action = std::string(absl::StripAsciiWhitespace(v.Scalar()));
    } else if (k == "resources") {
      DOCKET_CTA_RETURN_IF_ERROR(Resources(kv.first, v, cta));
    } else if (k == "tasks") {
      DOCKET_CTA_RETURN_IF_ERROR(Tasks(kv.first, v, cta));
    }
  }
  SourceLocation at = src_.Location(node);
  if (!has_id)
    return src_.Error(at, "missing required key 'id' in a CTA", "every CTA rule needs a unique id");
  const char* missing = !has_list ? "list" : !has_type ? "type" : !has_reason ? "reason" : nullptr;
  if (missing != nullptr) {
    const char* hint =
        !has_list   ? "the list whose rows raise this CTA, e.g. 'list: cta_nps_response'"
        : !has_type ? "risk, opportunity, lifecycle, activity, transition, or your own word"
                    : "why the CTA exists, e.g. 'reason: NPS response'";
    return src_.Error(
        at, absl::StrCat("missing required key '", missing, "' in CTA '", cta->id, "'"), hint);
  }
  if (book_.FindList(cta->list) == nullptr) {
    std::vector<std::string> ids;
    for (const ListSpec& l : book_.lists) ids.push_back(l.id);
    std::string close = base::ClosestName(cta->list, ids);
    return src_.Error(
        cta->list_location,
        absl::StrCat("CTA '", cta->id, "' is raised by unknown list '", cta->list, "'"),
        close.empty() ? (ids.empty() ? "the rulebook defines no lists"
                                     : absl::StrCat("the lists are: ", absl::StrJoin(ids, ", ")))
                      : absl::StrCat("did you mean '", close, "'?"),
        static_cast<int>(cta->list.size()));
  }
  if (name_node.IsDefined() && !name_node.IsNull()) {
    DOCKET_CTA_RETURN_IF_ERROR(NameTemplate(name_node, cta));
  } else {
    cta->name_template = "{reason}: {key}";
    cta->name = {CtaTemplatePart{cta->reason + ": ", false, {}},
                 CtaTemplatePart{"key", true, cta->location}};
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<int64_t> ParseDays(std::string_view text) {
  std::vector<std::string> words = absl::StrSplit(std::string(text), ' ', absl::SkipWhitespace());
  if (words.empty() || words.size() > 2) return absl::InvalidArgumentError("not a number of days");
  if (words.size() == 2 && words[1] != "days" && words[1] != "day") {
    return absl::InvalidArgumentError("not a number of days");
  }
  int64_t n = 0;
  if (!absl::SimpleAtoi(words[0], &n) || n < 0 || n > 36500)
    return absl::InvalidArgumentError("not a number of days");
  return n;
}

absl::Status LoadOnOwnerChange(const YamlSource& src, const YAML::Node& key, const YAML::Node& node,
                               Rulebook* book) {
  if (!node.IsScalar()) {
    return src.Error(node.IsNull() ? src.Location(key) : src.Location(node),
                     "'on_owner_change' must be move_none, move_open or move_all");
  }
  const std::string& p = node.Scalar();
  if (p == "move_none") {
    book->on_owner_change = OwnerChangePolicy::kMoveNone;
  } else if (p == "move_open") {
    book->on_owner_change = OwnerChangePolicy::kMoveOpen;
  } else if (p == "move_all") {
    book->on_owner_change = OwnerChangePolicy::kMoveAll;
  } else {
    return src.Error(node, absl::StrCat("unknown on_owner_change policy '", p, "'"),
                     Hint(p, kPolicies));
  }
  return absl::OkStatus();
}

absl::Status LoadCtas(const YamlSource& src, const YAML::Node& key, const YAML::Node& node,
                      Rulebook* book) {
  if (node.IsNull()) return absl::OkStatus();
  if (!node.IsSequence()) {
    return src.Error(src.Location(node),
                     "'ctas' must be a YAML list of CTA rules (each starting with '- id:')");
  }
  (void)key;
  CtaLoader loader(src, *book);
  absl::flat_hash_map<std::string, int> ids;
  absl::flat_hash_map<std::string, std::string> identities;  // type + reason → CTA id.
  for (const auto& item : node) {
    CtaSpec cta;
    DOCKET_CTA_RETURN_IF_ERROR(loader.Load(item, &cta));
    auto [pos, inserted] = ids.emplace(cta.id, cta.location.line);
    if (!inserted) {
      return src.Error(cta.location, absl::StrCat("duplicate CTA id '", cta.id, "'"),
                       absl::StrCat("a CTA with this id is defined on line ", pos->second),
                       static_cast<int>(cta.id.size()));
    }
    // Identity is key + type + reason: two rules with the same type and
    // reason would update each other's CTAs.
    auto [other, fresh] = identities.emplace(absl::StrCat(cta.type, "\x1f", cta.reason), cta.id);
    if (!fresh) {
      return src.Error(
          cta.location,
          absl::StrCat("CTA '", cta.id, "' has the same type and reason as CTA '", other->second,
                       "' ('", cta.type, "', '", cta.reason, "')"),
          "a CTA's identity is the row's key + type + reason: give each rule its own reason");
    }
    book->ctas.push_back(std::move(cta));
  }
  return absl::OkStatus();
}

absl::Status CheckCtaNames(const Rulebook& book, const Schema& schema) {
  for (const CtaSpec& cta : book.ctas) {
    const ListSpec* list = book.FindList(cta.list);
    if (list == nullptr) continue;  // The loader checked.
    const TableSchema* table = schema.FindTable(list->table);
    if (table == nullptr) continue;  // CheckNames reported it.
    std::vector<std::string> columns;
    for (const ColumnSchema& c : table->columns) columns.push_back(c.name);
    for (const std::string& s : list->show) {
      // Parent fields and `prev(column)` entries the list shows are columns of its rows too.
      if (s.find('.') != std::string::npos || s.rfind("prev(", 0) == 0) {
        // `prev(csm) AS from_csm` is named {prev(csm)} in a template.
        const size_t as = absl::AsciiStrToUpper(s).rfind(") AS ");
        columns.push_back(s.rfind("prev(", 0) == 0 && as != std::string::npos ? s.substr(0, as + 1)
                                                                              : s);
      }
    }
    auto check = [&](const std::string& column, const SourceLocation& at,
                     const std::string& what) -> absl::Status {
      if (std::find(columns.begin(), columns.end(), column) != columns.end())
        return absl::OkStatus();
      std::string hint = base::DidYouMean(column, columns);
      if (hint.empty() && column.find('.') != std::string::npos) {
        hint = absl::StrCat("a parent field must be shown by list '", list->id,
                            "' (add it to its 'show')");
      } else if (hint.empty()) {
        hint =
            absl::StrCat("the columns of '", table->name, "' are: ", absl::StrJoin(columns, ", "));
      }
      ErrorDetail d;
      d.kind = ErrorKind::kCompile;
      d.location = at;
      d.message = absl::StrCat("unknown column '", column, "' in ", what, " of CTA '", cta.id,
                               "' (list '", list->id, "' ranges over '", table->name, "')");
      d.hint = hint;
      d.span = static_cast<int>(column.size());
      return MakeError(d);
    };
    for (const CtaTemplatePart& part : cta.name) {
      if (part.is_column && !part.text.empty() && part.text != "key" && part.text != "reason" &&
          part.text != "type" && part.text != "owner") {
        DOCKET_CTA_RETURN_IF_ERROR(check(part.text, part.location, "the name"));
      }
    }
    for (size_t i = 0; i < cta.identity.size(); ++i) {
      DOCKET_CTA_RETURN_IF_ERROR(check(cta.identity[i], cta.identity_locations[i], "the identity"));
    }
    if (cta.owner.kind == CtaOwnerKind::kColumn) {
      DOCKET_CTA_RETURN_IF_ERROR(check(cta.owner.column, cta.owner_location, "the owner"));
      const ColumnSchema* c = table->Column(cta.owner.column);
      if (c != nullptr && c->type.id != TypeId::kString) {
        return CompileError(cta.owner_location,
                            absl::StrCat("owner column '", cta.owner.column, "' of CTA '", cta.id,
                                         "' is ", c->type.ToString(), ", not string"),
                            "name a column holding people's names");
      }
    }
    bool has_owner = false;  // Its own owner column, or an ancestor's.
    for (const TableSchema* t = table; t != nullptr && !has_owner;
         t = t->parent.has_value() ? schema.FindTable(t->parent->table) : nullptr) {
      has_owner = !t->owner.empty();
      if (t->parent.has_value() && t->parent->table == table->name)
        break;  // Cycles are reported elsewhere.
    }
    if (cta.owner.FollowsRowOwner() && !has_owner) {
      return CompileError(
          cta.owner_location,
          absl::StrCat("CTA '", cta.id, "' goes to the row's owner, but table '", table->name,
                       "' has no owner column"),
          "declare 'owner:' on the table, or route the CTA to a queue ('owner: pool') or a "
          "column ('owner: {column: csm}')");
    }
    if (table->key.empty()) {
      return CompileError(
          cta.list_location,
          absl::StrCat("CTA '", cta.id, "' is raised from table '", table->name,
                       "', which has no key"),
          "a CTA's identity starts with the row's key: declare 'key:' on the table");
    }
  }
  return absl::OkStatus();
}

}  // namespace rulebook
}  // namespace docket
