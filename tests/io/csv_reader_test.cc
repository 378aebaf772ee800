// Tests of the CSV reader: format, NULLs, types, errors, limits, inference
// and the parallel split.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "docket/csv.h"
#include "docket/error.h"
#include "docket/schema_yaml.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "io/format.h"

namespace docket {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TableSchema Accounts() {
  TableSchema t;
  t.name = "accounts";
  t.key = "id";
  t.columns = {
      {"id", DataType::String(), {}},    {"n", DataType::Int(), {}},
      {"arr", DataType::Float(), {}},    {"active", DataType::Bool(), {}},
      {"renewal", DataType::Date(), {}}, {"seen", DataType::Timestamp(TimeUnit::kMilli), {}}};
  return t;
}

absl::StatusOr<Table> Read(std::string_view text, const TableSchema* schema,
                           CsvOptions options = {}) {
  return ReadCsvString(text, "accounts.csv", "accounts", schema, options);
}

std::string Cell(const Table& t, std::string_view column, int64_t row) {
  const Column* c = t.FindColumn(column);
  if (c == nullptr) return "<no column>";
  if (c->IsNull(row)) return "NULL";
  return io::CellText(*c, row);
}

std::string ErrorOf(std::string_view text, const TableSchema* schema, CsvOptions options = {}) {
  absl::StatusOr<Table> t = Read(text, schema, options);
  if (t.ok()) return "OK";
  return std::string(t.status().message());
}

// --- The format ---------------------------------------------------------------

TEST(CsvReader, ReadsTypedColumnsInSchemaOrder) {
  TableSchema schema = Accounts();
  auto t = Read(
      "n,id,arr,active,renewal,seen\n"
      "7,a1,1200.5,true,2026-11-22,2026-11-22T13:05:00Z\n"
      "-3,a2,1e3,FALSE,2024-02-29,2026-11-22 13:05:00.250\n",
      &schema);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->num_rows(), 2);
  EXPECT_EQ(t->schema().columns[0].name, "id");
  EXPECT_EQ(t->column(0).type(), DataType::String());
  EXPECT_EQ(Cell(*t, "id", 1), "a2");
  EXPECT_EQ(Cell(*t, "n", 1), "-3");
  EXPECT_EQ(t->FindColumn("n")->Values<int64_t>()[0], 7);
  EXPECT_EQ(t->FindColumn("arr")->Values<double>()[1], 1000.0);
  EXPECT_EQ(Cell(*t, "active", 0), "true");
  EXPECT_EQ(Cell(*t, "active", 1), "false");
  EXPECT_EQ(t->FindColumn("renewal")->Values<int32_t>()[0], 20779);
  EXPECT_EQ(Cell(*t, "renewal", 1), "2024-02-29");
  EXPECT_EQ(Cell(*t, "seen", 1), "2026-11-22T13:05:00.250Z");
  EXPECT_EQ(t->FindColumn("seen")->Values<int64_t>()[0], int64_t{1795352700} * 1000);
  ASSERT_NE(t->key_column(), nullptr);
}

TEST(CsvReader, Rfc4180Quoting) {
  auto t = Read(
      "id,text\n"
      "1,\"a, b\"\n"
      "2,\"say \"\"hi\"\"\"\n"
      "3,\"two\nlines\"\n"
      "4,\"\"\"\"\n",
      nullptr);
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->num_rows(), 4);
  EXPECT_EQ(Cell(*t, "text", 0), "a, b");
  EXPECT_EQ(Cell(*t, "text", 1), "say \"hi\"");
  EXPECT_EQ(Cell(*t, "text", 2), "two\nlines");
  EXPECT_EQ(Cell(*t, "text", 3), "\"");
}

TEST(CsvReader, CrLfBomAndNoFinalNewline) {
  auto t = Read("\xEF\xBB\xBFid,x\r\n1,\"a\r\nb\"\r\n2,c", nullptr);
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->num_rows(), 2);
  EXPECT_EQ(t->schema().columns[0].name, "id");
  EXPECT_EQ(Cell(*t, "x", 0), "a\r\nb");
  EXPECT_EQ(Cell(*t, "x", 1), "c");
}

TEST(CsvReader, EmptyIsNullQuotedEmptyIsEmptyString) {
  TableSchema schema = Accounts();
  auto t = Read(
      "id,n,arr,active,renewal,seen,\n"  // Trailing comma: an unnamed column.
      "a,1,1,true,2026-01-01,2026-01-01,\n",
      &schema);
  EXPECT_FALSE(t.ok());

  TableSchema s;
  s.name = "t";
  s.columns = {{"name", DataType::String(), {}}, {"n", DataType::Int(), {}}};
  t = Read("name,n\n,\n\"\",\"\"\nx,5\n", &s);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_TRUE(t->column(0).IsNull(0));
  EXPECT_FALSE(t->column(0).IsNull(1));
  EXPECT_EQ(t->column(0).StringAt(1), "");
  EXPECT_TRUE(t->column(1).IsNull(0));
  EXPECT_TRUE(t->column(1).IsNull(1));  // "" is NULL outside string columns.
  EXPECT_EQ(t->column(1).null_count(), 2);
  EXPECT_EQ(Cell(*t, "n", 2), "5");
}

TEST(CsvReader, Unicode) {
  auto t = Read("id,name\n1,Zoë Ångström\n2,\"日本語, テキスト\"\n3,🙂\n", nullptr);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(Cell(*t, "name", 0), "Zoë Ångström");
  EXPECT_EQ(Cell(*t, "name", 1), "日本語, テキスト");
  EXPECT_EQ(Cell(*t, "name", 2), "🙂");
}

TEST(CsvReader, InvalidUtf8IsAnErrorWithPosition) {
  EXPECT_EQ(ErrorOf("id,name\n1,ok\n2,ab\xff\n", nullptr),
            "accounts.csv:3:5: invalid UTF-8 (byte 0xff) — save the file as UTF-8");
  // Overlong encodings and surrogates are not UTF-8 either.
  EXPECT_THAT(ErrorOf("id,name\n1,\xc0\xaf\n", nullptr),
              StartsWith("accounts.csv:2:3: invalid UTF-8"));
  EXPECT_THAT(ErrorOf("id,name\n1,\"\xed\xa0\x80\"\n", nullptr),
              StartsWith("accounts.csv:2:4: invalid UTF-8"));
  // Truncated sequence at the end of the text.
  EXPECT_THAT(ErrorOf("id,name\n1,\xe6\x97", nullptr),
              StartsWith("accounts.csv:2:3: invalid UTF-8"));
}

TEST(CsvReader, TrailingBlankLinesAreIgnoredOthersAreErrors) {
  auto t = Read("id,x\n1,a\n2,b\n\n\r\n\n", nullptr);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->num_rows(), 2);
  EXPECT_EQ(ErrorOf("id,x\n1,a\n\n2,b\n", nullptr),
            "accounts.csv:3:1: blank line — every line needs 2 fields; remove the blank line");
  // In a one-column file a blank line is a NULL value.
  t = Read("x\n1\n\n2\n", nullptr);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->num_rows(), 3);
  EXPECT_TRUE(t->column(0).IsNull(1));
}

// --- Malformed files ------------------------------------------------------------

TEST(CsvReader, RaggedRows) {
  EXPECT_EQ(
      ErrorOf("id,x,y\n1,a,b\n2,a,b,c\n", nullptr),
      "accounts.csv:3:1: record has 4 fields, expected 3 — the header has fewer columns; quote "
      "fields that contain the delimiter");
  EXPECT_EQ(ErrorOf("id,x,y\n1,a,b\n2,a\n", nullptr),
            "accounts.csv:3:1: record has 2 fields, expected 3 — no value for column 'y'; write an "
            "empty field for NULL");
}

TEST(CsvReader, QuoteErrors) {
  EXPECT_EQ(ErrorOf("id,x\n1,\"abc\n2,d\n", nullptr),
            "accounts.csv:2:3: unterminated quoted field (the quote opened here is never closed) — "
            "close the field with a double quote; write a quote inside a field as \"\"");
  EXPECT_THAT(ErrorOf("id,x\n1,ab\"c\n", nullptr),
              StartsWith("accounts.csv:2:5: double quote inside an unquoted field"));
  EXPECT_THAT(ErrorOf("id,x\n1,\"ab\"c\n", nullptr),
              StartsWith("accounts.csv:2:7: unexpected 'c' after a closing quote"));
  EXPECT_THAT(ErrorOf("id,x\n1,a\rb\n", nullptr),
              StartsWith("accounts.csv:2:4: carriage return without a line feed"));
}

TEST(CsvReader, NulBytes) {
  std::string text = "id,x\n1,a";
  text.push_back('\0');
  text += "b\n";
  EXPECT_THAT(ErrorOf(text, nullptr), StartsWith("accounts.csv:2:4: NUL byte in the text"));
}

TEST(CsvReader, EmptyFileAndHeaderOnly) {
  EXPECT_EQ(
      ErrorOf("", nullptr),
      "accounts.csv:1:1: empty file: no header row — the first line must name the columns, e.g. "
      "id,name,arr");
  EXPECT_THAT(ErrorOf("\xEF\xBB\xBF", nullptr), HasSubstr("empty file"));
  EXPECT_THAT(ErrorOf("\n\n", nullptr), HasSubstr("empty file"));
  TableSchema schema = Accounts();
  auto t = Read("id,n,arr,active,renewal,seen\n", &schema);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->num_rows(), 0);
  EXPECT_EQ(t->num_columns(), 6);
  t = Read("id,name", nullptr);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->num_rows(), 0);
  EXPECT_EQ(t->column(1).type(), DataType::String());
}

TEST(CsvReader, HeaderProblems) {
  EXPECT_EQ(ErrorOf("id,name,id\n1,a,2\n", nullptr),
            "accounts.csv:1:9: duplicate column 'id' in the header (columns 1 and 3) — give every "
            "column a distinct name");
  EXPECT_THAT(ErrorOf("id,,x\n", nullptr),
              StartsWith("accounts.csv:1:4: column 2 of the header has no name"));
  TableSchema schema = Accounts();
  // A misspelled header: the declared column is missing, and the data's close name is offered.
  EXPECT_EQ(ErrorOf("id,n,arr,actve,renewal,seen\n", &schema),
            "accounts.csv:1:1: missing column 'active' (bool): the schema of table 'accounts' "
            "declares it, but the data has no such column — the data has a column 'actve': did "
            "you mean 'active'? rename it in the data (or in the schema)");
  EXPECT_EQ(ErrorOf("id,n,arr,renewal,seen\n", &schema),
            "accounts.csv:1:1: missing column 'active' (bool): the schema of table 'accounts' "
            "declares it, but the data has no such column — add the column to the data (empty "
            "values are NULL); the data's columns are: id, n, arr, renewal, seen");
}

// A column the schema does not declare is read past (never converted, so a
// value that would not parse is no error) and named in the table's schema.
TEST(CsvReader, UndeclaredColumnsAreIgnoredAndNamed) {
  TableSchema schema = Accounts();
  absl::StatusOr<Table> t = Read(
      "scratch,id,n,arr,active,renewal,seen,segmnt\n"
      "x,a1,1,2.5,true,2026-11-22,,\"q,\"\"r\"\n"
      "not-a-number,a2,2,,false,,2026-11-22T00:00:00Z,s\n",
      &schema);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->num_columns(), 6);
  EXPECT_EQ(t->num_rows(), 2);
  EXPECT_EQ(t->schema().undeclared_columns, (std::vector<std::string>{"scratch", "segmnt"}));
  EXPECT_EQ(t->FindColumn("scratch"), nullptr);
  EXPECT_EQ(t->column(0).StringAt(1), "a2");
  // The same on several threads (the pieces skip the column too).
  CsvOptions options;
  options.threads = 2;
  options.min_chunk_bytes = 8;
  std::string text = "id,extra,n,arr,active,renewal,seen\n";
  for (int i = 0; i < 500; ++i) absl::StrAppend(&text, "a", i, ",e", i, ",1,,,,\n");
  absl::StatusOr<Table> many = Read(text, &schema, options);
  ASSERT_TRUE(many.ok()) << many.status();
  EXPECT_EQ(many->num_rows(), 500);
  EXPECT_EQ(many->schema().undeclared_columns, std::vector<std::string>{"extra"});
  // A ragged record is still an error (the skipped column still counts).
  EXPECT_THAT(ErrorOf("id,n,arr,active,renewal,seen,extra\na1,1,,,,\n", &schema),
              HasSubstr("record has 6 fields, expected 7"));
}

// --- Values ---------------------------------------------------------------------

TEST(CsvReader, BadValuesOfEveryType) {
  TableSchema schema = Accounts();
  const std::string header = "id,n,arr,active,renewal,seen\n";
  auto err = [&](std::string row) {
    return ErrorOf(header + "a1,1,1.5,true,2026-01-01,2026-01-01\n" + row, &schema);
  };
  EXPECT_EQ(
      err("a2,x7,1,true,2026-01-01,2026-01-01\n"),
      "accounts.csv:3:4: column n: 'x7' is not an int — write a whole number like 42; declare "
      "the column float for fractions");
  EXPECT_EQ(
      err("a2,1.5,1,true,2026-01-01,2026-01-01\n"),
      "accounts.csv:3:4: column n: '1.5' is not an int — write a whole number like 42; declare "
      "the column float for fractions");
  EXPECT_EQ(
      err("a2,1,12abc,true,2026-01-01,2026-01-01\n"),
      "accounts.csv:3:6: column arr: '12abc' is not a float — write a number like 4.2 or 1e3; "
      "leave the field empty for NULL");
  EXPECT_THAT(err("a2,1,nan,true,2026-01-01,2026-01-01\n"),
              StartsWith("accounts.csv:3:6: column arr: 'nan' is not a float"));
  EXPECT_THAT(err("a2,1,1e999,true,2026-01-01,2026-01-01\n"),
              StartsWith("accounts.csv:3:6: column arr: '1e999' is out of range for float"));
  EXPECT_EQ(
      err("a2,1,1,yes,2026-01-01,2026-01-01\n"),
      "accounts.csv:3:8: column active: 'yes' is not a bool — write true or false (or 1 or 0); "
      "leave the field empty for NULL");
  EXPECT_EQ(err("a2,1,1,1,11/22/2026,2026-01-01\n"),
            "accounts.csv:3:10: column renewal: '11/22/2026' is not a date — write dates as "
            "YYYY-MM-DD");
  EXPECT_EQ(err("a2,1,1,1,2026-02-30,2026-01-01\n"),
            "accounts.csv:3:10: column renewal: '2026-02-30' is not a valid date — check the month "
            "and day");
  EXPECT_THAT(err("a2,1,1,1,2026-02-28,2026-01-01 25:00\n"),
              StartsWith("accounts.csv:3:21: column seen: '2026-01-01 25:00' is out of range for "
                         "timestamp[ms]"));
  EXPECT_THAT(
      err("a2,1,1,1,2026-02-28,2026-01-01T10:00:00.1234\n"),
      StartsWith("accounts.csv:3:21: column seen: '2026-01-01T10:00:00.1234' has more "
                 "precision than timestamp[ms] — declare the column timestamp[ns] (or [us])"));
  EXPECT_THAT(err("a2,1,1,1,2026-02-28,yesterday\n"),
              StartsWith("accounts.csv:3:21: column seen: 'yesterday' is not a timestamp[ms]"));
  // The first bad field of the first bad record wins.
  EXPECT_THAT(err("a2,1,1,maybe,2026-13-01,2026-01-01\na3,x,1,1,2026-01-01,2026-01-01\n"),
              StartsWith("accounts.csv:3:8: column active: 'maybe'"));
}

TEST(CsvReader, BadValueInAQuotedMultilineRecordNamesItsLine) {
  TableSchema schema;
  schema.name = "t";
  schema.columns = {{"note", DataType::String(), {}}, {"n", DataType::Int(), {}}};
  EXPECT_THAT(ErrorOf("note,n\n\"one\ntwo\",5\n\"x\",\"7x\"\n", &schema),
              StartsWith("accounts.csv:4:5: column n: '7x' is not an int"));
}

TEST(CsvReader, Int64Range) {
  TableSchema s;
  s.name = "t";
  s.columns = {{"n", DataType::Int(), {}}};
  auto t = Read("n\n9223372036854775807\n-9223372036854775808\n+12\n", &s);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->column(0).Values<int64_t>()[0], INT64_MAX);
  EXPECT_EQ(t->column(0).Values<int64_t>()[1], INT64_MIN);
  EXPECT_EQ(t->column(0).Values<int64_t>()[2], 12);
  EXPECT_EQ(ErrorOf("n\n9223372036854775808\n", &s),
            "accounts.csv:2:1: column n: '9223372036854775808' is out of range for int — int is "
            "64-bit; declare the column float, or string for an identifier");
  EXPECT_THAT(ErrorOf("n\n-9223372036854775809\n", &s), HasSubstr("is out of range for int"));
}

TEST(CsvReader, Timestamps) {
  TableSchema s;
  s.name = "t";
  s.columns = {{"ts", DataType::Timestamp(TimeUnit::kNano), {}}};
  auto t = Read(
      "ts\n"
      "2026-11-22T13:05:00Z\n"
      "2026-11-22T08:05:00-05:00\n"
      "2026-11-22 18:35:00+0530\n"
      "2026-11-22T13:05\n"
      "2026-11-22T13:05:00.123456789Z\n"
      "2026-11-22\n"
      "1969-12-31T23:59:59.5Z\n",
      &s);
  ASSERT_TRUE(t.ok()) << t.status();
  const int64_t* v = t->column(0).Values<int64_t>();
  const int64_t base = int64_t{1795352700} * 1000000000;
  EXPECT_EQ(v[0], base);
  EXPECT_EQ(v[1], base);
  EXPECT_EQ(v[2], base);
  EXPECT_EQ(v[3], base);
  EXPECT_EQ(v[4], base + 123456789);
  EXPECT_EQ(v[5], int64_t{1795305600} * 1000000000);
  EXPECT_EQ(v[6], -500000000);
  EXPECT_EQ(Cell(*t, "ts", 4), "2026-11-22T13:05:00.123456789Z");
  // Trailing zeros beyond the unit are fine; digits are not.
  s.columns[0].type = DataType::Timestamp(TimeUnit::kSecond);
  t = Read("ts\n2026-11-22T13:05:00.000Z\n", &s);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->column(0).Values<int64_t>()[0], 1795352700);
  // Out of range for nanoseconds (±292 years around 1970).
  s.columns[0].type = DataType::Timestamp(TimeUnit::kNano);
  EXPECT_THAT(ErrorOf("ts\n2300-01-01T00:00:00Z\n", &s),
              HasSubstr("is out of range for timestamp[ns]"));
}

// --- Keys -----------------------------------------------------------------------

TEST(CsvReader, DuplicateAndNullKeys) {
  TableSchema schema = Accounts();
  const std::string header = "id,n,arr,active,renewal,seen\n";
  EXPECT_EQ(ErrorOf(header + "a1,1,,,,\na2,2,,,,\n\"a\n1\",3,,,,\na2,4,,,,\n", &schema),
            "accounts.csv:6:1: duplicate key 'a2' in column id of table accounts (first on line "
            "3) — every row of a table with a key must have a distinct key");
  EXPECT_EQ(ErrorOf(header + "a1,1,,,,\n,2,,,,\n", &schema),
            "accounts.csv:3:1: NULL key in column id of table accounts — every row of a table "
            "with a key needs a key (not NULL, not empty)");
  EXPECT_EQ(ErrorOf(header + "a1,1,,,,\n\"\",2,,,,\n", &schema),
            "accounts.csv:3:1: empty key '' in column id of table accounts — every row of a "
            "table with a key needs a key (not NULL, not empty)");
  // The first problem by row, whichever kind.
  EXPECT_THAT(ErrorOf(header + "a1,1,,,,\na1,2,,,,\n,3,,,,\n", &schema),
              StartsWith("accounts.csv:3:1: duplicate key 'a1'"));
}

// --- Limits ---------------------------------------------------------------------

TEST(CsvReader, FieldAndRecordLimits) {
  CsvOptions options;
  options.limits.max_csv_field_bytes = 10;
  EXPECT_TRUE(Read("id,x\n1,0123456789\n", nullptr, options).ok());
  absl::StatusOr<Table> t = Read("id,x\n1,01234567890\n", nullptr, options);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(t.status().message()),
              StartsWith("accounts.csv:2:3: a field of 11 bytes: limit "
                         "max_csv_field_bytes = 10 exceeded"));
  t = Read("id,x\n1,\"0123456789\"\"\"\n", nullptr, options);
  EXPECT_EQ(t.status().code(), absl::StatusCode::kResourceExhausted);

  options = CsvOptions();
  options.limits.max_csv_line_bytes = 16;
  t = Read("id,x\n1,0123456789\n2,0123456789abcdef\n", nullptr, options);
  ASSERT_FALSE(t.ok());
  EXPECT_THAT(std::string(t.status().message()),
              StartsWith("accounts.csv:3:1: a record of 19 bytes: limit "
                         "max_csv_line_bytes = 16 exceeded"));
  // A huge field under the default limit (1 MiB) reads; over it, it does not.
  std::string big(1 << 20, 'x');
  EXPECT_TRUE(Read("id,x\n1," + big + "\n", nullptr).ok());
  EXPECT_EQ(Read("id,x\n1,y" + big + "\n", nullptr).status().code(),
            absl::StatusCode::kResourceExhausted);
}

// --- Inference ------------------------------------------------------------------

TEST(CsvReader, InfersTypes) {
  auto t = Read(
      "id,flag,n,x,day,at,name,zip,empty,mixed,big\n"
      "1,true,1,1,2026-01-01,2026-01-01T10:00:00Z,a,02134,,1,12345678901234567890\n"
      "2,False,-2,2.5,,2026-01-02,b,10001,,x,1\n"
      "3,,,1e3,2026-03-01,2026-01-03 10:00:00.5,,,,2,2\n",
      nullptr);
  ASSERT_TRUE(t.ok()) << t.status();
  auto type = [&](std::string_view c) { return t->FindColumn(c)->type().ToString(); };
  EXPECT_EQ(type("id"), "int");
  EXPECT_EQ(type("flag"), "bool");
  EXPECT_EQ(type("n"), "int");
  EXPECT_EQ(type("x"), "float");
  EXPECT_EQ(type("day"), "date");
  EXPECT_EQ(type("at"), "timestamp");
  EXPECT_EQ(type("name"), "string");
  EXPECT_EQ(type("zip"), "string");  // Leading zeros: a code, not a number.
  EXPECT_EQ(type("empty"), "string");
  EXPECT_EQ(type("mixed"), "string");
  EXPECT_EQ(type("big"), "string");  // Beyond int64: kept as text.
  EXPECT_EQ(Cell(*t, "zip", 0), "02134");
  EXPECT_EQ(Cell(*t, "at", 1), "2026-01-02T00:00:00Z");
  EXPECT_EQ(Cell(*t, "at", 2), "2026-01-03T10:00:00.500000Z");
  EXPECT_EQ(t->schema().key, "id");
  EXPECT_EQ(t->name(), "accounts");

  EXPECT_EQ(InferCsvType("2026-11-22"), DataType::Date());
  EXPECT_EQ(InferCsvType("2026-11-22T10:00:00.123456789Z"), DataType::Timestamp(TimeUnit::kNano));
  EXPECT_EQ(InferCsvType("TRUE"), DataType::Bool());
  EXPECT_EQ(InferCsvType("1"), DataType::Int());
  EXPECT_EQ(InferCsvType("-0.5"), DataType::Float());
  EXPECT_EQ(InferCsvType("inf"), DataType::String());
  EXPECT_EQ(InferCsvType("a\"b"), DataType::String());
}

TEST(CsvReader, InferredKeyOnlyWhenUnique) {
  auto t = Read("id,x\n1,a\n1,b\n", nullptr);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->schema().key, "");
  t = Read("id,x\n1,a\n,b\n", nullptr);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->schema().key, "");
  t = Read("ident,x\n1,a\n2,b\n", nullptr);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->schema().key, "");
}

TEST(CsvReader, DictionaryEncodesRepetitiveStrings) {
  std::string text = "id,segment\n";
  for (int i = 0; i < 1000; ++i)
    absl::StrAppend(&text, "a", i, ",", i % 3 == 0 ? "smb" : "enterprise", "\n");
  auto t = Read(text, nullptr);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_TRUE(t->FindColumn("segment")->is_dictionary());
  EXPECT_EQ(t->FindColumn("segment")->dictionary().size(), 2);
  EXPECT_FALSE(t->FindColumn("id")->is_dictionary());
  EXPECT_EQ(Cell(*t, "segment", 3), "smb");
  EXPECT_EQ(Cell(*t, "id", 999), "a999");
}

TEST(CsvReader, OtherDelimiters) {
  CsvOptions options;
  options.delimiter = ';';
  auto t = Read("id;x\n1;\"a;b\"\n", nullptr, options);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(Cell(*t, "x", 0), "a;b");
  options.delimiter = '"';
  EXPECT_FALSE(Read("id\n1\n", nullptr, options).ok());
}

// --- The parallel split ---------------------------------------------------------

std::string Generate(int rows, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string text = "id,name,note,n,arr,active,renewal,seen\n";
  const char* names[] = {"Acme", "Zoë & Co", "Globex, Inc", "Initech \"IT\"", "日本"};
  for (int i = 0; i < rows; ++i) {
    absl::StrAppend(&text, "acct-", i, ",");
    std::string name = names[rng() % 5];
    if (name.find_first_of(",\"") != std::string::npos) {
      std::string q = "\"";
      for (char c : name) q += c == '"' ? std::string("\"\"") : std::string(1, c);
      name = q + "\"";
    }
    absl::StrAppend(&text, name, ",");
    switch (rng() % 5) {
      case 0:
        text += "\"line one\nline two, with \"\"quotes\"\"\n\",";
        break;  // Quoted newlines.
      case 1:
        text += ",";
        break;  // NULL.
      case 2:
        text += "\"\",";
        break;  // Empty string.
      default:
        absl::StrAppend(&text, "note ", rng() % 100, ",");
        break;
    }
    if (rng() % 7 == 0) {
      text += ",";
    } else {
      absl::StrAppend(&text, static_cast<int64_t>(rng()) - 2000000000, ",");
    }
    absl::StrAppend(&text, rng() % 1000000 / 100.0, ",", rng() % 2 ? "true" : "false", ",");
    absl::StrAppend(&text, "2026-", 1 + rng() % 12, "-1", rng() % 9, ",");
    absl::StrAppend(&text, "2026-11-22T", 10 + rng() % 10, ":05:0", rng() % 10, ".", rng() % 1000,
                    "Z", i % 2 ? "\r\n" : "\n");
  }
  return text;
}

void ExpectSameTables(const Table& a, const Table& b) {
  ASSERT_EQ(a.num_rows(), b.num_rows());
  ASSERT_EQ(a.num_columns(), b.num_columns());
  for (int c = 0; c < a.num_columns(); ++c) {
    ASSERT_EQ(a.column(c).type(), b.column(c).type()) << c;
    ASSERT_EQ(a.column(c).null_count(), b.column(c).null_count()) << c;
    ASSERT_EQ(a.column(c).is_dictionary(), b.column(c).is_dictionary()) << c;
    for (int64_t r = 0; r < a.num_rows(); ++r) {
      ASSERT_EQ(a.column(c).IsNull(r), b.column(c).IsNull(r)) << c << " " << r;
      ASSERT_EQ(io::CellText(a.column(c), r), io::CellText(b.column(c), r)) << c << " " << r;
    }
  }
}

TEST(CsvReader, ParallelParseEqualsSequential) {
  std::string text = Generate(20000, 42);
  CsvOptions one;
  one.threads = 1;
  auto sequential = Read(text, nullptr, one);
  ASSERT_TRUE(sequential.ok()) << sequential.status();
  EXPECT_EQ(sequential->num_rows(), 20000);
  EXPECT_EQ(sequential->FindColumn("note")->type(), DataType::String());
  EXPECT_EQ(sequential->FindColumn("seen")->type(), DataType::Timestamp(TimeUnit::kMicro));
  for (int threads : {2, 3, 7, 16}) {
    for (int64_t min_chunk : {int64_t{1}, int64_t{977}, int64_t{65536}}) {
      CsvOptions many;
      many.threads = threads;
      many.min_chunk_bytes = min_chunk;
      auto parallel = Read(text, nullptr, many);
      ASSERT_TRUE(parallel.ok()) << parallel.status();
      ExpectSameTables(*sequential, *parallel);
    }
  }
  // With a schema too.
  TableSchema schema = sequential->schema();
  schema.name = "accounts";
  CsvOptions many;
  many.threads = 5;
  many.min_chunk_bytes = 100;
  auto typed = Read(text, &schema, many);
  ASSERT_TRUE(typed.ok()) << typed.status();
  ExpectSameTables(*sequential, *typed);
}

TEST(CsvReader, ParallelErrorsAreTheSequentialErrors) {
  std::string text = Generate(5000, 7);
  // Break a value near the end, and a quote in the middle.
  std::string bad_value = text;
  size_t at = bad_value.rfind("true,");
  bad_value.replace(at, 4, "tru3");
  std::string bad_quote = text;
  at = bad_quote.find("note ", bad_quote.size() / 2);
  bad_quote.replace(at, 5, "no\"e ");
  std::string ragged = text;
  at = ragged.find("\nacct-3000,");
  ragged.insert(at + 1, "x,");
  auto good = Read(text, nullptr);
  ASSERT_TRUE(good.ok()) << good.status();
  TableSchema schema = good->schema();
  for (const std::string* t : {&bad_value, &bad_quote, &ragged}) {
    CsvOptions one;
    one.threads = 1;
    std::string expected = ErrorOf(*t, &schema, one);
    ASSERT_NE(expected, "OK");
    for (int threads : {2, 4, 9}) {
      CsvOptions many;
      many.threads = threads;
      many.min_chunk_bytes = 1000;
      EXPECT_EQ(ErrorOf(*t, &schema, many), expected) << threads;
    }
  }
  EXPECT_THAT(ErrorOf(bad_value, &schema), HasSubstr("column active: 'tru3' is not a bool"));
  EXPECT_THAT(ErrorOf(bad_quote, &schema), HasSubstr("double quote inside an unquoted field"));
  EXPECT_THAT(ErrorOf(ragged, &schema), HasSubstr("record has 9 fields, expected 8"));
}

// Random damage (quotes, line ends, NUL, bytes that are not UTF-8, commas)
// never crashes the reader, and the parallel reader reports exactly what the
// sequential one does: the same error, or the same table.
TEST(CsvReader, DamagedInputsParallelEqualsSequential) {
  const std::string clean = Generate(300, 99);
  auto good = Read(clean, nullptr);
  ASSERT_TRUE(good.ok()) << good.status();
  TableSchema schema = good->schema();
  std::mt19937 rng(1234);
  const char damage[] = {'"', '"', ',', '\n', '\r', '\0', '\xff', '\xc3', 'x', '-'};
  for (int round = 0; round < 300; ++round) {
    std::string text = clean;
    int edits = 1 + rng() % 4;
    for (int e = 0; e < edits; ++e) {
      size_t at = rng() % text.size();
      char c = damage[rng() % sizeof(damage)];
      if (rng() % 2) {
        text[at] = c;
      } else {
        text.insert(at, 1, c);
      }
    }
    for (const TableSchema* sch :
         {static_cast<const TableSchema*>(nullptr), static_cast<const TableSchema*>(&schema)}) {
      CsvOptions one;
      one.threads = 1;
      auto a = Read(text, sch, one);
      CsvOptions many;
      many.threads = 2 + round % 5;
      many.min_chunk_bytes = 500;
      auto b = Read(text, sch, many);
      ASSERT_EQ(a.ok(), b.ok()) << round << (a.ok() ? b.status() : a.status());
      if (!a.ok()) {
        ASSERT_EQ(a.status(), b.status()) << round;
      } else {
        ExpectSameTables(*a, *b);
      }
    }
  }
}

// --- Files and directories ------------------------------------------------------

class CsvFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           absl::StrCat("docket_csv_test_", ::getpid(), "_",
                        ::testing::UnitTest::GetInstance()->random_seed());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(CsvFiles, FileTableIsNamedAfterItsStem) {
  std::string path = Write("contacts.csv", "id,name\nc1,Ann\n");
  auto t = ReadCsvFile(path, nullptr);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->name(), "contacts");
  auto missing = ReadCsvFile((dir_ / "nope.csv").string(), nullptr);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(CsvFiles, DirectoryWithSchema) {
  absl::StatusOr<Schema> schema = ParseSchemaYaml(
      "tables:\n"
      "  accounts: {key: id, columns: {id: string, arr: float}}\n"
      "  contacts:\n"
      "    key: id\n"
      "    parent: {table: accounts, via: account_id, as: account}\n"
      "    columns: {id: string, account_id: string}\n",
      "schema.yaml");
  ASSERT_TRUE(schema.ok()) << schema.status();
  Write("accounts.csv", "arr,id\n10.5,a1\n,a2\n");
  Write("notes.csv", "whatever\n");
  auto snap = ReadCsvDirectory(dir_.string(), &*schema);
  ASSERT_FALSE(snap.ok());
  EXPECT_EQ(snap.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(snap.status().message()), HasSubstr("missing file for table 'contacts'"));
  Write("contacts.csv", "id,account_id\nc1,a1\n");
  snap = ReadCsvDirectory(dir_.string(), &*schema);
  ASSERT_TRUE(snap.ok()) << snap.status();
  EXPECT_EQ(snap->tables.size(), 2u);  // notes.csv is not in the schema: ignored.
  EXPECT_EQ(snap->FindTable("accounts")->num_rows(), 2);
  EXPECT_EQ(snap->schema.tables.size(), 2u);
}

TEST_F(CsvFiles, DirectoryWithoutSchema) {
  Write("accounts.csv", "id,arr\na1,1\n");
  Write("tasks.csv", "id,due\nt1,2026-01-01\n");
  Write("readme.txt", "not a table");
  auto snap = ReadCsvDirectory(dir_.string(), nullptr);
  ASSERT_TRUE(snap.ok()) << snap.status();
  EXPECT_EQ(snap->tables.size(), 2u);
  EXPECT_EQ(snap->FindTable("tasks")->column(1).type(), DataType::Date());
  Write("bad.csv", "id,x\n1,\"oops\n");
  snap = ReadCsvDirectory(dir_.string(), nullptr);
  ASSERT_FALSE(snap.ok());
  EXPECT_THAT(std::string(snap.status().message()),
              HasSubstr("bad.csv:2:3: unterminated quoted field"));
}

}  // namespace
}  // namespace docket
