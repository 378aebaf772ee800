#include "rulebook/spec_parsers.h"

#include <cmath>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "rulebook/absl_compat.h"

namespace docket::rulebook {

namespace {

// A tiny scanner over one scalar.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}
  void SkipSpaces() {
    while (pos_ < text_.size() && absl::ascii_isspace(static_cast<unsigned char>(text_[pos_])))
      ++pos_;
  }
  bool AtEnd() {
    SkipSpaces();
    return pos_ >= text_.size();
  }
  size_t pos() const { return pos_; }
  char Peek() {
    SkipSpaces();
    return pos_ < text_.size() ? text_[pos_] : '\0';
  }
  bool Consume(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }
  // A bare word ([A-Za-z0-9_.]+) or a "quoted identifier"; empty on failure.
  absl::StatusOr<std::string> Word() {
    SkipSpaces();
    if (pos_ < text_.size() && text_[pos_] == '"') {
      std::string out;
      size_t i = pos_ + 1;
      while (i < text_.size()) {
        if (text_[i] == '"') {
          if (i + 1 < text_.size() && text_[i + 1] == '"') {
            out.push_back('"');
            i += 2;
            continue;
          }
          pos_ = i + 1;
          return out;
        }
        out.push_back(text_[i++]);
      }
      return absl::InvalidArgumentError("unterminated quoted identifier");
    }
    size_t start = pos_;
    while (pos_ < text_.size() && (absl::ascii_isalnum(static_cast<unsigned char>(text_[pos_])) ||
                                   text_[pos_] == '_' || text_[pos_] == '.')) {
      ++pos_;
    }
    return std::string(text_.substr(start, pos_ - start));
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return absl::EqualsIgnoreCase(Sv(a), Sv(b));
}

}  // namespace

absl::StatusOr<std::vector<ParsedOrderKey>> ParseOrderBy(std::string_view text,
                                                         size_t* error_offset) {
  std::vector<ParsedOrderKey> keys;
  Scanner s(text);
  *error_offset = 0;
  if (s.AtEnd()) {
    return absl::InvalidArgumentError("empty order_by");
  }
  while (true) {
    s.SkipSpaces();
    ParsedOrderKey k;
    k.offset = s.pos();
    absl::StatusOr<std::string> column = s.Word();
    if (!column.ok() || column->empty()) {
      *error_offset = k.offset;
      return absl::InvalidArgumentError("expected a column name in order_by");
    }
    k.key.column = *column;
    while (true) {
      size_t at = (s.SkipSpaces(), s.pos());
      if (s.AtEnd() || s.Peek() == ',') break;
      absl::StatusOr<std::string> word = s.Word();
      if (!word.ok() || word->empty()) {
        *error_offset = at;
        return absl::InvalidArgumentError(
            "expected ASC, DESC, NULLS FIRST/LAST or ',' in order_by");
      }
      if (EqualsIgnoreCase(*word, "asc")) {
        k.key.descending = false;
      } else if (EqualsIgnoreCase(*word, "desc")) {
        k.key.descending = true;
      } else if (EqualsIgnoreCase(*word, "nulls")) {
        size_t at2 = (s.SkipSpaces(), s.pos());
        absl::StatusOr<std::string> which = s.Word();
        if (which.ok() && EqualsIgnoreCase(*which, "first")) {
          k.key.nulls_first = true;
        } else if (which.ok() && EqualsIgnoreCase(*which, "last")) {
          k.key.nulls_first = false;
        } else {
          *error_offset = at2;
          return absl::InvalidArgumentError("expected FIRST or LAST after NULLS in order_by");
        }
      } else {
        *error_offset = at;
        return absl::InvalidArgumentError(absl::StrCat(
            "unexpected '", *word, "' in order_by: expected ASC, DESC, NULLS FIRST/LAST or ','"));
      }
    }
    keys.push_back(std::move(k));
    if (s.AtEnd()) break;
    if (!s.Consume(',')) {
      *error_offset = s.pos();
      return absl::InvalidArgumentError("expected ',' between order_by keys");
    }
  }
  return keys;
}

absl::StatusOr<Measure> ParseMeasure(std::string_view text, size_t* error_offset) {
  Scanner s(text);
  *error_offset = 0;
  absl::StatusOr<std::string> fn = s.Word();
  if (!fn.ok() || fn->empty()) {
    return absl::InvalidArgumentError(
        "expected a measure: count, count(*), sum(col), avg(col), min(col), "
        "max(col) or count_distinct(col)");
  }
  std::string name = absl::AsciiStrToLower(*fn);
  Measure m;
  if (name == "count") {
    m.kind = MeasureKind::kCount;
  } else if (name == "sum") {
    m.kind = MeasureKind::kSum;
  } else if (name == "avg") {
    m.kind = MeasureKind::kAvg;
  } else if (name == "min") {
    m.kind = MeasureKind::kMin;
  } else if (name == "max") {
    m.kind = MeasureKind::kMax;
  } else if (name == "count_distinct") {
    m.kind = MeasureKind::kCountDistinct;
  } else {
    return absl::InvalidArgumentError(absl::StrCat("unknown measure '", *fn, "'"));
  }
  if (s.AtEnd()) {
    if (m.kind == MeasureKind::kCount) return m;
    *error_offset = s.pos();
    return absl::InvalidArgumentError(
        absl::StrCat("'", name, "' needs a column: ", name, "(column)"));
  }
  if (!s.Consume('(')) {
    *error_offset = s.pos();
    return absl::InvalidArgumentError("expected '(' after the measure's name");
  }
  if (s.Peek() == '*') {
    if (m.kind != MeasureKind::kCount) {
      *error_offset = s.pos();
      return absl::InvalidArgumentError(
          absl::StrCat("'", name, "(*)' is not a measure; use ", name, "(column)"));
    }
    s.Consume('*');
  } else {
    size_t at = (s.SkipSpaces(), s.pos());
    absl::StatusOr<std::string> column = s.Word();
    if (!column.ok() || column->empty()) {
      *error_offset = at;
      return absl::InvalidArgumentError("expected a column name");
    }
    m.column = *column;
    if (m.kind == MeasureKind::kCount) m.kind = MeasureKind::kCountColumn;
  }
  if (!s.Consume(')')) {
    *error_offset = s.pos();
    return absl::InvalidArgumentError("expected ')'");
  }
  if (!s.AtEnd()) {
    *error_offset = s.pos();
    return absl::InvalidArgumentError("unexpected text after the measure");
  }
  return m;
}

namespace {

bool ParseDate(std::string_view text, Value* out) {
  // Exactly YYYY-MM-DD, and a real day (2026-02-30 is not).
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  int y = 0, m = 0, d = 0;
  if (!absl::SimpleAtoi(Sv(text.substr(0, 4)), &y) ||
      !absl::SimpleAtoi(Sv(text.substr(5, 2)), &m) ||
      !absl::SimpleAtoi(Sv(text.substr(8, 2)), &d)) {
    return false;
  }
  absl::CivilDay day(y, m, d);
  if (day.year() != y || day.month() != m || day.day() != d) return false;
  *out = Value::Date(day);
  return true;
}

bool LooksNumeric(std::string_view t) {
  if (t.empty()) return false;
  for (char c : t) {
    if (!(absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.' ||
          c == 'e' || c == 'E')) {
      return false;
    }
  }
  return absl::ascii_isdigit(static_cast<unsigned char>(t.back())) || t.back() == '.';
}

}  // namespace

Value InferParamValue(std::string_view text) {
  if (EqualsIgnoreCase(text, "true")) return Value::Bool(true);
  if (EqualsIgnoreCase(text, "false")) return Value::Bool(false);
  int64_t i = 0;
  if (LooksNumeric(text) && absl::SimpleAtoi(Sv(text), &i)) return Value::Int(i);
  double d = 0;
  if (LooksNumeric(text) && absl::SimpleAtod(Sv(text), &d) && std::isfinite(d))
    return Value::Float(d);
  Value date;
  if (ParseDate(text, &date)) return date;
  return Value::String(std::string(text));
}

absl::StatusOr<Value> ParseValueAs(std::string_view text, DataType type) {
  absl::string_view st = absl::StripAsciiWhitespace(Sv(text));
  std::string_view t(st.data(), st.size());
  switch (type.id) {
    case TypeId::kBool:
      if (EqualsIgnoreCase(t, "true") || t == "1") return Value::Bool(true);
      if (EqualsIgnoreCase(t, "false") || t == "0") return Value::Bool(false);
      return absl::InvalidArgumentError(
          absl::StrCat("'", Sv(text), "' is not a bool (true or false)"));
    case TypeId::kInt: {
      int64_t i = 0;
      if (LooksNumeric(t) && absl::SimpleAtoi(Sv(t), &i)) return Value::Int(i);
      return absl::InvalidArgumentError(absl::StrCat("'", Sv(text), "' is not an int"));
    }
    case TypeId::kFloat: {
      double d = 0;
      if (LooksNumeric(t) && absl::SimpleAtod(Sv(t), &d) && std::isfinite(d))
        return Value::Float(d);
      return absl::InvalidArgumentError(absl::StrCat("'", Sv(text), "' is not a number"));
    }
    case TypeId::kDate: {
      Value v;
      if (ParseDate(t, &v)) return v;
      return absl::InvalidArgumentError(
          absl::StrCat("'", Sv(text), "' is not a date (YYYY-MM-DD)"));
    }
    case TypeId::kString:
      return Value::String(std::string(text));
    case TypeId::kTimestamp:
      break;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("params of type ", type.ToString(), " cannot be overridden"));
}

}  // namespace docket::rulebook
