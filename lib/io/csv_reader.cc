// The CSV reader (docket/csv.h).
//
// How it works, in order:
//   1. The header is parsed on the calling thread and matched to the schema.
//   2. The body is split into pieces at record boundaries: each piece's
//      nominal start is moved to just after the first line feed that is
//      outside quotes, where "outside" is known from the parity of the
//      number of quote characters before it (counted in parallel).  In a
//      well-formed file a quote either opens or closes a field or is half of
//      an escaped "", so the parity is exactly the in-quotes state; a
//      malformed quote is reported by the piece that contains it, which
//      always starts at a true record boundary.
//   3. Each piece is parsed on its own thread, 1,024 records at a time:
//      records into field slices (views into the text; no allocation except
//      for fields with "" escapes), then column by column into typed per-piece
//      vectors (or string views when the column is a string or its type is
//      still to be inferred).  A piece stops at its first problem.
//   4. The first problem of the first piece that has one is the error — the
//      same error a sequential parse would report.  Line numbers are counted
//      only then, from the byte offset.
//   5. Without a schema the types are inferred from the views; then the
//      pieces are concatenated into owned columns (strings dictionary-encoded
//      when there are at most half as many distinct values as rows).
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "docket/csv.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "base/names.h"
#include "base/parallel.h"
#include "base/text_values.h"
#include "docket/error.h"
#include "io/data_columns.h"
#include "io/format.h"
#include "io/infer.h"
#include "storage/keys.h"

namespace docket {
namespace io {
namespace {

constexpr int kBlockRows = 1024;

// ---------------------------------------------------------------------------
// Problems: found anywhere, turned into a Status (with a line number) once.

struct Problem {
  int64_t offset = 0;  // Byte offset into the text: orders problems, gives line:column.
  bool limit = false;  // ResourceExhausted (a Limits field) rather than a data error.
  std::string message;
  std::string hint;
  std::string limit_name;
  int64_t limit_value = 0;
};

// A field's text for an error message: at most 60 bytes (cut on a UTF-8
// boundary), control characters escaped so the message stays on one line.
std::string Shown(std::string_view s) {
  constexpr size_t kMax = 60;
  bool cut = false;
  if (s.size() > kMax) {
    size_t n = kMax;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    s = s.substr(0, n);
    cut = true;
  }
  std::string out;
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += absl::StrCat("\\x", absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2));
    } else {
      out += c;
    }
  }
  if (cut) out += "…";
  return out;
}

SourceLocation LocationAt(std::string_view text, const std::string& filename, int64_t offset) {
  offset = std::clamp<int64_t>(offset, 0, static_cast<int64_t>(text.size()));
  const char* begin = text.data();
  int64_t line = 1 + std::count(begin, begin + offset, '\n');
  int64_t line_start = offset;
  while (line_start > 0 && begin[line_start - 1] != '\n') --line_start;
  return SourceLocation{filename, static_cast<int>(std::min<int64_t>(line, INT32_MAX)),
                        static_cast<int>(std::min<int64_t>(offset - line_start + 1, INT32_MAX))};
}

absl::Status ToStatus(const Problem& p, std::string_view text, const std::string& filename) {
  SourceLocation loc = LocationAt(text, filename, p.offset);
  if (p.limit) return LimitError(loc, p.limit_name, p.limit_value, p.message);
  return DataError(loc, p.message, p.hint);
}

// ---------------------------------------------------------------------------
// Record syntax.

struct Field {
  const char* data;  // After the opening quote for quoted fields.
  uint32_t size;
  bool quoted;
  bool escaped;  // Holds "" pairs to collapse.
};

// Length of the valid UTF-8 sequence at p (*p >= 0x80), or 0.
inline int Utf8Length(const unsigned char* p, const unsigned char* end) {
  unsigned char c = p[0];
  auto cont = [&](int i) { return p + i < end && (p[i] & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (p + 1 >= end) return 0;
    unsigned char c1 = p[1];
    if (c == 0xE0 && c1 < 0xA0) return 0;  // Overlong.
    if (c == 0xED && c1 > 0x9F) return 0;  // Surrogates.
    return cont(1) && cont(2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (p + 1 >= end) return 0;
    unsigned char c1 = p[1];
    if (c == 0xF0 && c1 < 0x90) return 0;  // Overlong.
    if (c == 0xF4 && c1 > 0x8F) return 0;  // Beyond U+10FFFF.
    return cont(1) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

#if !defined(__SSE2__)  // The SWAR fallback (SSE2 builds scan 16 bytes at a time).
// SWAR: eight bytes at a time.  Has(x, c) has the high bit set in every byte
// of x equal to c (and possibly in a byte above such a byte, which only
// matters after the first match: callers look at the lowest one).
constexpr uint64_t kOnes = 0x0101010101010101ull;
constexpr uint64_t kHighs = 0x8080808080808080ull;
inline uint64_t Has(uint64_t x, uint8_t c) {
  uint64_t t = x ^ (kOnes * c);
  return (t - kOnes) & ~t & kHighs;
}
inline uint64_t Load8(const char* p) {
  uint64_t x;
  std::memcpy(&x, p, 8);
  return x;  // Little-endian: byte 0 is the lowest.
}
#endif

class RecordParser {
 public:
  RecordParser(std::string_view text, char delimiter, const Limits& limits)
      : begin_(text.data()),
        end_(text.data() + text.size()),
        delimiter_(delimiter),
        max_field_(std::clamp<int64_t>(limits.max_csv_field_bytes, 0, UINT32_MAX)),
        max_field_limit_(limits.max_csv_field_bytes),
        max_record_(limits.max_csv_line_bytes) {
    std::memset(unquoted_stop_, 0, sizeof unquoted_stop_);
    std::memset(quoted_stop_, 0, sizeof quoted_stop_);
    for (int c = 0x80; c < 0x100; ++c) unquoted_stop_[c] = quoted_stop_[c] = 1;
    unquoted_stop_[static_cast<unsigned char>(delimiter)] = 1;
    unquoted_stop_[static_cast<unsigned char>('"')] = 1;
    unquoted_stop_[static_cast<unsigned char>('\r')] = 1;
    unquoted_stop_[static_cast<unsigned char>('\n')] = 1;
    unquoted_stop_[0] = 1;
    quoted_stop_[static_cast<unsigned char>('"')] = 1;
    quoted_stop_[0] = 1;
  }

  const char* begin() const { return begin_; }

  // The first byte at or after p that ends an unquoted field's plain run: the
  // delimiter, a quote, CR, LF, NUL or a non-ASCII byte (or `end`).
  const char* SkipUnquoted(const char* p, const char* end) const {
#if defined(__SSE2__)
    const __m128i delimiter = _mm_set1_epi8(delimiter_);
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i cr = _mm_set1_epi8('\r');
    const __m128i lf = _mm_set1_epi8('\n');
    const __m128i zero = _mm_setzero_si128();
    while (end - p >= 16) {
      __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      __m128i hit =
          _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, delimiter), _mm_cmpeq_epi8(x, quote)),
                       _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, cr), _mm_cmpeq_epi8(x, lf)),
                                    _mm_cmpeq_epi8(x, zero)));
      // movemask also picks up the high bit of every non-ASCII byte.
      unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(hit, x)));
      if (mask != 0) return p + __builtin_ctz(mask);
      p += 16;
    }
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    while (end - p >= 8) {
      uint64_t x = Load8(p);
      uint64_t hit = (x & kHighs) | Has(x, static_cast<uint8_t>(delimiter_)) | Has(x, '"') |
                     Has(x, '\r') | Has(x, '\n') | Has(x, 0);
      if (hit != 0) return p + (__builtin_ctzll(hit) >> 3);
      p += 8;
    }
#endif
    while (p < end && !unquoted_stop_[static_cast<unsigned char>(*p)]) ++p;
    return p;
  }

  // The first quote, NUL or non-ASCII byte at or after q (or `end`).
  const char* SkipQuoted(const char* q, const char* end) const {
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i zero = _mm_setzero_si128();
    while (end - q >= 16) {
      __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
      __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, zero));
      unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(hit, x)));
      if (mask != 0) return q + __builtin_ctz(mask);
      q += 16;
    }
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    while (end - q >= 8) {
      uint64_t x = Load8(q);
      uint64_t hit = (x & kHighs) | Has(x, '"') | Has(x, 0);
      if (hit != 0) return q + (__builtin_ctzll(hit) >> 3);
      q += 8;
    }
#endif
    while (q < end && !quoted_stop_[static_cast<unsigned char>(*q)]) ++q;
    return q;
  }
  const char* end() const { return end_; }

  // Parses the record at `p` and advances `p` past its line end.  The first
  // `capacity` fields go to `fields`; `*count` is the number of fields seen.
  bool Parse(const char*& p, Field* fields, int capacity, int* count, Problem* problem) const {
    const char* const end = end_;
    const char* const record = p;
    int n = 0;
    for (;;) {
      Field f;
      bool last;
      const char* start = p;
      if (p < end && *p == '"') {
        const char* q = p + 1;
        bool escaped = false;
        for (;;) {
          q = SkipQuoted(q, end);
          if (q >= end) {
            return Fail(
                problem, start, "unterminated quoted field (the quote opened here is never closed)",
                "close the field with a double quote; write a quote inside a field as \"\"");
          }
          unsigned char c = static_cast<unsigned char>(*q);
          if (c == '"') {
            if (q + 1 < end && q[1] == '"') {
              escaped = true;
              q += 2;
              continue;
            }
            break;
          }
          if (c == 0) return FailNul(problem, q);
          int len = Utf8Length(reinterpret_cast<const unsigned char*>(q),
                               reinterpret_cast<const unsigned char*>(end));
          if (len == 0) return FailUtf8(problem, q);
          q += len;
        }
        int64_t size = q - (p + 1);
        if (size > max_field_) return FailFieldLimit(problem, start, size);
        f = Field{p + 1, static_cast<uint32_t>(size), true, escaped};
        p = q + 1;
        if (p >= end) {
          last = true;
        } else if (*p == delimiter_) {
          ++p;
          last = false;
        } else if (*p == '\n') {
          ++p;
          last = true;
        } else if (*p == '\r' && p + 1 < end && p[1] == '\n') {
          p += 2;
          last = true;
        } else {
          return Fail(problem, p,
                      absl::StrCat("unexpected '", Shown(std::string_view(p, 1)),
                                   "' after a closing quote"),
                      "quote the whole field and write a quote inside it as \"\"");
        }
      } else {
        for (;;) {
          p = SkipUnquoted(p, end);
          if (p < end && static_cast<unsigned char>(*p) >= 0x80) {
            int len = Utf8Length(reinterpret_cast<const unsigned char*>(p),
                                 reinterpret_cast<const unsigned char*>(end));
            if (len == 0) return FailUtf8(problem, p);
            p += len;
            continue;
          }
          break;
        }
        int64_t size = p - start;
        if (size > max_field_) return FailFieldLimit(problem, start, size);
        f = Field{start, static_cast<uint32_t>(size), false, false};
        if (p >= end) {
          last = true;
        } else {
          char c = *p;
          if (c == delimiter_) {
            ++p;
            last = false;
          } else if (c == '\n') {
            ++p;
            last = true;
          } else if (c == '\r') {
            if (p + 1 < end && p[1] == '\n') {
              p += 2;
              last = true;
            } else {
              return Fail(problem, p, "carriage return without a line feed",
                          "end lines with LF or CRLF; quote fields that contain line breaks");
            }
          } else if (c == '"') {
            return Fail(problem, p, "double quote inside an unquoted field",
                        "enclose the field in double quotes and write the quote as \"\"");
          } else {
            return FailNul(problem, p);
          }
        }
      }
      if (n < capacity) fields[n] = f;
      ++n;
      if (last) break;
    }
    if (p - record > max_record_) {
      problem->offset = record - begin_;
      problem->limit = true;
      problem->limit_name = "max_csv_line_bytes";
      problem->limit_value = max_record_;
      problem->message = absl::StrCat("a record of ", p - record, " bytes");
      return false;
    }
    *count = n;
    return true;
  }

 private:
  bool Fail(Problem* problem, const char* at, std::string message, std::string hint) const {
    problem->offset = at - begin_;
    problem->message = std::move(message);
    problem->hint = std::move(hint);
    return false;
  }
  bool FailNul(Problem* problem, const char* at) const {
    return Fail(problem, at, "NUL byte in the text",
                "the file is not text; export it as UTF-8 CSV");
  }
  bool FailUtf8(Problem* problem, const char* at) const {
    return Fail(problem, at,
                absl::StrCat("invalid UTF-8 (byte 0x",
                             absl::Hex(static_cast<unsigned char>(*at), absl::kZeroPad2), ")"),
                "save the file as UTF-8");
  }
  bool FailFieldLimit(Problem* problem, const char* at, int64_t size) const {
    problem->offset = at - begin_;
    problem->limit = true;
    problem->limit_name = "max_csv_field_bytes";
    problem->limit_value = max_field_limit_;
    problem->message = absl::StrCat("a field of ", size, " bytes");
    return false;
  }

  const char* begin_;
  const char* end_;
  char delimiter_;
  int64_t max_field_;
  int64_t max_field_limit_;
  int64_t max_record_;
  uint8_t unquoted_stop_[256];
  uint8_t quoted_stop_[256];
};

// ---------------------------------------------------------------------------
// Per-piece column data.

// How a column's fields are converted while parsing.
// kSkip: a column the schema does not declare (read past, never converted).
enum class Plan : uint8_t { kViews, kBool, kInt, kFloat, kDate, kTimestamp, kSkip };

struct ColumnPlan {
  std::string name;
  Plan plan = Plan::kViews;
  DataType type = DataType::String();  // Final type (unknown until inferred for kViews w/o schema).
};

struct ColumnPart {
  std::vector<uint8_t> values;            // Fixed-width values.
  std::vector<std::string_view> strings;  // kViews.
  std::vector<uint8_t> valid;             // One byte per row.
  int64_t nulls = 0;
};

// Stable storage for unescaped fields.
class Arena {
 public:
  char* Allocate(size_t n) {
    if (n > left_) {
      size_t size = std::max<size_t>(n, 64 << 10);
      blocks_.emplace_back(new char[size]);
      next_ = blocks_.back().get();
      left_ = size;
    }
    char* out = next_;
    next_ += n;
    left_ -= n;
    return out;
  }

 private:
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* next_ = nullptr;
  size_t left_ = 0;
};

struct Piece {
  const char* begin = nullptr;
  const char* end = nullptr;
  int64_t rows = 0;
  std::vector<ColumnPart> parts;
  Arena arena;
  std::optional<Problem> problem;
};

// An inline hash for the short strings of dictionary columns (the library
// hash goes out of line per call); finished with the splitmix64 mixer so
// every bit depends on every byte.
struct ShortStringHash {
  size_t operator()(std::string_view s) const noexcept {
    uint64_t h = s.size() * 0x9E3779B97F4A7C15ull;
    const char* p = s.data();
    size_t n = s.size();
    while (n >= 8) {
      uint64_t x;
      std::memcpy(&x, p, 8);
      h = (h ^ x) * 0xBF58476D1CE4E5B9ull;
      h ^= h >> 31;
      p += 8;
      n -= 8;
    }
    if (n > 0) {
      uint64_t x = 0;
      std::memcpy(&x, p, n);
      h ^= x;
    }
    h ^= h >> 30;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 27;
    h *= 0x94D049BB133111EBull;
    h ^= h >> 31;
    return static_cast<size_t>(h);
  }
};

std::string_view FieldText(const Field& f, Arena* arena) {
  if (!f.escaped) return std::string_view(f.data, f.size);
  char* out = arena->Allocate(f.size);
  size_t n = 0;
  for (uint32_t i = 0; i < f.size; ++i) {
    out[n++] = f.data[i];
    if (f.data[i] == '"') ++i;  // Skip the second quote of a "" pair.
  }
  return std::string_view(out, n);
}

const char* TypeHint(Plan plan, base::TextParse r, DataType type) {
  switch (plan) {
    case Plan::kBool:
      return "write true or false (or 1 or 0); leave the field empty for NULL";
    case Plan::kInt:
      return r == base::TextParse::kRange
                 ? "int is 64-bit; declare the column float, or string for an identifier"
                 : "write a whole number like 42; declare the column float for fractions";
    case Plan::kFloat:
      return r == base::TextParse::kRange
                 ? "the value is beyond double precision range"
                 : "write a number like 4.2 or 1e3; leave the field empty for NULL";
    case Plan::kDate:
      return r == base::TextParse::kRange ? "check the month and day" : "write dates as YYYY-MM-DD";
    case Plan::kTimestamp:
      if (r == base::TextParse::kPrecision) {
        return type.unit == TimeUnit::kNano
                   ? "at most 9 fractional digits"
                   : "declare the column timestamp[ns] (or [us]) to keep the fraction";
      }
      if (r == base::TextParse::kRange)
        return "check the time fields; the value must fit the column's unit";
      return "write timestamps as YYYY-MM-DD HH:MM[:SS[.fraction]] with an optional Z or ±HH:MM";
    case Plan::kViews:
    case Plan::kSkip:
      break;
  }
  return "";
}

std::string BadValueMessage(const ColumnPlan& col, std::string_view text, base::TextParse r) {
  std::string what;
  switch (r) {
    case base::TextParse::kRange: {
      int32_t days;
      bool bad_day = col.plan == Plan::kDate ||
                     (col.plan == Plan::kTimestamp && text.size() >= 10 &&
                      base::ParseDateText(text.substr(0, 10), &days) != base::TextParse::kOk);
      what = bad_day ? absl::StrCat("is not a valid ", col.type.ToString())
                     : absl::StrCat("is out of range for ", col.type.ToString());
    } break;
    case base::TextParse::kPrecision:
      what = absl::StrCat("has more precision than ", col.type.ToString());
      break;
    default: {
      const char* article = col.plan == Plan::kInt ? "an " : "a ";
      what = absl::StrCat("is not ", article, col.type.ToString());
    }
  }
  return absl::StrCat("column ", col.name, ": '", Shown(text), "' ", what);
}

// ---------------------------------------------------------------------------
// The whole read.

class CsvReader {
 public:
  CsvReader(std::string_view text, std::string filename, std::string table_name,
            const TableSchema* schema, const CsvOptions& options)
      : text_(text),
        filename_(std::move(filename)),
        table_name_(std::move(table_name)),
        schema_(schema),
        options_(options),
        threads_(base::ResolveThreads(options.threads)),
        parser_(text, options.delimiter, options.limits) {}

  absl::StatusOr<Table> Read() {
    char d = options_.delimiter;
    if (d == '"' || d == '\r' || d == '\n' || d == '\0' || static_cast<unsigned char>(d) >= 0x80) {
      return UsageError("bad CSV delimiter",
                        "use an ASCII character other than a quote or line end");
    }
    const char* p = text_.data();
    const char* end = p + text_.size();
    if (text_.size() >= 3 && std::memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;  // UTF-8 BOM.
    if (absl::Status s = ReadHeader(&p); !s.ok()) return s;
    body_ = p;
    // Blank lines at the very end are not records.
    const char* t = end;
    while (t > body_ && (t[-1] == '\n' || t[-1] == '\r')) --t;
    if (t > body_) {  // Keep the last record's own line end out of the blank run.
      if (t < end && t[0] == '\r' && t + 1 < end && t[1] == '\n') {
        t += 2;
      } else if (t < end && t[0] == '\n') {
        ++t;
      }
    }
    trailing_ = t;
    SplitPieces();
    base::ParallelFor(static_cast<int64_t>(pieces_.size()), threads_,
                      [&](int64_t i) { ParsePiece(&pieces_[i]); });
    for (const Piece& piece : pieces_) {
      if (piece.problem) return ToStatus(*piece.problem, text_, filename_);
    }
    if (schema_ == nullptr) {
      if (std::optional<Problem> p = InferTypes()) return ToStatus(*p, text_, filename_);
    }
    return Assemble();
  }

 private:
  absl::Status ReadHeader(const char** p) {
    const char* end = text_.data() + text_.size();
    const char* q = *p;
    while (q < end && (*q == '\r' || *q == '\n')) ++q;
    if (q == end) {
      return DataError(SourceLocation{filename_, 1, 1}, "empty file: no header row",
                       "the first line must name the columns, e.g. id,name,arr");
    }
    std::vector<Field> fields(64);
    int count = 0;
    Problem problem;
    const char* start = *p;
    for (;;) {
      const char* r = start;
      if (!parser_.Parse(r, fields.data(), static_cast<int>(fields.size()), &count, &problem)) {
        return ToStatus(problem, text_, filename_);
      }
      if (count > options_.limits.max_csv_columns) {
        return LimitError(SourceLocation{filename_, 1, 1}, "max_csv_columns",
                          options_.limits.max_csv_columns,
                          absl::StrCat("a header of ", count, " columns"));
      }
      if (count <= static_cast<int>(fields.size())) {
        *p = r;
        break;
      }
      fields.resize(count);
    }
    if (count == 1 && fields[0].size == 0 && !fields[0].quoted) {
      return DataError(SourceLocation{filename_, 1, 1}, "the first line is blank",
                       "the first line must name the columns, e.g. id,name,arr");
    }
    Arena arena;
    absl::flat_hash_map<std::string, int> seen;
    for (int i = 0; i < count; ++i) {
      const Field& f = fields[i];
      int64_t offset = (f.data - text_.data()) - (f.quoted ? 1 : 0);
      std::string name(FieldText(f, &arena));
      if (name.empty()) {
        return DataError(LocationAt(text_, filename_, offset),
                         absl::StrCat("column ", i + 1, " of the header has no name"),
                         "name every column in the first line");
      }
      auto [it, inserted] = seen.emplace(name, i);
      if (!inserted) {
        return DataError(
            LocationAt(text_, filename_, offset),
            absl::StrCat("duplicate column '", Shown(name), "' in the header (columns ",
                         it->second + 1, " and ", i + 1, ")"),
            "give every column a distinct name");
      }
      header_offsets_.push_back(offset);
      ColumnPlan plan;
      plan.name = std::move(name);
      plans_.push_back(std::move(plan));
    }
    if (schema_ == nullptr) return absl::OkStatus();

    // Match the header to the schema by name: the one rule for declared
    // columns (io/data_columns.h, shared with the Python package).  An
    // undeclared column is read past (kSkip) and named in the table's schema.
    std::vector<std::string> names;
    names.reserve(plans_.size());
    for (const ColumnPlan& plan : plans_) names.push_back(plan.name);
    absl::StatusOr<DeclaredColumns> match =
        MatchDeclaredColumns(*schema_, names, filename_, SourceLocation{filename_, 1, 1});
    if (!match.ok()) return match.status();
    schema_slot_ = match->source;
    undeclared_ = std::move(match->undeclared);
    for (ColumnPlan& plan : plans_) plan.plan = Plan::kSkip;
    for (size_t s = 0; s < schema_slot_.size(); ++s) {
      ColumnPlan& plan = plans_[schema_slot_[s]];
      plan.type = schema_->columns[s].type;
      switch (plan.type.id) {
        case TypeId::kBool:
          plan.plan = Plan::kBool;
          break;
        case TypeId::kInt:
          plan.plan = Plan::kInt;
          break;
        case TypeId::kFloat:
          plan.plan = Plan::kFloat;
          break;
        case TypeId::kString:
          plan.plan = Plan::kViews;
          break;
        case TypeId::kDate:
          plan.plan = Plan::kDate;
          break;
        case TypeId::kTimestamp:
          plan.plan = Plan::kTimestamp;
          break;
      }
    }
    return absl::OkStatus();
  }

  void SplitPieces() {
    const char* end = text_.data() + text_.size();
    int64_t length = end - body_;
    int64_t min_bytes = std::max<int64_t>(1, options_.min_chunk_bytes);
    int n = static_cast<int>(std::clamp<int64_t>(length / min_bytes, 1, threads_));
    std::vector<const char*> nominal(n + 1);
    for (int k = 0; k <= n; ++k) nominal[k] = body_ + length * k / n;
    std::vector<const char*> starts(n + 1, end);
    starts[0] = body_;
    if (n > 1) {
      std::vector<int64_t> quotes(n);
      base::ParallelFor(
          n, threads_, [&](int64_t k) { quotes[k] = std::count(nominal[k], nominal[k + 1], '"'); });
      std::vector<uint8_t> in_quotes(n, 0);
      for (int k = 1; k < n; ++k) in_quotes[k] = (in_quotes[k - 1] + quotes[k - 1]) & 1;
      base::ParallelFor(n - 1, threads_, [&](int64_t i) {
        int k = static_cast<int>(i) + 1;
        bool inside = in_quotes[k];
        const char* x = nominal[k];
        // Is nominal[k] already a record start?  Only if the byte before is a
        // line feed outside quotes.
        if (!inside && x > body_ && x[-1] == '\n') {
          starts[k] = x;
          return;
        }
        for (; x < end; ++x) {
          if (*x == '"') {
            inside = !inside;
          } else if (*x == '\n' && !inside) {
            ++x;
            break;
          }
        }
        starts[k] = x;
      });
      for (int k = 1; k <= n; ++k) starts[k] = std::max(starts[k], starts[k - 1]);
    }
    pieces_.resize(n);
    for (int k = 0; k < n; ++k) {
      pieces_[k].begin = starts[k];
      pieces_[k].end = k + 1 < n ? starts[k + 1] : end;
    }
  }

  void ParsePiece(Piece* piece) {
    const int ncols = static_cast<int>(plans_.size());
    piece->parts.resize(ncols);
    std::vector<Field> fields(static_cast<size_t>(kBlockRows) * ncols);
    const char* p = piece->begin;
    const char* const stop = std::min(piece->end, trailing_);
    while (p < stop) {
      int rows = 0;
      std::optional<Problem> syntax;
      while (rows < kBlockRows && p < stop) {
        const char* record = p;
        Field* row = &fields[static_cast<size_t>(rows) * ncols];
        int count = 0;
        Problem problem;
        if (!parser_.Parse(p, row, ncols, &count, &problem)) {
          syntax = std::move(problem);
          break;
        }
        if (count != ncols) {
          syntax = RaggedProblem(record, row, count);
          break;
        }
        ++rows;
      }
      std::optional<Problem> bad = ConvertBlock(piece, fields.data(), rows);
      piece->rows += rows;
      if (piece->rows == rows && rows == kBlockRows && p < stop) Reserve(piece, p, stop);
      if (bad) {
        piece->problem = std::move(bad);
        return;
      }
      if (syntax) {
        piece->problem = std::move(syntax);
        return;
      }
    }
  }

  // After the first block: size every per-piece vector for the whole piece
  // (estimated from the first block's bytes per record) so that they never
  // grow by copying.
  void Reserve(Piece* piece, const char* parsed_to, const char* stop) {
    double per_record = static_cast<double>(parsed_to - piece->begin) / piece->rows;
    size_t estimate = static_cast<size_t>((stop - piece->begin) / per_record * 1.05) + kBlockRows;
    for (size_t c = 0; c < plans_.size(); ++c) {
      ColumnPart& part = piece->parts[c];
      if (plans_[c].plan == Plan::kSkip) continue;
      part.valid.reserve(estimate);
      switch (plans_[c].plan) {
        case Plan::kViews:
          part.strings.reserve(estimate);
          break;
        case Plan::kBool:
          part.values.reserve(estimate);
          break;
        case Plan::kDate:
          part.values.reserve(estimate * 4);
          break;
        default:
          part.values.reserve(estimate * 8);
          break;
      }
    }
  }

  Problem RaggedProblem(const char* record, const Field* row, int count) {
    Problem p;
    p.offset = record - text_.data();
    int ncols = static_cast<int>(plans_.size());
    if (count == 1 && row[0].size == 0 && !row[0].quoted) {
      p.message = "blank line";
      p.hint = absl::StrCat("every line needs ", ncols, " fields; remove the blank line");
    } else if (count > ncols) {
      p.message = absl::StrCat("record has ", count, " fields, expected ", ncols);
      p.hint = "the header has fewer columns; quote fields that contain the delimiter";
    } else {
      p.message = absl::StrCat("record has ", count, " fields, expected ", ncols);
      p.hint = absl::StrCat("no value for column '", plans_[count].name,
                            "'; write an empty field for NULL");
    }
    return p;
  }

  // Converts `rows` parsed records; returns the first bad value (by row, then
  // column) if any.
  std::optional<Problem> ConvertBlock(Piece* piece, const Field* fields, int rows) {
    const int ncols = static_cast<int>(plans_.size());
    int bad_row = rows, bad_col = ncols;
    base::TextParse bad_result = base::TextParse::kOk;
    for (int c = 0; c < ncols; ++c) {
      const ColumnPlan& plan = plans_[c];
      if (plan.plan == Plan::kSkip) continue;  // Undeclared: read past.
      ColumnPart& part = piece->parts[c];
      size_t base = part.valid.size();
      part.valid.resize(base + rows);
      uint8_t* valid = part.valid.data() + base;
      auto field = [&](int r) -> const Field& {
        return fields[static_cast<size_t>(r) * ncols + c];
      };
      if (plan.plan == Plan::kViews) {
        part.strings.resize(base + rows);
        std::string_view* out = part.strings.data() + base;
        for (int r = 0; r < rows; ++r) {
          const Field& f = field(r);
          bool null = f.size == 0 && !f.quoted;
          valid[r] = !null;
          part.nulls += null;
          out[r] = null ? std::string_view() : FieldText(f, &piece->arena);
        }
        continue;
      }
      int limit_row = std::min(rows, bad_row + 1);
      auto convert = [&]<typename T>(auto parse) {
        part.values.resize((base + rows) * sizeof(T));
        T* out = reinterpret_cast<T*>(part.values.data()) + base;
        for (int r = 0; r < limit_row; ++r) {
          const Field& f = field(r);
          if (f.size == 0) {  // Unquoted or "" : NULL in a non-string column.
            valid[r] = 0;
            out[r] = T{};
            ++part.nulls;
            continue;
          }
          valid[r] = 1;
          std::string_view s =
              f.escaped ? FieldText(f, &piece->arena) : std::string_view(f.data, f.size);
          base::TextParse result = parse(s, &out[r]);
          if (result != base::TextParse::kOk) {
            if (r < bad_row || (r == bad_row && c < bad_col)) {
              bad_row = r;
              bad_col = c;
              bad_result = result;
            }
            return;
          }
        }
      };
      switch (plan.plan) {
        case Plan::kBool:
          convert.template operator()<uint8_t>([](std::string_view s, uint8_t* out) {
            bool b = false;
            base::TextParse r = base::ParseBoolText(s, &b);
            *out = b;
            return r;
          });
          break;
        case Plan::kInt:
          convert.template operator()<int64_t>(
              [](std::string_view s, int64_t* out) { return base::ParseIntText(s, out); });
          break;
        case Plan::kFloat:
          convert.template operator()<double>(
              [](std::string_view s, double* out) { return base::ParseFloatText(s, out); });
          break;
        case Plan::kDate:
          convert.template operator()<int32_t>(
              [](std::string_view s, int32_t* out) { return base::ParseDateText(s, out); });
          break;
        case Plan::kTimestamp: {
          TimeUnit unit = plan.type.unit;
          convert.template operator()<int64_t>([unit](std::string_view s, int64_t* out) {
            return base::ParseTimestampText(s, unit, out);
          });
          break;
        }
        case Plan::kViews:
        case Plan::kSkip:
          break;
      }
    }
    if (bad_row == rows) return std::nullopt;
    const Field& f = fields[static_cast<size_t>(bad_row) * ncols + bad_col];
    Problem p;
    p.offset = (f.data - text_.data()) - (f.quoted ? 1 : 0);
    Arena scratch;
    std::string_view s = FieldText(f, &scratch);
    p.message = BadValueMessage(plans_[bad_col], s, bad_result);
    p.hint = TypeHint(plans_[bad_col].plan, bad_result, plans_[bad_col].type);
    return p;
  }

  // --- Inference -----------------------------------------------------------

  // The classes of a value and the type of a column: io/infer.h, shared
  // with the Python package.
  static uint8_t Classify(std::string_view s, TimeUnit unit, int* fraction_digits) {
    return io::ClassifyText(s, unit, fraction_digits);
  }

  // For each column inferred as string although other values have a type,
  // the first value no other type fits and its file:line (io/infer.h).
  void FindTextFallbacks() {
    for (int c = 0; c < static_cast<int>(plans_.size()); ++c) {
      if (plans_[c].type.id != TypeId::kString) continue;
      io::TextFallbackFinder finder;
      int found_piece = -1;
      int64_t found_row = -1, row = 0;
      std::string_view found_text;
      for (int k = 0; k < static_cast<int>(pieces_.size()); ++k) {
        const ColumnPart& part = pieces_[k].parts[c];
        bool more = true;
        for (size_t r = 0; r < part.strings.size() && more; ++r, ++row) {
          more = finder.Add(part.strings[r], row);
          if (finder.row() == row && found_piece < 0) {
            found_piece = k;
            found_row = static_cast<int64_t>(r);
            found_text = part.strings[r];
          }
        }
        if (!more) break;
      }
      if (!finder.found() || found_piece < 0) continue;
      bool in_text =
          found_text.data() >= text_.data() && found_text.data() < text_.data() + text_.size();
      int64_t offset =
          in_text ? found_text.data() - text_.data() : RecordOffset(found_piece, found_row);
      SourceLocation at = LocationAt(text_, filename_, offset);
      fallbacks_.push_back(TextFallback{plans_[c].name, Shown(finder.value()),
                                        absl::StrCat(filename_, ":", at.line), finder.would_be(),
                                        ""});
    }
  }

  std::optional<Problem> InferTypes() {
    const int ncols = static_cast<int>(plans_.size());
    const int npieces = static_cast<int>(pieces_.size());
    std::vector<uint8_t> masks(static_cast<size_t>(ncols) * npieces, 0xFF);
    std::vector<uint8_t> seen(static_cast<size_t>(ncols) * npieces, 0);
    std::vector<int> digits(static_cast<size_t>(ncols) * npieces, 0);
    base::ParallelFor(static_cast<int64_t>(ncols) * npieces, threads_, [&](int64_t task) {
      int c = static_cast<int>(task % ncols);
      int k = static_cast<int>(task / ncols);
      const ColumnPart& part = pieces_[k].parts[c];
      uint8_t m = 0xFF;
      int d = 0;
      bool any = false;
      for (std::string_view s : part.strings) {
        if (s.empty()) continue;
        any = true;
        m &= Classify(s, options_.inferred_timestamp_unit, &d);
        if (m == 0) break;
      }
      masks[task] = m;
      seen[task] = any;
      digits[task] = d;
    });
    for (int c = 0; c < ncols; ++c) {
      uint8_t m = 0xFF;
      bool any = false;
      int d = 0;
      for (int k = 0; k < npieces; ++k) {
        size_t t = static_cast<size_t>(k) * ncols + c;
        m &= masks[t];
        any = any || seen[t];
        d = std::max(d, digits[t]);
      }
      ColumnPlan& plan = plans_[c];
      plan.type = DataType::String();
      if (!any || m == 0) continue;
      plan.type = io::TypeOfMask(m, options_.inferred_timestamp_unit, d);
    }
    FindTextFallbacks();
    // Convert the views of typed columns.  Only a timestamp column can fail
    // here: one value needs nanoseconds and another is outside their range.
    std::vector<std::optional<Problem>> failures(static_cast<size_t>(ncols) * npieces);
    base::ParallelFor(static_cast<int64_t>(ncols) * npieces, threads_, [&](int64_t task) {
      int c = static_cast<int>(task % ncols);
      int k = static_cast<int>(task / ncols);
      const ColumnPlan& plan = plans_[c];
      if (plan.type.id == TypeId::kString) return;
      ColumnPart& part = pieces_[k].parts[c];
      size_t n = part.strings.size();
      auto convert = [&]<typename T>(auto parse) {
        part.values.assign(n * sizeof(T), 0);
        T* out = reinterpret_cast<T*>(part.values.data());
        for (size_t r = 0; r < n; ++r) {
          std::string_view s = part.strings[r];
          if (s.empty()) {
            if (part.valid[r]) ++part.nulls;  // "" is NULL outside string columns.
            part.valid[r] = 0;
            continue;
          }
          base::TextParse result = parse(s, &out[r]);
          if (result != base::TextParse::kOk) {
            Problem p;
            bool in_text = s.data() >= text_.data() && s.data() < text_.data() + text_.size();
            p.offset = in_text ? s.data() - text_.data() : RecordOffset(k, static_cast<int64_t>(r));
            p.message = BadValueMessage(plan, s, result);
            p.hint = "the type was inferred from the other values; declare it in a schema";
            failures[task] = std::move(p);
            return;
          }
        }
      };
      switch (plan.type.id) {
        case TypeId::kBool:
          convert.template operator()<uint8_t>([](std::string_view s, uint8_t* out) {
            bool b = false;
            base::TextParse r = base::ParseBoolText(s, &b);
            *out = b;
            return r;
          });
          break;
        case TypeId::kInt:
          convert.template operator()<int64_t>(
              [](std::string_view s, int64_t* out) { return base::ParseIntText(s, out); });
          break;
        case TypeId::kFloat:
          convert.template operator()<double>(
              [](std::string_view s, double* out) { return base::ParseFloatText(s, out); });
          break;
        case TypeId::kDate:
          convert.template operator()<int32_t>(
              [](std::string_view s, int32_t* out) { return base::ParseDateText(s, out); });
          break;
        case TypeId::kTimestamp: {
          TimeUnit unit = plan.type.unit;
          convert.template operator()<int64_t>([unit](std::string_view s, int64_t* out) {
            return base::ParseTimestampText(s, unit, out);
          });
          break;
        }
        case TypeId::kString:
          break;
      }
      std::vector<std::string_view>().swap(part.strings);
    });
    // The first failure in file order: by piece, then by offset.
    for (int k = 0; k < npieces; ++k) {
      std::optional<Problem> first;
      for (int c = 0; c < ncols; ++c) {
        std::optional<Problem>& f = failures[static_cast<size_t>(k) * ncols + c];
        if (f && (!first || f->offset < first->offset)) first = std::move(f);
      }
      if (first) return first;
    }
    return std::nullopt;
  }

  // --- Assembly ------------------------------------------------------------

  Buffer AssembleValidity(int h, int64_t total) {
    int64_t nulls = 0;
    for (const Piece& piece : pieces_) nulls += piece.parts[h].nulls;
    if (nulls == 0) return {};
    Bitmap bits(total);
    uint8_t* out = bits.mutable_data();
    int64_t row = 0;
    for (const Piece& piece : pieces_) {
      const uint8_t* valid = piece.parts[h].valid.data();
      const int64_t n = piece.rows;
      int64_t i = 0;
      for (; i < n && (row & 7) != 0; ++i, ++row) {
        if (valid[i]) SetBit(out, row);
      }
      // Byte-aligned: eight 0/1 bytes become one bitmap byte.
      for (; i + 8 <= n; i += 8, row += 8) {
        uint8_t byte = 0;
        for (int b = 0; b < 8; ++b) byte |= static_cast<uint8_t>((valid[i + b] != 0) << b);
        out[row >> 3] = byte;
      }
      for (; i < n; ++i, ++row) {
        if (valid[i]) SetBit(out, row);
      }
    }
    return Buffer::Own(std::move(bits).Release());
  }

  template <typename T>
  Buffer AssembleFixed(int h, int64_t total) {
    if (pieces_.size() == 1) {  // The piece's vector becomes the column.
      std::vector<uint8_t>& bytes = pieces_[0].parts[h].values;
      bytes.resize(total * sizeof(T));
      return Buffer::Own(std::move(bytes));
    }
    // Uninitialized: every byte is copied from a piece below.
    std::shared_ptr<T[]> values(new T[std::max<int64_t>(total, 1)]);
    int64_t row = 0;
    for (const Piece& piece : pieces_) {
      const std::vector<uint8_t>& bytes = piece.parts[h].values;
      if (!bytes.empty()) std::memcpy(values.get() + row, bytes.data(), piece.rows * sizeof(T));
      row += piece.rows;
    }
    return Buffer{reinterpret_cast<const uint8_t*>(values.get()),
                  total * static_cast<int64_t>(sizeof(T)),
                  std::shared_ptr<const void>(values, values.get())};
  }

  Column AssembleStrings(int h, int64_t total, Buffer validity) {
    // Dictionary when it pays: at most half as many distinct values as rows,
    // judged first on a sample (so unique identifiers skip the hashing).
    bool dictionary = total >= 2;
    if (dictionary) {
      absl::flat_hash_set<std::string_view, ShortStringHash> sample;
      int64_t sampled = 0;
      for (const Piece& piece : pieces_) {
        for (size_t i = 0; i < piece.parts[h].strings.size() && sampled < 1024; ++i) {
          if (!piece.parts[h].valid[i]) continue;
          std::string_view v = piece.parts[h].strings[i];
          sample.insert(v);
          ++sampled;
        }
      }
      if (sampled == 0 || (sampled >= 64 && static_cast<int64_t>(sample.size()) * 2 > sampled)) {
        dictionary = false;
      }
    }
    if (dictionary) {
      absl::flat_hash_map<std::string_view, int32_t, ShortStringHash> index;
      std::vector<std::string_view> entries;
      std::vector<int32_t> codes(total, 0);
      int64_t row = 0;
      for (const Piece& piece : pieces_) {
        const ColumnPart& part = piece.parts[h];
        for (size_t i = 0; i < part.strings.size() && dictionary; ++i, ++row) {
          if (!part.valid[i]) continue;
          std::string_view v = part.strings[i];
          auto [it, inserted] = index.try_emplace(v, static_cast<int32_t>(entries.size()));
          if (inserted) {
            entries.push_back(part.strings[i]);
            if (static_cast<int64_t>(entries.size()) * 2 > total) dictionary = false;
          }
          codes[row] = it->second;
        }
        if (!dictionary) break;
      }
      if (dictionary) {
        Column dict = PlainStrings(entries.size(),
                                   [&](auto&& visit) {
                                     for (std::string_view s : entries) visit(s);
                                   },
                                   {});
        return Column::FromBuffers(DataType::String(), total, Buffer::Own(std::move(codes)),
                                   std::move(validity), {},
                                   std::make_shared<const Column>(std::move(dict)));
      }
    }
    return PlainStrings(
        total,
        [&](auto&& visit) {
          for (const Piece& piece : pieces_) {
            for (std::string_view s : piece.parts[h].strings) visit(s);
          }
        },
        std::move(validity));
  }

  template <typename ForEach>
  static Column PlainStrings(int64_t n, ForEach for_each, Buffer validity) {
    std::vector<int64_t> offsets;
    offsets.reserve(n + 1);
    offsets.push_back(0);
    int64_t bytes = 0;
    for_each([&](std::string_view s) {
      bytes += static_cast<int64_t>(s.size());
      offsets.push_back(bytes);
    });
    std::vector<char> chars(bytes);
    int64_t at = 0;
    for_each([&](std::string_view s) {
      if (!s.empty()) std::memcpy(chars.data() + at, s.data(), s.size());
      at += static_cast<int64_t>(s.size());
    });
    return Column::FromBuffers(DataType::String(), n, Buffer::Own(std::move(offsets)),
                               std::move(validity), Buffer::Own(std::move(chars)));
  }

  absl::StatusOr<Table> Assemble() {
    int64_t total = 0;
    for (const Piece& piece : pieces_) total += piece.rows;
    const int ncols = static_cast<int>(plans_.size());
    TableSchema table_schema;
    std::vector<int> order;  // Header index of each table column.
    if (schema_ != nullptr) {
      table_schema = *schema_;
      table_schema.undeclared_columns = undeclared_;
      order = schema_slot_;
    } else {
      table_schema.name = table_name_;
      table_schema.location = SourceLocation{filename_, 0, 0};
      table_schema.text_fallbacks = fallbacks_;
      for (int h = 0; h < ncols; ++h) {
        table_schema.columns.push_back(ColumnSchema{
            plans_[h].name, plans_[h].type, LocationAt(text_, filename_, header_offsets_[h])});
        order.push_back(h);
      }
    }
    std::vector<Column> columns(order.size());
    base::ParallelFor(static_cast<int64_t>(order.size()), threads_, [&](int64_t i) {
      int h = order[i];
      DataType type = plans_[h].type;
      Buffer validity = AssembleValidity(h, total);
      Buffer values;
      switch (type.id) {
        case TypeId::kBool:
          values = AssembleFixed<uint8_t>(h, total);
          break;
        case TypeId::kInt:
        case TypeId::kTimestamp:
          values = AssembleFixed<int64_t>(h, total);
          break;
        case TypeId::kFloat:
          values = AssembleFixed<double>(h, total);
          break;
        case TypeId::kDate:
          values = AssembleFixed<int32_t>(h, total);
          break;
        case TypeId::kString:
          columns[i] = AssembleStrings(h, total, std::move(validity));
          return;
      }
      columns[i] = Column::FromBuffers(type, total, std::move(values), std::move(validity));
    });
    if (schema_ == nullptr) {
      // The key of an inferred table: `id`, when it identifies every row.
      for (int i = 0; i < ncols; ++i) {
        if (plans_[i].name != "id" || columns[i].null_count() > 0) continue;
        absl::flat_hash_set<std::string> keys;
        bool unique = true;
        for (int64_t r = 0; r < total && unique; ++r)
          unique = keys.insert(CellText(columns[i], r)).second;
        if (unique) table_schema.key = "id";
      }
    }
    int key = table_schema.FindColumn(table_schema.key);
    std::optional<Column> key_column;
    if (key >= 0) key_column = columns[key];  // Shares its buffers: for the error path.
    absl::StatusOr<Table> table = Table::Make(table_schema, std::move(columns));
    if (!table.ok() && key_column.has_value())
      return DiagnoseKey(table_schema, *key_column, table.status());
    return table;
  }

  // Byte offsets of the records of a piece's rows, found again by parsing
  // (only on error paths: the fast path keeps no per-row offsets).
  std::vector<int64_t> PieceRecordOffsets(int k) const {
    const Piece& piece = pieces_[k];
    std::vector<int64_t> out;
    out.reserve(piece.rows);
    std::vector<Field> scratch(plans_.size());
    const char* p = piece.begin;
    for (int64_t i = 0; i < piece.rows; ++i) {
      out.push_back(p - text_.data());
      int count;
      Problem ignored;
      if (!parser_.Parse(p, scratch.data(), static_cast<int>(scratch.size()), &count, &ignored))
        break;
    }
    return out;
  }
  int64_t RecordOffset(int k, int64_t row) const {
    std::vector<int64_t> offsets = PieceRecordOffsets(k);
    return row < static_cast<int64_t>(offsets.size()) ? offsets[row] : 0;
  }
  std::vector<int64_t> AllRecordOffsets() const {
    std::vector<int64_t> out;
    for (int k = 0; k < static_cast<int>(pieces_.size()); ++k) {
      std::vector<int64_t> o = PieceRecordOffsets(k);
      out.insert(out.end(), o.begin(), o.end());
    }
    return out;
  }

  // Table::Make's key error, with the rows named by file and line (the one
  // key rule, storage/keys.h).
  absl::Status DiagnoseKey(const TableSchema& schema, const Column& key, absl::Status status) {
    if (status.code() != absl::StatusCode::kFailedPrecondition) return status;
    std::vector<int64_t> offsets = AllRecordOffsets();
    storage::KeyRows rows;
    rows.location = [&](int64_t r) {
      return r < static_cast<int64_t>(offsets.size()) ? LocationAt(text_, filename_, offsets[r])
                                                      : SourceLocation{filename_, 0, 0};
    };
    rows.name = [&](int64_t r) { return absl::StrCat("line ", rows.location(r).line); };
    absl::Status s = storage::CheckKeyColumn(key, schema.name, schema.key, rows);
    return s.ok() ? status : s;
  }

  std::string_view text_;
  std::string filename_;
  std::string table_name_;
  const TableSchema* schema_;
  CsvOptions options_;
  int threads_;
  RecordParser parser_;
  std::vector<ColumnPlan> plans_;  // In header order.
  std::vector<TextFallback>
      fallbacks_;  // Inferred string columns with typed values (FindTextFallbacks).
  std::vector<int64_t> header_offsets_;  // Byte offset of each header field.
  std::vector<int> schema_slot_;         // Schema column -> header index.
  std::vector<std::string> undeclared_;  // Header columns the schema does not declare.
  const char* body_ = nullptr;
  const char* trailing_ = nullptr;  // Start of the blank lines that end the text.
  std::vector<Piece> pieces_;
};

std::string Stem(const std::string& path) {
  std::filesystem::path p(path);
  std::string stem = p.stem().string();
  return stem.empty() ? path : stem;
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return absl::NotFoundError(
        absl::StrCat(path, ": cannot open the file (", std::strerror(errno), ")"));
  }
  std::string text;
  if (std::fseek(f, 0, SEEK_END) == 0) {
    long size = std::ftell(f);
    if (size > 0) text.reserve(static_cast<size_t>(size));
    std::fseek(f, 0, SEEK_SET);
  }
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return absl::DataLossError(absl::StrCat(path, ": error reading the file"));
  return text;
}

}  // namespace
}  // namespace io

absl::StatusOr<Table> ReadCsvString(std::string_view text, std::string_view filename,
                                    std::string_view table_name, const TableSchema* schema,
                                    const CsvOptions& options) {
  io::CsvReader reader(text, std::string(filename), std::string(table_name), schema, options);
  return reader.Read();
}

absl::StatusOr<Table> ReadCsvFile(const std::string& path, const TableSchema* schema,
                                  const CsvOptions& options) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": is a directory, not a CSV file"));
  }
  absl::StatusOr<std::string> text = io::ReadWholeFile(path);
  if (!text.ok()) return text.status();
  return ReadCsvString(*text, path, io::Stem(path), schema, options);
}

absl::StatusOr<Snapshot> ReadCsvDirectory(const std::string& dir, const Schema* schema,
                                          const CsvOptions& options) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return absl::NotFoundError(absl::StrCat(dir, ": not a directory"));
  }
  auto join = [&](const std::string& name) { return (std::filesystem::path(dir) / name).string(); };
  Snapshot snapshot;
  if (schema != nullptr) {
    snapshot.schema = *schema;
    for (const TableSchema& t : schema->tables) {
      std::string path = join(t.name + ".csv");
      if (!std::filesystem::is_regular_file(path, ec)) {
        return DataError(SourceLocation{path, 0, 0},
                         absl::StrCat("missing file for table '", t.name, "'"),
                         "every table of the schema needs its CSV file in the data directory");
      }
      absl::StatusOr<Table> table = ReadCsvFile(path, &t, options);
      if (!table.ok()) return table.status();
      if (absl::Status s = snapshot.AddTable(*std::move(table)); !s.ok()) return s;
    }
    return snapshot;
  }
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    std::string name = entry.path().filename().string();
    if (name.size() > 4 && name.ends_with(".csv")) names.push_back(name);
  }
  if (ec)
    return absl::NotFoundError(
        absl::StrCat(dir, ": cannot list the directory (", ec.message(), ")"));
  if (names.empty()) {
    return DataError(SourceLocation{dir, 0, 0}, "no .csv files in the directory",
                     "name each table's file <table>.csv");
  }
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    absl::StatusOr<Table> table = ReadCsvFile(join(name), nullptr, options);
    if (!table.ok()) return table.status();
    if (absl::Status s = snapshot.AddTable(*std::move(table)); !s.ok()) return s;
  }
  return snapshot;
}

DataType InferCsvType(std::string_view text) {
  CsvOptions options;
  options.threads = 1;
  std::string csv = "v\n";
  csv.push_back('"');
  for (char c : text) {
    csv.push_back(c);
    if (c == '"') csv.push_back('"');
  }
  csv += "\"\n";
  absl::StatusOr<Table> t = ReadCsvString(csv, "value", "value", nullptr, options);
  if (!t.ok() || t->num_columns() != 1) return DataType::String();
  return t->column(0).type();
}

}  // namespace docket
