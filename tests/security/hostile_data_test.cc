// Hostile CSV data through the C++ API: each case is a one-line error naming
// the file and line (and column where there is one), or an accepted value
// with a documented meaning.  Never a partial table.
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "docket/csv.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace docket {
namespace {

using ::testing::HasSubstr;

TableSchema Accounts() {
  TableSchema t;
  t.name = "accounts";
  t.key = "id";
  t.columns = {{"id", DataType::String(), {}},
               {"n", DataType::Int(), {}},
               {"d", DataType::Date(), {}},
               {"note", DataType::String(), {}}};
  return t;
}

absl::StatusOr<Table> Read(std::string_view text, bool schema = true) {
  static const TableSchema s = Accounts();
  CsvOptions o;
  o.threads = 1;
  o.limits.max_csv_field_bytes = 1000;
  return ReadCsvString(text, "accounts.csv", "accounts", schema ? &s : nullptr, o);
}

// A data error on one line naming the file and the line.
void ExpectDataError(const absl::StatusOr<Table>& t, const std::string& where) {
  ASSERT_FALSE(t.ok()) << "accepted: " << where;
  std::string m(t.status().message());
  EXPECT_TRUE(t.status().code() == absl::StatusCode::kFailedPrecondition ||
              t.status().code() == absl::StatusCode::kResourceExhausted)
      << t.status();
  EXPECT_THAT(m, HasSubstr(where)) << m;
  EXPECT_EQ(m.find('\n'), std::string::npos) << "not one line: " << m;
}

const std::string kHeader = "id,n,d,note\n";

TEST(HostileDataTest, RaggedRows) {
  ExpectDataError(Read(kHeader + "a,1,2026-01-01,x\nb,2\n"), "accounts.csv:3");
  ExpectDataError(Read(kHeader + "a,1,2026-01-01,x,extra\n"), "accounts.csv:2");
}

TEST(HostileDataTest, UnterminatedQuote) {
  ExpectDataError(Read(kHeader + "a,1,2026-01-01,\"never closed\nb,2,2026-01-01,y\n"),
                  "accounts.csv:2");
}

TEST(HostileDataTest, NulBytes) {
  absl::StatusOr<Table> t = Read(kHeader + std::string("a,1,2026-01-01,x\0y\n", 19));
  if (t.ok()) {
    // Accepted: a NUL is a byte of the string like any other (documented in docs/security.md).
    EXPECT_EQ(t->FindColumn("note")->StringAt(0), std::string("x\0y", 3));
  } else {
    ExpectDataError(t, "accounts.csv:2");
  }
  ExpectDataError(Read(kHeader + std::string("a,1\0,2026-01-01,x\n", 18)), "accounts.csv:2");
}

TEST(HostileDataTest, InvalidUtf8) {
  ExpectDataError(Read(kHeader + "a,1,2026-01-01,caf\xc3\n"), "accounts.csv:2");
  ExpectDataError(Read(kHeader + "a,1,2026-01-01,\xff\xfe\n"), "accounts.csv:2");
}

TEST(HostileDataTest, HugeField) {
  ExpectDataError(Read(kHeader + "a,1,2026-01-01," + std::string(5000, 'x') + "\n"),
                  "accounts.csv:2");
}

TEST(HostileDataTest, IntegersPastInt64) {
  ExpectDataError(Read(kHeader + "a,9223372036854775808,2026-01-01,x\n"), "accounts.csv:2");
  ExpectDataError(Read(kHeader + "a,-9223372036854775809,2026-01-01,x\n"), "accounts.csv:2");
  EXPECT_TRUE(Read(kHeader + "a,-9223372036854775808,2026-01-01,x\n").ok());
}

TEST(HostileDataTest, DatesPastYear9999) {
  ExpectDataError(Read(kHeader + "a,1,10000-01-01,x\n"), "accounts.csv:2");
  ExpectDataError(Read(kHeader + "a,1,2026-02-30,x\n"), "accounts.csv:2");
}

TEST(HostileDataTest, DuplicateKeys) {
  absl::StatusOr<Table> t =
      Read(kHeader + "a,1,2026-01-01,x\nb,1,2026-01-01,x\na,2,2026-01-01,y\n");
  ASSERT_FALSE(t.ok());
  EXPECT_THAT(std::string(t.status().message()), HasSubstr("accounts.csv"));
  EXPECT_THAT(std::string(t.status().message()), HasSubstr("'a'"));
}

TEST(HostileDataTest, EmptyFile) {
  ExpectDataError(Read(""), "accounts.csv");
  absl::StatusOr<Table> t = Read(kHeader);  // A header and no rows: an empty table.
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->num_rows(), 0);
}

TEST(HostileDataTest, MissingAndExtraColumns) {
  ExpectDataError(Read("id,n,d\na,1,2026-01-01\n"), "note");
  // A column the schema does not declare is ignored (never parsed, never in
  // the table) and named in the schema's undeclared_columns, from which the
  // CLI and Python warn (io/data_columns.h).
  absl::StatusOr<Table> extra = Read("id,n,d,note,secret\na,1,2026-01-01,x,y\n");
  ASSERT_TRUE(extra.ok()) << extra.status();
  EXPECT_EQ(extra->FindColumn("secret"), nullptr);
  EXPECT_EQ(extra->schema().undeclared_columns, std::vector<std::string>{"secret"});
  ExpectDataError(Read("id,n,n,d,note\na,1,1,2026-01-01,x\n"), "accounts.csv:1");
}

// Found by fuzz_csv: a file without a final line end made the reader read
// one byte past the end of the text (the trailing-blank-line scan tested t[0]
// before t < end; fixed).  The text sits in a buffer of exactly its size, so
// `make sanitize` catches any read past it.
TEST(HostileDataTest, NoFinalNewline) {
  const std::string text = kHeader + "a,1,2026-01-01,x";
  std::unique_ptr<char[]> exact(new char[text.size()]);
  std::memcpy(exact.get(), text.data(), text.size());
  absl::StatusOr<Table> t = Read(std::string_view(exact.get(), text.size()));
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->num_rows(), 1);
  // And with CRLF line ends and blank lines after the last record; a lone CR
  // at the very end is an error (a CR without LF), read without going past it.
  for (const std::string& tail :
       {std::string("\r\n\r\n"), std::string("\n\n\n"), std::string("\r")}) {
    const std::string more = kHeader + "a,1,2026-01-01,x" + tail;
    std::unique_ptr<char[]> buf(new char[more.size()]);
    std::memcpy(buf.get(), more.data(), more.size());
    absl::StatusOr<Table> u = Read(std::string_view(buf.get(), more.size()));
    if (tail == "\r") {
      ASSERT_FALSE(u.ok());
      EXPECT_NE(u.status().message().find("carriage return without a line feed"), std::string::npos)
          << u.status();
      continue;
    }
    ASSERT_TRUE(u.ok()) << u.status();
    EXPECT_EQ(u->num_rows(), 1);
  }
}

}  // namespace
}  // namespace docket
