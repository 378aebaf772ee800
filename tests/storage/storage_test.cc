// Columns, bitmaps, dictionaries, builders, tables, schemas and error formatting.
#include <cstdint>
#include <vector>

#include "docket/bitmap.h"
#include "docket/builder.h"
#include "docket/column.h"
#include "docket/error.h"
#include "docket/schema.h"
#include "docket/table.h"
#include "docket/value.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace docket {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(Bitmap, ArrowLayoutIsLsbFirst) {
  Bitmap b(20);
  b.Set(0);
  b.Set(9);
  EXPECT_EQ(b.data()[0], 0x01);
  EXPECT_EQ(b.data()[1], 0x02);
  EXPECT_EQ(b.CountSet(), 2);
  b.SetTo(9, false);
  EXPECT_FALSE(b.Get(9));
  EXPECT_EQ(b.CountSet(), 1);
}

TEST(Bitmap, AllSetKeepsPaddingClear) {
  Bitmap b(70, true);
  EXPECT_EQ(b.CountSet(), 70);
  EXPECT_EQ(CountSetBits(b.data(), 72), 70);  // Bits 70 and 71 are padding.
}

TEST(Bitmap, CountAcrossWordBoundaries) {
  Bitmap b(200);
  for (int i = 0; i < 200; i += 3) b.Set(i);
  EXPECT_EQ(b.CountSet(), 67);
  EXPECT_EQ(CountSetBits(b.data(), 64), 22);
}

TEST(ColumnBuilder, IntWithNulls) {
  ColumnBuilder b(DataType::Int());
  b.AppendInt(7);
  b.AppendInt(8);
  b.AppendNull();
  b.AppendInt(-1);
  Column c = std::move(b).Finish();
  ASSERT_EQ(c.size(), 4);
  EXPECT_EQ(c.null_count(), 1);
  EXPECT_TRUE(c.IsNull(2));
  EXPECT_FALSE(c.IsNull(0));
  EXPECT_EQ(c.Values<int64_t>()[3], -1);
  EXPECT_EQ(c.Values<int64_t>()[2], 0);  // Safe value under NULL.
}

TEST(ColumnBuilder, NoNullsMeansNoValidityBitmap) {
  ColumnBuilder b(DataType::Date());
  b.AppendDate(1);
  b.AppendDate(2);
  Column c = std::move(b).Finish();
  EXPECT_EQ(c.validity(), nullptr);
  EXPECT_EQ(c.Values<int32_t>()[1], 2);
}

TEST(ColumnBuilder, LowCardinalityStringsAreDictionaryEncoded) {
  ColumnBuilder b(DataType::String());
  for (int i = 0; i < 10; ++i) b.AppendString(i % 2 ? "red" : "green");
  b.AppendNull();
  Column c = std::move(b).Finish();
  ASSERT_TRUE(c.is_dictionary());
  EXPECT_EQ(c.dictionary().size(), 2);
  EXPECT_EQ(c.dictionary().StringAt(1), "red");
  EXPECT_EQ(c.StringAt(1), "red");
  EXPECT_EQ(c.StringAt(0), "green");
  EXPECT_TRUE(c.IsNull(10));
  EXPECT_EQ(c.codes()[10], 0);  // NULL slots hold a valid code.
  EXPECT_TRUE(c.Validate().ok());
}

TEST(ColumnBuilder, HighCardinalityStringsArePlain) {
  ColumnBuilder b(DataType::String());
  b.AppendString("a");
  b.AppendString("");
  b.AppendString("Ünal GmbH");
  b.AppendNull();
  Column c = std::move(b).Finish();
  ASSERT_FALSE(c.is_dictionary());
  EXPECT_EQ(c.StringAt(0), "a");
  EXPECT_EQ(c.StringAt(1), "");
  EXPECT_EQ(c.StringAt(2), "Ünal GmbH");
  EXPECT_EQ(c.StringAt(3), "");
  EXPECT_TRUE(c.IsNull(3));
  EXPECT_FALSE(c.IsNull(1));  // The empty string is not NULL.
  EXPECT_TRUE(c.Validate().ok());
}

TEST(ColumnBuilder, ForcedEncodings) {
  ColumnBuilder d(DataType::String(), StringEncoding::kDictionary);
  d.AppendString("x");
  EXPECT_TRUE(std::move(d).Finish().is_dictionary());
  ColumnBuilder p(DataType::String(), StringEncoding::kPlain);
  for (int i = 0; i < 10; ++i) p.AppendString("same");
  Column c = std::move(p).Finish();
  EXPECT_FALSE(c.is_dictionary());
  EXPECT_EQ(c.StringAt(9), "same");
  ColumnBuilder q(DataType::String(), StringEncoding::kPlain);
  q.AppendString("a");
  q.AppendNull();
  q.AppendString("bc");
  Column c2 = std::move(q).Finish();
  EXPECT_TRUE(c2.IsNull(1));
  EXPECT_EQ(c2.StringAt(2), "bc");
  EXPECT_TRUE(c2.Validate().ok());
}

TEST(ColumnBuilder, AllNullDictionaryStillHasValidCodes) {
  ColumnBuilder b(DataType::String(), StringEncoding::kDictionary);
  b.AppendNull();
  b.AppendNull();
  Column c = std::move(b).Finish();
  EXPECT_EQ(c.null_count(), 2);
  EXPECT_TRUE(c.Validate().ok());
}

TEST(Column, ViewDoesNotCopy) {
  std::vector<int64_t> data = {1, 2, 3};
  uint8_t validity = 0b101;
  Column c = Column::View(DataType::Int(), data.data(), 3, &validity);
  EXPECT_EQ(c.Values<int64_t>(), data.data());
  EXPECT_TRUE(c.IsNull(1));
  EXPECT_EQ(c.null_count(), 1);
  data[2] = 42;
  EXPECT_EQ(c.Values<int64_t>()[2], 42);
}

TEST(Column, ViewKeepsOwnerAlive) {
  auto owner = std::make_shared<std::vector<double>>(std::vector<double>{1.5, 2.5});
  Column c = Column::View(DataType::Float(), owner->data(), 2, nullptr, owner);
  std::weak_ptr<std::vector<double>> weak = owner;
  owner.reset();
  EXPECT_FALSE(weak.expired());
  EXPECT_EQ(c.Values<double>()[1], 2.5);
  c = Column();
  EXPECT_TRUE(weak.expired());
}

TEST(Column, ValidateRejectsBadDictionaryCodes) {
  std::vector<int64_t> offsets = {0, 1, 2};
  std::string chars = "ab";
  Column dict = Column::ViewStrings(offsets.data(), chars.data(), 2);
  std::vector<int32_t> codes = {0, 5};
  Column c = Column::ViewDictionary(codes.data(), 2, dict);
  absl::Status s = c.Validate();
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("code 5 at row 1"));
}

TEST(Column, ValidateRejectsDecreasingOffsets) {
  std::vector<int64_t> offsets = {0, 2, 1};
  std::string chars = "ab";
  Column c = Column::ViewStrings(offsets.data(), chars.data(), 2);
  EXPECT_THAT(c.Validate().message(), HasSubstr("decrease at row 1"));
}

TableSchema AccountsSchema() {
  TableSchema t;
  t.name = "accounts";
  t.key = "id";
  t.columns = {{"id", DataType::String(), {}}, {"arr", DataType::Float(), {}}};
  return t;
}

Column Strings(std::vector<std::string> v) {
  ColumnBuilder b(DataType::String());
  for (auto& s : v) b.AppendString(s);
  return std::move(b).Finish();
}
Column Floats(std::vector<double> v) {
  ColumnBuilder b(DataType::Float());
  for (double d : v) b.AppendFloat(d);
  return std::move(b).Finish();
}

TEST(Table, MakeChecksTypesLengthsAndKeys) {
  auto ok = Table::Make(AccountsSchema(), {Strings({"a", "b"}), Floats({1, 2})});
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->num_rows(), 2);
  EXPECT_NE(ok->key_column(), nullptr);
  EXPECT_EQ(ok->FindColumn("arr")->Values<double>()[1], 2);

  auto len = Table::Make(AccountsSchema(), {Strings({"a", "b"}), Floats({1})});
  EXPECT_THAT(len.status().message(), HasSubstr("'arr' has 1 rows, expected 2"));

  auto type = Table::Make(AccountsSchema(), {Strings({"a"}), Strings({"x"})});
  EXPECT_THAT(type.status().message(), HasSubstr("'arr' is string, the schema says float"));

  auto dup = Table::Make(AccountsSchema(), {Strings({"a", "b", "a"}), Floats({1, 2, 3})});
  EXPECT_EQ(dup.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(
      std::string(dup.status().message()),
      StartsWith("duplicate key 'a' in column id of table accounts at row 2 (first on row 0) — "));
}

TEST(Table, NullKeyIsAnError) {
  ColumnBuilder ids(DataType::String());
  ids.AppendString("a");
  ids.AppendNull();
  auto t = Table::Make(AccountsSchema(), {std::move(ids).Finish(), Floats({1, 2})});
  EXPECT_THAT(std::string(t.status().message()),
              StartsWith("NULL key in column id of table accounts at row 1 — "));
}

TEST(Snapshot, AddAndFind) {
  Snapshot snap;
  ASSERT_TRUE(snap.AddTable(*Table::Make(AccountsSchema(), {Strings({"a"}), Floats({1})})).ok());
  EXPECT_NE(snap.FindTable("accounts"), nullptr);
  EXPECT_NE(snap.schema.FindTable("accounts"), nullptr);
  EXPECT_EQ(snap.FindTable("contacts"), nullptr);
  EXPECT_FALSE(snap.AddTable(*Table::Make(AccountsSchema(), {Strings({"a"}), Floats({1})})).ok());
}

TEST(Schema, ValidateParentRelations) {
  Schema s;
  s.tables.push_back(AccountsSchema());
  TableSchema contacts;
  contacts.name = "contacts";
  contacts.key = "id";
  contacts.columns = {{"id", DataType::String(), {}}, {"account_id", DataType::String(), {}}};
  contacts.parent = ParentRelation{"acounts", "account_id", "account", {"rb.yaml", 7, 13}};
  s.tables.push_back(contacts);
  absl::Status st = s.Validate();
  EXPECT_THAT(st.message(),
              HasSubstr("rb.yaml:7:13: table 'contacts': parent table 'acounts' is not declared"));
  EXPECT_THAT(st.message(), HasSubstr("did you mean 'accounts'?"));
  s.tables[1].parent->table = "accounts";
  EXPECT_TRUE(s.Validate().ok()) << s.Validate();
  s.tables[1].parent->via = "acount_id";
  EXPECT_THAT(s.Validate().message(), HasSubstr("did you mean 'account_id'?"));
  s.tables[1].parent->via = "account_id";
  s.tables[1].columns[1].type = DataType::Int();
  EXPECT_THAT(s.Validate().message(),
              HasSubstr("'account_id' is int but the key of 'accounts' is string"));
}

TEST(Schema, OwnerMustBeAStringColumn) {
  Schema s;
  s.tables.push_back(AccountsSchema());
  s.tables[0].owner = "arr";
  EXPECT_THAT(s.Validate().message(), HasSubstr("owner column 'arr' is float, not string"));
}

TEST(Error, FormatsLocationHintAndCaret) {
  ErrorDetail d;
  d.location = {"rules.yaml", 14, 9};
  d.message = "unknown column 'pluse'";
  d.hint = "did you mean 'pulse'?";
  d.source_line = "  when: pluse IS NULL";
  d.span = 5;
  absl::Status s = MakeError(d);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "rules.yaml:14:9: unknown column 'pluse' — did you mean 'pulse'?\n"
            "    when: pluse IS NULL\n"
            "          ^~~~~");
  std::optional<ErrorDetail> back = GetErrorDetail(s);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->location.line, 14);
  EXPECT_EQ(back->location.column, 9);
  EXPECT_EQ(back->hint, "did you mean 'pulse'?");
  EXPECT_EQ(back->span, 5);
}

TEST(Error, KindsMapToCodes) {
  EXPECT_EQ(DataError({"a.csv", 3, 0}, "bad").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(DataError({"a.csv", 3, 0}, "bad").message(), "a.csv:3:0: bad");
  EXPECT_EQ(UsageError("no").code(), absl::StatusCode::kInvalidArgument);
  absl::Status l = LimitError({}, "max_expression_depth", 256, "expression nests too deeply");
  EXPECT_EQ(l.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(l.message(), HasSubstr("max_expression_depth = 256"));
}

TEST(Error, ClosestMatch) {
  EXPECT_EQ(ClosestMatch("pluse", {"pulse", "arr", "name"}), "pulse");
  EXPECT_EQ(ClosestMatch("days_sinse", {"days_since", "days_until"}), "days_since");
  EXPECT_EQ(ClosestMatch("zzzzzz", {"pulse", "arr"}), "");
  EXPECT_EQ(ClosestMatch("onwer", {"owner", "key"}), "owner");  // A swap is one edit.
}

TEST(Value, Formatting) {
  EXPECT_EQ(Value::Date(absl::CivilDay(2026, 11, 22)).ToString(), "2026-11-22");
  EXPECT_EQ(Value::Date(absl::CivilDay(1970, 1, 1)).int_value(), 0);
  EXPECT_EQ(Value::Date(absl::CivilDay(1969, 12, 31)).int_value(), -1);
  EXPECT_EQ(Value::Float(0.1).ToString(), "0.1");
  EXPECT_EQ(Value::Float(3).ToString(), "3.0");
  EXPECT_EQ(Value::Timestamp(1500, TimeUnit::kMilli).ToString(), "1970-01-01T00:00:01.500Z");
  EXPECT_EQ(Value::Timestamp(-1, TimeUnit::kSecond).ToString(), "1969-12-31T23:59:59Z");
  EXPECT_EQ(Value::String("a\"b\n").ToJson(), "\"a\\\"b\\n\"");
  EXPECT_EQ(Value::Null(DataType::Int()).ToJson(), "null");
  EXPECT_EQ(Value::Null(DataType::Int()).ToString(), "NULL");
}

TEST(Types, ParseAndPrint) {
  EXPECT_EQ(*ParseDataType("timestamp[ms]"), DataType::Timestamp(TimeUnit::kMilli));
  EXPECT_EQ(ParseDataType("Integer")->id, TypeId::kInt);
  EXPECT_EQ(DataType::Timestamp(TimeUnit::kNano).ToString(), "timestamp[ns]");
  EXPECT_EQ(DataType::Timestamp().ToString(), "timestamp");
  absl::StatusOr<DataType> bad = ParseDataType("strng");
  EXPECT_THAT(bad.status().message(), HasSubstr("did you mean 'string'?"));
}

}  // namespace
}  // namespace docket
