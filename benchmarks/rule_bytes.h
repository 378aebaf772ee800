// benchmarks/rule_bytes.h — the bytes a rulebook's rules must read, for the
// floor of SPEC section 7: every column of a list's table, or of a table an
// aggregate names, whose name appears in a rule or segment; the `via` column
// of each child table an aggregate names; and the key of each parent those
// joins read.  Each column counts once.
#ifndef DOCKET_BENCHMARKS_RULE_BYTES_H_
#define DOCKET_BENCHMARKS_RULE_BYTES_H_

#include <cstdint>
#include <set>
#include <string>

#include "absl/strings/ascii.h"
#include "docket/rulebook.h"
#include "docket/table.h"

namespace docket::bench {

// Identifiers in rule text (a column is read when its name appears).
inline void AddWords(const std::string& text, std::set<std::string>* out) {
  std::string w;
  for (char c : text + " ") {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_') {
      w.push_back(c);
    } else if (!w.empty()) {
      out->insert(w);
      w.clear();
    }
  }
}

inline int64_t RuleBytes(const Rulebook& book, const Snapshot& snap) {
  std::set<std::string> words;
  std::set<std::string> tables;
  for (const SegmentSpec& s : book.segments) AddWords(s.expression.text, &words);
  for (const ListSpec& l : book.lists) {
    AddWords(l.when.text, &words);
    tables.insert(l.table);
  }
  std::set<std::string> named;  // Tables an aggregate or parent field names.
  for (const auto& [name, t] : snap.tables) {
    if (words.count(name)) named.insert(name);
    if (t.schema().parent.has_value() && words.count(t.schema().parent->as))
      named.insert(t.schema().parent->table);
  }
  tables.insert(named.begin(), named.end());
  int64_t bytes = 0;
  for (const std::string& name : tables) {
    const Table* t = snap.FindTable(name);
    if (t == nullptr) continue;
    for (int c = 0; c < t->num_columns(); ++c) {
      const std::string& col = t->schema().columns[c].name;
      const bool via =
          named.count(name) && t->schema().parent.has_value() && t->schema().parent->via == col;
      const bool key =
          named.count(name) && col == t->schema().key && !snap.schema.ChildrenOf(name).empty();
      if (words.count(col) || via || key) bytes += t->column(c).ByteSize();
    }
  }
  return bytes;
}

}  // namespace docket::bench

#endif  // DOCKET_BENCHMARKS_RULE_BYTES_H_
