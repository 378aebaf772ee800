// docket/builder.h — building owned columns value by value.
//
//   docket::ColumnBuilder b(docket::DataType::Int());
//   b.AppendInt(7);
//   b.AppendNull();
//   docket::Column c = std::move(b).Finish();   // size 2, null_count 1
//
//   docket::ColumnBuilder s(docket::DataType::String());
//   s.AppendString("red");
//   s.AppendString("green");
//   s.AppendString("red");
//   docket::Column pulse = std::move(s).Finish();  // dictionary-encoded when it pays
//
// A string builder dictionary-encodes as it goes and, at Finish(), keeps the
// dictionary when it has at most half as many entries as rows (it "pays"),
// otherwise it emits a plain string column.  StringEncoding forces either.
// Appending the wrong kind of value for the builder's type is a programming
// error (checked with assert in debug builds).
#ifndef DOCKET_BUILDER_H_
#define DOCKET_BUILDER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "docket/bitmap.h"
#include "docket/column.h"
#include "docket/types.h"

namespace docket {

enum class StringEncoding { kAuto, kPlain, kDictionary };

class ColumnBuilder {
 public:
  explicit ColumnBuilder(DataType type, StringEncoding encoding = StringEncoding::kAuto);
  ColumnBuilder(ColumnBuilder&&) = default;
  ColumnBuilder& operator=(ColumnBuilder&&) = default;

  void Reserve(int64_t n);
  void AppendNull();
  void AppendBool(bool v);
  void AppendInt(int64_t v);
  void AppendFloat(double v);
  void AppendString(std::string_view v);
  void AppendDate(int32_t days_since_epoch);
  void AppendTimestamp(int64_t units_since_epoch);  // In the builder type's unit.

  DataType type() const { return type_; }
  int64_t size() const { return length_; }
  Column Finish() &&;

 private:
  void AppendValidity(bool valid);
  DataType type_;
  StringEncoding encoding_;
  int64_t length_ = 0;
  int64_t null_count_ = 0;
  Bitmap validity_;               // Materialized lazily on the first NULL.
  std::vector<uint8_t> fixed_;    // Fixed-width values (and dictionary codes).
  std::vector<char> chars_;       // Plain strings: bytes.
  std::vector<int64_t> offsets_;  // Plain strings: offsets.
  // Dictionary strings: distinct values in first-seen order and their codes.
  std::vector<int64_t> dict_offsets_;
  std::vector<char> dict_chars_;
  absl::flat_hash_map<std::string, int32_t> dict_index_;
  std::vector<int32_t> codes_;
};

}  // namespace docket

#endif  // DOCKET_BUILDER_H_
