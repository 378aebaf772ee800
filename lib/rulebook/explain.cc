#include "rulebook/explain.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/names.h"
#include "docket/error.h"
#include "io/format.h"
#include "rulebook/absl_compat.h"
#include "rulebook/command_center.h"
#include "rulebook/rows.h"

namespace docket::rulebook {

namespace {

SourceLocation At(const ExpressionSource& source, size_t offset) {
  SourceLocation loc = source.origin;
  if (loc.line == 0) {
    loc.line = 1;
    loc.column = 1;
  }
  std::string_view prefix = std::string_view(source.text).substr(0, offset);
  size_t nl = prefix.rfind('\n');
  if (nl == std::string_view::npos) {
    loc.column += static_cast<int>(offset);
  } else {
    loc.line += static_cast<int>(std::count(prefix.begin(), prefix.end(), '\n'));
    loc.column = static_cast<int>(offset - nl);
  }
  return loc;
}

bool IsWordChar(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Offsets [begin, end) of the top-level pieces of text[begin, end) split at
// `keyword` (AND or OR).
std::vector<std::pair<size_t, size_t>> Split(std::string_view text, size_t begin, size_t end,
                                             std::string_view keyword) {
  std::vector<std::pair<size_t, size_t>> pieces;
  int depth = 0, case_depth = 0, pending_between = 0;
  size_t start = begin;
  size_t i = begin;
  while (i < end) {
    char c = text[i];
    if (c == '\'' || c == '"') {
      // A string literal or quoted identifier; a doubled quote escapes.
      size_t j = i + 1;
      while (j < end) {
        if (text[j] == c) {
          if (j + 1 < end && text[j + 1] == c) {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      i = j + 1;
      continue;
    }
    if (c == '(') {
      ++depth;
      ++i;
      continue;
    }
    if (c == ')') {
      --depth;
      ++i;
      continue;
    }
    if (IsWordChar(c)) {
      size_t j = i;
      while (j < end && IsWordChar(text[j])) ++j;
      std::string word = absl::AsciiStrToUpper(Sv(text.substr(i, j - i)));
      if (word == "CASE") {
        ++case_depth;
      } else if (word == "END") {
        --case_depth;
      } else if (depth == 0 && case_depth == 0) {
        if (word == "BETWEEN") {
          ++pending_between;
        } else if (word == "AND" && pending_between > 0) {
          --pending_between;  // BETWEEN a AND b
        } else if (word == keyword) {
          pieces.emplace_back(start, i);
          start = j;
        }
      }
      i = j;
      continue;
    }
    ++i;
  }
  pieces.emplace_back(start, end);
  return pieces;
}

// Trims whitespace and outer parentheses that enclose the whole range.
void Trim(std::string_view text, size_t* begin, size_t* end) {
  while (true) {
    while (*begin < *end && absl::ascii_isspace(static_cast<unsigned char>(text[*begin]))) ++*begin;
    while (*end > *begin && absl::ascii_isspace(static_cast<unsigned char>(text[*end - 1]))) --*end;
    if (*end - *begin < 2 || text[*begin] != '(' || text[*end - 1] != ')') return;
    // Does the first '(' close at the last ')'?
    int depth = 0;
    bool encloses = true;
    for (size_t i = *begin; i < *end; ++i) {
      char c = text[i];
      if (c == '\'' || c == '"') {
        size_t j = i + 1;
        while (j < *end && text[j] != c) ++j;
        i = j;
        continue;
      }
      if (c == '(') ++depth;
      if (c == ')' && --depth == 0 && i + 1 < *end) {
        encloses = false;
        break;
      }
    }
    if (!encloses) return;
    ++*begin;
    --*end;
  }
}

std::string CollapseSpaces(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == ' ' && !out.empty() && out.back() == ' ') continue;
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::vector<ExpressionTerm> SplitTopLevel(const ExpressionSource& source, std::string* connective) {
  std::string_view text = source.text;
  size_t begin = 0, end = text.size();
  Trim(text, &begin, &end);
  std::vector<ExpressionTerm> terms;
  for (std::string_view keyword : {"OR", "AND"}) {
    std::vector<std::pair<size_t, size_t>> pieces = Split(text, begin, end, keyword);
    if (pieces.size() < 2) continue;
    *connective = std::string(keyword);
    for (auto [b, e] : pieces) {
      Trim(text, &b, &e);
      terms.push_back({std::string(text.substr(b, e - b)), At(source, b)});
    }
    return terms;
  }
  connective->clear();
  terms.push_back({std::string(text.substr(begin, end - begin)), At(source, begin)});
  return terms;
}

absl::StatusOr<Explanation> Explain(const CompiledRulebook& compiled, const Snapshot& snapshot,
                                    std::string_view list_id, std::string_view key,
                                    const RunOptions& options) {
  const Rulebook& book = compiled.rulebook();
  const ListSpec* list = book.FindList(list_id);
  if (list == nullptr) {
    std::vector<std::string> ids;
    for (const ListSpec& l : book.lists) ids.push_back(l.id);
    std::string close = base::ClosestName(list_id, ids);
    return UsageError(absl::StrCat("unknown list '", Sv(list_id), "'"),
                      close.empty() ? "" : absl::StrCat("did you mean '", close, "'?"));
  }
  const Table* table = snapshot.FindTable(list->table);
  if (table == nullptr)
    return DataError({}, absl::StrCat("table '", list->table, "' is not in the data"));
  const Column* key_column = table->key_column();
  if (key_column == nullptr) {
    return UsageError(
        absl::StrCat("table '", list->table, "' has no key column to look rows up by"));
  }
  Explanation e;
  e.list_id = list->id;
  e.list_title = list->title;
  e.table = list->table;
  e.key = std::string(key);
  for (int64_t r = 0; r < table->num_rows(); ++r) {
    if (!key_column->IsNull(r) && io::CellText(*key_column, r) == key) {
      e.row = r;
      break;
    }
  }
  if (e.row < 0) {
    return UsageError(absl::StrCat("no row of '", list->table, "' has ", table->schema().key,
                                   " = '", Sv(key), "'"));
  }

  RunOptions run = options;
  run.lists = {list->id};
  run.max_rows = 0;
  absl::StatusOr<RulebookResult> result = compiled.Evaluate(snapshot, run);
  if (!result.ok()) return result.status();
  e.in_list = result->lists[0].matches.Get(e.row);

  // Each top-level term as its own predicate, with NULLs reported.
  std::vector<ExpressionTerm> top = SplitTopLevel(list->when, &e.connective);
  // A term that names a segment is followed by the segment's own terms.
  std::vector<ExpressionTerm> terms;
  std::vector<int> depth;
  std::vector<std::string> joined;
  for (const ExpressionTerm& t : top) {
    terms.push_back(t);
    depth.push_back(0);
    joined.emplace_back();
    for (const SegmentSpec& s : book.segments) {
      if (s.name != t.text) continue;
      std::string how;
      std::vector<ExpressionTerm> inner = SplitTopLevel(s.expression, &how);
      for (const ExpressionTerm& i : inner) {
        terms.push_back(i);
        depth.push_back(1);
        joined.push_back(how);
      }
    }
  }
  CompileOptions copts;
  for (const RulebookParam& p : book.params) copts.params[p.name] = p.value;
  ProgramBuilder builder(compiled.schema(), copts);
  for (const SegmentSpec& s : book.segments) {
    absl::Status st = builder.AddSegment(s.name, s.expression);
    if (!st.ok()) return st;
  }
  for (const ExpressionTerm& t : terms) {
    absl::StatusOr<int> i = builder.AddPredicate(list->table, ExpressionSource{t.text, t.location});
    if (!i.ok()) return i.status();
  }
  absl::StatusOr<Program> program = std::move(builder).Build();
  if (!program.ok()) return program.status();
  EvalOptions eval;
  eval.as_of = options.as_of;
  eval.time_zone = options.time_zone.value_or(book.time_zone);
  eval.params = options.params;
  if (options.owner.has_value()) {
    // The owner scope, asked separately: the terms below are the row's own
    // truth (evaluated under the scope they would all read FALSE).
    e.owner = options.owner;
    ProgramBuilder scope_builder(compiled.schema(), copts);
    absl::StatusOr<int> all = scope_builder.AddPredicate(list->table, ExpressionSource{"TRUE", {}});
    if (!all.ok()) return all.status();
    absl::StatusOr<Program> scope_program = std::move(scope_builder).Build();
    if (!scope_program.ok()) return scope_program.status();
    EvalOptions scoped = eval;
    scoped.owner = options.owner;
    scoped.threads = options.threads;
    absl::StatusOr<ProgramResult> in = scope_program->Evaluate(snapshot, scoped);
    if (!in.ok()) return in.status();
    e.in_scope = in->predicates[0].rows.Get(e.row);
  }
  eval.threads = options.threads;
  eval.history = options.history;
  eval.want_nulls = true;
  absl::StatusOr<ProgramResult> values = program->Evaluate(snapshot, eval);
  if (!values.ok()) return values.status();
  for (size_t i = 0; i < terms.size(); ++i) {
    const PredicateResult& p = values->predicates[i];
    TermValue tv;
    tv.term = terms[i];
    tv.depth = depth[i];
    tv.connective = joined[i];
    if (p.rows.Get(e.row)) {
      tv.value = true;
    } else if (p.nulls.size() > e.row && p.nulls.Get(e.row)) {
      tv.value = std::nullopt;
    } else {
      tv.value = false;
    }
    e.terms.push_back(std::move(tv));
  }
  for (const std::string& name : list->show) {
    const Column* c = table->FindColumn(name);
    if (c == nullptr && name.find('.') != std::string::npos) {
      // A parent field (account.name), read through the join for this row.
      const TableSchema* ts = compiled.schema().FindTable(list->table);
      absl::StatusOr<ParentPath> path = ts == nullptr
                                            ? absl::StatusOr<ParentPath>(absl::NotFoundError(name))
                                            : ResolveParentPath(compiled.schema(), *ts, name);
      if (path.ok()) {
        absl::StatusOr<Column> col =
            ParentFieldColumn(compiled.schema(), snapshot, *table, *path, {e.row});
        if (!col.ok()) return col.status();
        e.shown.emplace_back(name, CellValue(*col, e.row));
        continue;
      }
    }
    e.shown.emplace_back(name, c == nullptr ? Value() : CellValue(*c, e.row));
  }
  return e;
}

std::string RenderExplanation(const Explanation& e, bool color) {
  auto bold = [color](const std::string& s) {
    return color ? absl::StrCat("\x1b[1m", s, "\x1b[0m") : s;
  };
  std::string out;
  absl::StrAppend(&out, bold(absl::StrCat(e.table, " ", e.key)), " is ",
                  e.in_list ? "IN" : "NOT in", " list '", e.list_id, "' (", e.list_title, ")\n\n");
  if (e.owner.has_value() && !e.in_scope) {
    absl::StrAppend(&out, "note: this row is outside ", *e.owner,
                    "'s scope (its owner is someone else), so it is in none of ", *e.owner,
                    "'s lists; the terms below are the row's own values\n\n");
  }
  absl::StrAppend(&out, e.connective.empty()
                            ? "when:\n"
                            : absl::StrCat("when (terms joined by ", e.connective, "):\n"));
  // Value, then the term (a segment's terms indented under its name), then
  // where it is written.
  std::vector<std::string> texts;
  size_t text_w = 0;
  for (const TermValue& t : e.terms) {
    std::string text = t.term.text;
    std::replace(text.begin(), text.end(), '\n', ' ');
    text = CollapseSpaces(text);
    if (t.depth > 0)
      text = absl::StrCat("  ", t.connective.empty() ? "=" : t.connective, " ", text);
    text_w = std::max(text_w, std::min<size_t>(io::DisplayWidth(text), 56));
    texts.push_back(std::move(text));
  }
  for (size_t i = 0; i < e.terms.size(); ++i) {
    const TermValue& t = e.terms[i];
    std::string v = !t.value.has_value() ? "NULL " : *t.value ? "TRUE " : "FALSE";
    size_t w = io::DisplayWidth(texts[i]);
    std::string pad(w < text_w ? text_w - w : 0, ' ');
    absl::StrAppend(&out, "  ", bold(v), "  ", texts[i], pad, "  ", t.term.location.ToString(),
                    "\n");
  }
  if (!e.shown.empty()) {
    out += "\nshown columns:\n";
    size_t w = 0;
    for (const auto& [name, v] : e.shown) w = std::max(w, name.size());
    for (const auto& [name, v] : e.shown) {
      absl::StrAppend(&out, "  ", name, std::string(w - name.size(), ' '), "  ", DisplayValue(v),
                      "\n");
    }
  }
  return out;
}

}  // namespace docket::rulebook
