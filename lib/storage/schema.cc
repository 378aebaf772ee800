#include "docket/schema.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "docket/error.h"

namespace docket {

int TableSchema::FindColumn(std::string_view column) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == column) return static_cast<int>(i);
  }
  return -1;
}

const ColumnSchema* TableSchema::Column(std::string_view column) const {
  int i = FindColumn(column);
  return i < 0 ? nullptr : &columns[i];
}

const TextFallback* TableSchema::FallbackOf(std::string_view column) const {
  for (const TextFallback& f : text_fallbacks) {
    if (f.column == column) return &f;
  }
  return nullptr;
}

const TableSchema* Schema::FindTable(std::string_view name) const {
  for (const TableSchema& t : tables) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

TableSchema* Schema::FindTable(std::string_view name) {
  for (TableSchema& t : tables) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::vector<const TableSchema*> Schema::ChildrenOf(std::string_view table) const {
  std::vector<const TableSchema*> out;
  for (const TableSchema& t : tables) {
    if (t.parent && t.parent->table == table) out.push_back(&t);
  }
  return out;
}

namespace {
std::vector<std::string> ColumnNames(const TableSchema& t) {
  std::vector<std::string> names;
  for (const ColumnSchema& c : t.columns) names.push_back(c.name);
  return names;
}

absl::Status UnknownColumn(const TableSchema& t, std::string_view role, std::string_view name,
                           const SourceLocation& where) {
  std::string close = ClosestMatch(name, ColumnNames(t));
  return CompileError(where,
                      absl::StrCat("table '", t.name, "': ", std::string(role), " column '",
                                   std::string(name), "' is not a column"),
                      close.empty()
                          ? absl::StrCat("columns are: ", absl::StrJoin(ColumnNames(t), ", "))
                          : absl::StrCat("did you mean '", close, "'?"));
}
}  // namespace

absl::Status Schema::Validate() const {
  std::set<std::string, std::less<>> seen;
  std::vector<std::string> table_names;
  for (const TableSchema& t : tables) table_names.push_back(t.name);
  for (const TableSchema& t : tables) {
    if (!seen.insert(t.name).second) {
      return CompileError(t.location, absl::StrCat("table '", t.name, "' is declared twice"));
    }
    std::set<std::string, std::less<>> cols;
    for (const ColumnSchema& c : t.columns) {
      if (!cols.insert(c.name).second) {
        return CompileError(c.location, absl::StrCat("table '", t.name, "': column '", c.name,
                                                     "' is declared twice"));
      }
    }
    if (!t.key.empty() && t.FindColumn(t.key) < 0)
      return UnknownColumn(t, "key", t.key, t.location);
    if (!t.owner.empty()) {
      const ColumnSchema* c = t.Column(t.owner);
      if (c == nullptr) return UnknownColumn(t, "owner", t.owner, t.location);
      if (c->type.id != TypeId::kString) {
        return CompileError(t.location,
                            absl::StrCat("table '", t.name, "': owner column '", t.owner, "' is ",
                                         c->type.ToString(), ", not string"));
      }
    }
    if (t.parent) {
      const ParentRelation& p = *t.parent;
      const TableSchema* parent = FindTable(p.table);
      if (parent == nullptr) {
        std::string close = ClosestMatch(p.table, table_names);
        return CompileError(
            p.location,
            absl::StrCat("table '", t.name, "': parent table '", p.table, "' is not declared"),
            close.empty() ? "" : absl::StrCat("did you mean '", close, "'?"));
      }
      const ColumnSchema* via = t.Column(p.via);
      if (via == nullptr) return UnknownColumn(t, "parent 'via'", p.via, p.location);
      if (parent->key.empty()) {
        return CompileError(
            p.location,
            absl::StrCat("table '", t.name, "': parent table '", p.table, "' has no key"),
            "declare `key:` on the parent table");
      }
      const ColumnSchema* pkey = parent->Column(parent->key);
      if (pkey != nullptr && !(pkey->type == via->type)) {
        return CompileError(p.location, absl::StrCat("table '", t.name, "': '", p.via, "' is ",
                                                     via->type.ToString(), " but the key of '",
                                                     p.table, "' is ", pkey->type.ToString()));
      }
      if (p.as.empty()) {
        return CompileError(p.location, absl::StrCat("table '", t.name, "': parent needs `as:`"),
                            "the name rules use for the parent row, e.g. as: account");
      }
      if (t.FindColumn(p.as) >= 0) {
        return CompileError(p.location,
                            absl::StrCat("table '", t.name, "': parent name '", p.as,
                                         "' is also a column of the table"),
                            "choose another `as:` name");
      }
    }
  }
  // No parent cycles.
  for (const TableSchema& t : tables) {
    std::vector<std::string> path = {t.name};
    const TableSchema* cur = &t;
    while (cur->parent) {
      cur = FindTable(cur->parent->table);
      if (cur == nullptr) break;
      path.push_back(cur->name);
      if (cur->name == t.name) {
        return CompileError(t.location, absl::StrCat("parent relations form a cycle: ",
                                                     absl::StrJoin(path, " -> ")));
      }
      if (path.size() > tables.size() + 1) break;
    }
  }
  return absl::OkStatus();
}

}  // namespace docket
