#include "lang/lexer.h"

#include <cerrno>
#include <cstdlib>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"

namespace docket::lang {
namespace {

constexpr std::string_view kKeywords[] = {
    "AND",  "OR",    "NOT",     "IS",   "NULL",      "IN",       "BETWEEN",
    "LIKE", "ILIKE", "MATCHES", "TRUE", "FALSE",     "CASE",     "WHEN",
    "THEN", "ELSE",  "END",     "DATE", "TIMESTAMP", "INTERVAL", "WHERE"};

bool IsIdentStart(unsigned char c) { return absl::ascii_isalpha(c) || c == '_' || c >= 0x80; }
bool IsIdentChar(unsigned char c) { return absl::ascii_isalnum(c) || c == '_' || c >= 0x80; }

}  // namespace

bool IsKeyword(std::string_view upper) {
  for (std::string_view k : kKeywords) {
    if (k == upper) return true;
  }
  return false;
}

absl::StatusOr<std::vector<Token>> Tokenize(const SourceText& source, const Limits& limits) {
  const std::string& s = source.text();
  const int32_t n = static_cast<int32_t>(s.size());
  std::vector<Token> out;
  int32_t i = 0;
  auto add = [&](TokenKind kind, int32_t start, std::string text = "") {
    out.push_back(Token{kind, Span{start, i - start}, std::move(text)});
  };
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (absl::ascii_isspace(c)) {
      ++i;
      continue;
    }
    const int32_t start = i;
    if (c == '-' && i + 1 < n && s[i + 1] == '-') {
      while (i < n && s[i] != '\n') ++i;
      continue;
    }
    if (c == '/' && i + 1 < n && s[i + 1] == '*') {
      size_t end = s.find("*/", i + 2);
      if (end == std::string::npos) {
        return source.Error(Span{start, 2}, "unterminated comment", "close it with */");
      }
      i = static_cast<int32_t>(end) + 2;
      continue;
    }
    if (IsIdentStart(c)) {
      while (i < n && IsIdentChar(static_cast<unsigned char>(s[i]))) ++i;
      std::string word = s.substr(start, i - start);
      std::string upper = absl::AsciiStrToUpper(word);
      if (IsKeyword(upper)) {
        add(TokenKind::kKeyword, start, std::move(upper));
      } else {
        add(TokenKind::kIdentifier, start, std::move(word));
      }
      continue;
    }
    if (c == '$') {
      ++i;
      while (i < n && IsIdentChar(static_cast<unsigned char>(s[i]))) ++i;
      if (i == start + 1) {
        return source.Error(Span{start, 1}, "expected a parameter name after '$'", "write $name");
      }
      add(TokenKind::kParam, start, s.substr(start + 1, i - start - 1));
      continue;
    }
    if (absl::ascii_isdigit(c) || (c == '.' && i + 1 < n && absl::ascii_isdigit(s[i + 1]))) {
      bool is_float = false;
      while (i < n && absl::ascii_isdigit(s[i])) ++i;
      if (i < n && s[i] == '.') {
        is_float = true;
        ++i;
        while (i < n && absl::ascii_isdigit(s[i])) ++i;
      }
      if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        int32_t j = i + 1;
        if (j < n && (s[j] == '+' || s[j] == '-')) ++j;
        if (j < n && absl::ascii_isdigit(s[j])) {
          is_float = true;
          i = j;
          while (i < n && absl::ascii_isdigit(s[i])) ++i;
        }
      }
      if (i < n && IsIdentStart(static_cast<unsigned char>(s[i]))) {
        while (i < n && IsIdentChar(static_cast<unsigned char>(s[i]))) ++i;
        return source.Error(Span{start, i - start},
                            "malformed number '" + s.substr(start, i - start) + "'");
      }
      std::string text = s.substr(start, i - start);
      if (!is_float) {
        int64_t v;
        uint64_t u;
        // 9223372036854775808 is kept: negated, it is INT64_MIN (the parser checks).
        const bool int64_min_magnitude = absl::SimpleAtoi(text, &u) && u == (uint64_t{1} << 63);
        if (!absl::SimpleAtoi(text, &v) && !int64_min_magnitude) {
          return source.Error(Span{start, i - start},
                              "integer literal " + text + " is out of range",
                              "integers are 64-bit; write it as a float (" + text + ".0)");
        }
      }
      add(is_float ? TokenKind::kFloat : TokenKind::kInteger, start, std::move(text));
      continue;
    }
    if (c == '\'' || c == '"') {
      const char q = static_cast<char>(c);
      std::string text;
      ++i;
      bool closed = false;
      while (i < n) {
        if (s[i] == q) {
          if (i + 1 < n && s[i + 1] == q) {
            text.push_back(q);
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        text.push_back(s[i]);
        ++i;
        if (static_cast<int64_t>(text.size()) > limits.max_string_bytes) {
          return source.Limit(Span{start, 1}, "max_string_bytes", limits.max_string_bytes,
                              "string literal too long");
        }
      }
      if (!closed) {
        return source.Error(Span{start, 1},
                            q == '\'' ? "unterminated string" : "unterminated quoted identifier",
                            q == '\'' ? "close it with ' (write '' for a quote inside)"
                                      : "close it with \" (write \"\" for a quote inside)");
      }
      if (q == '"' && text.empty()) {
        return source.Error(Span{start, i - start}, "empty quoted identifier");
      }
      add(q == '\'' ? TokenKind::kString : TokenKind::kQuotedIdentifier, start, std::move(text));
      continue;
    }
    ++i;
    switch (c) {
      case '(':
        add(TokenKind::kLParen, start);
        continue;
      case ')':
        add(TokenKind::kRParen, start);
        continue;
      case ',':
        add(TokenKind::kComma, start);
        continue;
      case '.':
        add(TokenKind::kDot, start);
        continue;
      case '+':
        add(TokenKind::kPlus, start);
        continue;
      case '-':
        add(TokenKind::kMinus, start);
        continue;
      case '*':
        add(TokenKind::kStar, start);
        continue;
      case '/':
        add(TokenKind::kSlash, start);
        continue;
      case '%':
        add(TokenKind::kPercent, start);
        continue;
      case '=':
        if (i < n && s[i] == '=') ++i;
        add(TokenKind::kEq, start);
        continue;
      case '!':
        if (i < n && s[i] == '=') {
          ++i;
          add(TokenKind::kNe, start);
          continue;
        }
        return source.Error(Span{start, 1}, "unexpected '!'", "write != or NOT");
      case '<':
        if (i < n && s[i] == '=') {
          ++i;
          add(TokenKind::kLe, start);
        } else if (i < n && s[i] == '>') {
          ++i;
          add(TokenKind::kNe, start);
        } else {
          add(TokenKind::kLt, start);
        }
        continue;
      case '>':
        if (i < n && s[i] == '=') {
          ++i;
          add(TokenKind::kGe, start);
        } else {
          add(TokenKind::kGt, start);
        }
        continue;
      default:
        break;
    }
    std::string shown = c < 0x20 || c == 0x7f ? "control character"
                                              : "'" + std::string(1, static_cast<char>(c)) + "'";
    std::string hint;
    if (c == '&') hint = "write AND";
    if (c == '|') hint = "write OR";
    if (c == ';') hint = "an expression has no statement separator";
    return source.Error(Span{start, 1}, "unexpected " + shown, hint);
  }
  out.push_back(Token{TokenKind::kEnd, Span{n, 0}, ""});
  return out;
}

}  // namespace docket::lang
