// lang/lexer.h — splits expression text into tokens.
//
// Keywords are case-insensitive (and come back upper-cased); identifiers keep
// their case.  Comments run from `--` to the end of the line or between
// `/*` and `*/`.  Strings are single-quoted with '' for a quote.
#ifndef DOCKET_LANG_LEXER_H_
#define DOCKET_LANG_LEXER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "docket/options.h"
#include "lang/syntax.h"

namespace docket::lang {

// Tokenizes all of `source`; the last token is kEnd.
absl::StatusOr<std::vector<Token>> Tokenize(const SourceText& source, const Limits& limits);

// True when `upper` (upper-cased) is a reserved word of the language.
bool IsKeyword(std::string_view upper);

}  // namespace docket::lang

#endif  // DOCKET_LANG_LEXER_H_
