// gen/column_writer.h — append-only column construction tuned for the
// generator's 10,000,000-row tables.
//
// ColumnBuilder (builder.h) is the general tool and hashes every string it
// is given to find dictionary entries.  The generator knows more: its
// identifiers and names are (nearly) unique, so they go straight into a plain
// offsets + bytes column, and every low-cardinality column draws from a fixed
// vocabulary, so it appends the vocabulary index as the dictionary code with
// no hashing at all.  Fixed-width values go into typed vectors reserved up
// front.  Finish() hands the buffers to Column::FromBuffers without copying.
#ifndef DOCKET_GEN_COLUMN_WRITER_H_
#define DOCKET_GEN_COLUMN_WRITER_H_

#include <cassert>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "docket/builder.h"
#include "docket/column.h"
#include "docket/types.h"

namespace docket::gen {

class ColumnWriter {
 public:
  // A plain column of `type`; for strings, plain offsets + bytes.
  explicit ColumnWriter(DataType type) : type_(type) {
    if (type_.id == TypeId::kString) offsets_.push_back(0);
  }
  // A dictionary-encoded string column over a fixed vocabulary; values are
  // appended as their index in `dictionary` (AppendCode).
  explicit ColumnWriter(std::vector<std::string_view> dictionary)
      : type_(DataType::String()), dictionary_(std::move(dictionary)), is_dictionary_(true) {}

  void Reserve(int64_t n) {
    validity_.reserve(static_cast<size_t>((n + 7) / 8 + 8));
    switch (type_.id) {
      case TypeId::kBool:
        bytes_.reserve(static_cast<size_t>(n));
        break;
      case TypeId::kInt:
      case TypeId::kTimestamp:
        wide_.reserve(static_cast<size_t>(n));
        break;
      case TypeId::kFloat:
        doubles_.reserve(static_cast<size_t>(n));
        break;
      case TypeId::kDate:
        narrow_.reserve(static_cast<size_t>(n));
        break;
      case TypeId::kString:
        if (is_dictionary_) {
          narrow_.reserve(static_cast<size_t>(n));
        } else {
          offsets_.reserve(static_cast<size_t>(n + 1));
          chars_.reserve(static_cast<size_t>(n) * 12);
        }
        break;
    }
  }

  void AppendNull() {
    switch (type_.id) {
      case TypeId::kBool:
        bytes_.push_back(0);
        break;
      case TypeId::kInt:
      case TypeId::kTimestamp:
        wide_.push_back(0);
        break;
      case TypeId::kFloat:
        doubles_.push_back(0);
        break;
      case TypeId::kDate:
        narrow_.push_back(0);
        break;
      case TypeId::kString:
        if (is_dictionary_) {
          narrow_.push_back(0);
        } else {
          offsets_.push_back(static_cast<int64_t>(chars_.size()));
        }
        break;
    }
    PushValidity(false);
  }
  void AppendBool(bool v) {
    assert(type_.id == TypeId::kBool);
    bytes_.push_back(v ? 1 : 0);
    PushValidity(true);
  }
  void AppendInt(int64_t v) {
    assert(type_.id == TypeId::kInt);
    wide_.push_back(v);
    PushValidity(true);
  }
  void AppendFloat(double v) {
    assert(type_.id == TypeId::kFloat);
    doubles_.push_back(v);
    PushValidity(true);
  }
  void AppendDate(int32_t days) {
    assert(type_.id == TypeId::kDate);
    narrow_.push_back(days);
    PushValidity(true);
  }
  void AppendTimestamp(int64_t units) {
    assert(type_.id == TypeId::kTimestamp);
    wide_.push_back(units);
    PushValidity(true);
  }
  // Plain string columns only.
  void AppendString(std::string_view v) {
    assert(type_.id == TypeId::kString && !is_dictionary_);
    chars_.insert(chars_.end(), v.begin(), v.end());
    offsets_.push_back(static_cast<int64_t>(chars_.size()));
    PushValidity(true);
  }
  // Dictionary columns only: the value dictionary[code], or NULL for code < 0.
  void AppendCode(int code) {
    assert(is_dictionary_ && code < static_cast<int>(dictionary_.size()));
    if (code < 0) {
      AppendNull();
      return;
    }
    narrow_.push_back(code);
    PushValidity(true);
  }

  int64_t size() const { return length_; }

  // Appends every value of `other` (built with the same type and vocabulary)
  // after this writer's values: how per-thread pieces are joined in order.
  void AppendFrom(ColumnWriter&& other) {
    if (other.length_ % 64 != 0) other.FlushWord(static_cast<int>((other.length_ % 64 + 7) / 8));
    const int64_t n = other.length_;
    switch (type_.id) {
      case TypeId::kBool:
        Concat(bytes_, other.bytes_);
        break;
      case TypeId::kInt:
      case TypeId::kTimestamp:
        Concat(wide_, other.wide_);
        break;
      case TypeId::kFloat:
        Concat(doubles_, other.doubles_);
        break;
      case TypeId::kDate:
        Concat(narrow_, other.narrow_);
        break;
      case TypeId::kString:
        if (is_dictionary_) {
          Concat(narrow_, other.narrow_);
        } else {
          const int64_t base = static_cast<int64_t>(chars_.size());
          Concat(chars_, other.chars_);
          offsets_.reserve(offsets_.size() + static_cast<size_t>(n));
          for (int64_t i = 1; i <= n; ++i) offsets_.push_back(other.offsets_[i] + base);
        }
        break;
    }
    const uint8_t* bits = other.validity_.data();
    for (int64_t i = 0; i < n; ++i) PushValidity((bits[i >> 3] >> (i & 7)) & 1);
    other = ColumnWriter(type_);
  }

  Column Finish() && {
    if ((length_ & 63) != 0) FlushWord(static_cast<int>(((length_ & 63) + 7) / 8));
    Buffer validity = Buffer::Own(std::move(validity_));
    switch (type_.id) {
      case TypeId::kBool:
        return Column::FromBuffers(type_, length_, Buffer::Own(std::move(bytes_)), validity);
      case TypeId::kInt:
      case TypeId::kTimestamp:
        return Column::FromBuffers(type_, length_, Buffer::Own(std::move(wide_)), validity);
      case TypeId::kFloat:
        return Column::FromBuffers(type_, length_, Buffer::Own(std::move(doubles_)), validity);
      case TypeId::kDate:
        return Column::FromBuffers(type_, length_, Buffer::Own(std::move(narrow_)), validity);
      case TypeId::kString:
        break;
    }
    if (!is_dictionary_) {
      return Column::FromBuffers(type_, length_, Buffer::Own(std::move(offsets_)), validity,
                                 Buffer::Own(std::move(chars_)));
    }
    ColumnBuilder dict(DataType::String(), StringEncoding::kPlain);
    for (std::string_view v : dictionary_) dict.AppendString(v);
    if (dictionary_.empty()) dict.AppendString("");
    return Column::FromBuffers(type_, length_, Buffer::Own(std::move(narrow_)), validity, Buffer{},
                               std::make_shared<const Column>(std::move(dict).Finish()));
  }

 private:
  template <typename T>
  static void Concat(std::vector<T>& to, std::vector<T>& from) {
    to.insert(to.end(), from.begin(), from.end());
    std::vector<T>().swap(from);
  }

  // Validity bits gather in a 64-bit word, flushed every 64 values.
  void PushValidity(bool valid) {
    word_ |= uint64_t{valid} << (length_ & 63);
    if ((++length_ & 63) == 0) FlushWord(8);
  }
  void FlushWord(int bytes) {
    for (int i = 0; i < bytes; ++i) validity_.push_back(static_cast<uint8_t>(word_ >> (8 * i)));
    word_ = 0;
  }

  DataType type_;
  std::vector<std::string_view> dictionary_;
  bool is_dictionary_ = false;
  int64_t length_ = 0;
  uint64_t word_ = 0;
  std::vector<uint8_t> validity_;
  std::vector<uint8_t> bytes_;
  std::vector<int64_t> wide_;
  std::vector<double> doubles_;
  std::vector<int32_t> narrow_;  // Dates and dictionary codes.
  std::vector<int64_t> offsets_;
  std::vector<char> chars_;
};

}  // namespace docket::gen

#endif  // DOCKET_GEN_COLUMN_WRITER_H_
