#include "rulebook/metric_derived.h"

#include <cctype>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"

namespace docket::metrics {
namespace {

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  absl::Status Parse() {
    Skip();
    if (absl::Status st = Sum(); !st.ok()) return st;
    Skip();
    if (pos_ < s_.size())
      return Fail(absl::StrCat("unexpected '", std::string(s_.substr(pos_, 1)), "'"));
    return absl::OkStatus();
  }
  std::vector<DerivedToken> out;
  size_t pos_ = 0;

 private:
  void Skip() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  absl::Status Fail(const std::string& msg) { return absl::InvalidArgumentError(msg); }

  absl::Status Sum() {
    if (absl::Status st = Product(); !st.ok()) return st;
    for (;;) {
      Skip();
      if (pos_ >= s_.size() || (s_[pos_] != '+' && s_[pos_] != '-')) return absl::OkStatus();
      DerivedToken op;
      op.kind = s_[pos_] == '+' ? DerivedToken::kAdd : DerivedToken::kSub;
      op.offset = pos_++;
      if (absl::Status st = Product(); !st.ok()) return st;
      out.push_back(op);
    }
  }
  absl::Status Product() {
    if (absl::Status st = Unary(); !st.ok()) return st;
    for (;;) {
      Skip();
      if (pos_ >= s_.size() || (s_[pos_] != '*' && s_[pos_] != '/')) return absl::OkStatus();
      DerivedToken op;
      op.kind = s_[pos_] == '*' ? DerivedToken::kMul : DerivedToken::kDiv;
      op.offset = pos_++;
      if (absl::Status st = Unary(); !st.ok()) return st;
      out.push_back(op);
    }
  }
  absl::Status Unary() {
    Skip();
    if (pos_ < s_.size() && s_[pos_] == '-') {
      DerivedToken op;
      op.kind = DerivedToken::kNeg;
      op.offset = pos_++;
      if (absl::Status st = Unary(); !st.ok()) return st;
      out.push_back(op);
      return absl::OkStatus();
    }
    return Primary();
  }
  absl::Status Primary() {
    Skip();
    if (pos_ >= s_.size())
      return Fail("the expression ends where a metric id or number was expected");
    char c = s_[pos_];
    if (c == '(') {
      ++pos_;
      if (absl::Status st = Sum(); !st.ok()) return st;
      Skip();
      if (pos_ >= s_.size() || s_[pos_] != ')') return Fail("missing ')'");
      ++pos_;
      return absl::OkStatus();
    }
    DerivedToken t;
    t.offset = pos_;
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      size_t end = pos_;
      while (end < s_.size() &&
             (std::isdigit(static_cast<unsigned char>(s_[end])) || s_[end] == '.'))
        ++end;
      std::string num(s_.substr(pos_, end - pos_));
      char* stop = nullptr;
      t.number = std::strtod(num.c_str(), &stop);
      if (stop != num.c_str() + num.size()) return Fail(absl::StrCat("bad number '", num, "'"));
      t.kind = DerivedToken::kNumber;
      pos_ = end;
      out.push_back(t);
      return absl::OkStatus();
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t end = pos_;
      while (end < s_.size() &&
             (std::isalnum(static_cast<unsigned char>(s_[end])) || s_[end] == '_'))
        ++end;
      t.kind = DerivedToken::kRef;
      t.ref = std::string(s_.substr(pos_, end - pos_));
      pos_ = end;
      out.push_back(t);
      return absl::OkStatus();
    }
    return Fail(absl::StrCat("unexpected '", std::string(1, c),
                             "' (a derived metric combines metric ids and "
                             "numbers with + - * / and parentheses)"));
  }

  std::string_view s_;
};

}  // namespace

absl::StatusOr<std::vector<DerivedToken>> ParseDerived(std::string_view text,
                                                       size_t* error_offset) {
  Parser p(text);
  absl::Status st = p.Parse();
  if (!st.ok()) {
    *error_offset = p.pos_ < text.size() ? p.pos_ : text.size();
    return st;
  }
  return std::move(p.out);
}

}  // namespace docket::metrics
