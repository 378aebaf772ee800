#include "docket/column.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace docket {

namespace {
int64_t CountNulls(const uint8_t* validity, int64_t length) {
  return validity == nullptr ? 0 : length - CountSetBits(validity, length);
}
Buffer Borrow(const void* data, int64_t size, std::shared_ptr<const void> keepalive) {
  return Buffer{static_cast<const uint8_t*>(data), size, std::move(keepalive)};
}
}  // namespace

Column Column::View(DataType type, const void* values, int64_t length, const uint8_t* validity,
                    const std::shared_ptr<const void>& keepalive) {
  Column c;
  c.type_ = type;
  c.length_ = length;
  c.values_ = Borrow(values, length * ValueWidth(type.id), keepalive);
  if (validity != nullptr) c.validity_ = Borrow(validity, BitmapBytes(length), keepalive);
  c.null_count_ = CountNulls(validity, length);
  if (c.null_count_ == 0) c.validity_ = {};
  return c;
}

Column Column::ViewStrings(const int64_t* offsets, const char* chars, int64_t length,
                           const uint8_t* validity, const std::shared_ptr<const void>& keepalive) {
  Column c;
  c.type_ = DataType::String();
  c.length_ = length;
  c.values_ = Borrow(offsets, (length + 1) * 8, keepalive);
  c.chars_ = Borrow(chars, length > 0 ? offsets[length] : 0, keepalive);
  if (validity != nullptr) c.validity_ = Borrow(validity, BitmapBytes(length), keepalive);
  c.null_count_ = CountNulls(validity, length);
  if (c.null_count_ == 0) c.validity_ = {};
  return c;
}

Column Column::ViewDictionary(const int32_t* codes, int64_t length, Column dictionary,
                              const uint8_t* validity,
                              const std::shared_ptr<const void>& keepalive) {
  Column c;
  c.type_ = DataType::String();
  c.length_ = length;
  c.values_ = Borrow(codes, length * 4, keepalive);
  if (validity != nullptr) c.validity_ = Borrow(validity, BitmapBytes(length), keepalive);
  c.null_count_ = CountNulls(validity, length);
  if (c.null_count_ == 0) c.validity_ = {};
  c.dictionary_ = std::make_shared<const Column>(std::move(dictionary));
  return c;
}

Column Column::FromBuffers(DataType type, int64_t length, Buffer values, Buffer validity,
                           Buffer chars, std::shared_ptr<const Column> dictionary) {
  Column c;
  c.type_ = type;
  c.length_ = length;
  c.values_ = std::move(values);
  c.validity_ = std::move(validity);
  c.chars_ = std::move(chars);
  c.dictionary_ = std::move(dictionary);
  c.null_count_ = CountNulls(c.validity_.data, length);
  if (c.null_count_ == 0) c.validity_ = {};
  return c;
}

absl::Status Column::Validate() const {
  if (length_ < 0) return absl::InvalidArgumentError("negative column length");
  if (values_.data == nullptr && length_ > 0 && !(type_.id == TypeId::kString && !dictionary_)) {
    return absl::InvalidArgumentError("column has no values buffer");
  }
  if (type_.id != TypeId::kString) return absl::OkStatus();
  if (dictionary_) {
    if (dictionary_->is_dictionary() || dictionary_->null_count() != 0) {
      return absl::InvalidArgumentError("a dictionary must be a plain string column without NULLs");
    }
    absl::Status inner = dictionary_->Validate();
    if (!inner.ok()) return inner;
    const int32_t* k = codes();
    int64_t n = dictionary_->size();
    for (int64_t i = 0; i < length_; ++i) {
      if (IsNull(i)) continue;
      if (k[i] < 0 || k[i] >= n) {
        return absl::InvalidArgumentError(
            absl::StrCat("dictionary code ", k[i], " at row ", i, " is out of range [0, ", n, ")"));
      }
    }
    return absl::OkStatus();
  }
  const int64_t* o = offsets();
  if (length_ > 0 && o == nullptr)
    return absl::InvalidArgumentError("string column has no offsets");
  if (length_ == 0) return absl::OkStatus();
  if (o[0] < 0) return absl::InvalidArgumentError("string offsets start below zero");
  for (int64_t i = 0; i < length_; ++i) {
    if (o[i + 1] < o[i]) {
      return absl::InvalidArgumentError(absl::StrCat("string offsets decrease at row ", i));
    }
  }
  if (o[length_] > chars_.size) {
    return absl::InvalidArgumentError("string offsets point past the character buffer");
  }
  return absl::OkStatus();
}

int64_t Column::ByteSize() const {
  int64_t n = values_.size + validity_.size + chars_.size;
  if (dictionary_) n += dictionary_->ByteSize();
  return n;
}

}  // namespace docket
