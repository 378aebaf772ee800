#include "docket/builder.h"

#include <cassert>
#include <cstring>
#include <string>

namespace docket {

ColumnBuilder::ColumnBuilder(DataType type, StringEncoding encoding)
    : type_(type), encoding_(encoding) {
  if (type_.id == TypeId::kString) {
    offsets_.push_back(0);
    dict_offsets_.push_back(0);
  }
}

void ColumnBuilder::Reserve(int64_t n) {
  if (type_.id == TypeId::kString) {
    codes_.reserve(n);
  } else {
    fixed_.reserve(n * ValueWidth(type_.id));
  }
}

void ColumnBuilder::AppendValidity(bool valid) {
  if (!valid) {
    if (null_count_ == 0) {
      // First NULL: materialize the bitmap with every earlier value valid.
      validity_ = Bitmap(0);
      for (int64_t i = 0; i < length_; ++i) validity_.Append(true);
    }
    ++null_count_;
  }
  if (null_count_ > 0) validity_.Append(valid);
  ++length_;
}

namespace {
template <typename T>
void PushRaw(std::vector<uint8_t>& out, T v) {
  size_t at = out.size();
  out.resize(at + sizeof(T));
  std::memcpy(out.data() + at, &v, sizeof(T));
}
}  // namespace

void ColumnBuilder::AppendNull() {
  switch (type_.id) {
    case TypeId::kBool:
      PushRaw<uint8_t>(fixed_, 0);
      break;
    case TypeId::kInt:
      PushRaw<int64_t>(fixed_, 0);
      break;
    case TypeId::kFloat:
      PushRaw<double>(fixed_, 0.0);
      break;
    case TypeId::kDate:
      PushRaw<int32_t>(fixed_, 0);
      break;
    case TypeId::kTimestamp:
      PushRaw<int64_t>(fixed_, 0);
      break;
    case TypeId::kString:
      if (encoding_ == StringEncoding::kPlain) {
        offsets_.push_back(static_cast<int64_t>(chars_.size()));
      } else {
        codes_.push_back(-1);  // Resolved at Finish().
      }
      break;
  }
  AppendValidity(false);
}

void ColumnBuilder::AppendBool(bool v) {
  assert(type_.id == TypeId::kBool);
  PushRaw<uint8_t>(fixed_, v ? 1 : 0);
  AppendValidity(true);
}
void ColumnBuilder::AppendInt(int64_t v) {
  assert(type_.id == TypeId::kInt);
  PushRaw<int64_t>(fixed_, v);
  AppendValidity(true);
}
void ColumnBuilder::AppendFloat(double v) {
  assert(type_.id == TypeId::kFloat);
  PushRaw<double>(fixed_, v);
  AppendValidity(true);
}
void ColumnBuilder::AppendDate(int32_t v) {
  assert(type_.id == TypeId::kDate);
  PushRaw<int32_t>(fixed_, v);
  AppendValidity(true);
}
void ColumnBuilder::AppendTimestamp(int64_t v) {
  assert(type_.id == TypeId::kTimestamp);
  PushRaw<int64_t>(fixed_, v);
  AppendValidity(true);
}

void ColumnBuilder::AppendString(std::string_view v) {
  assert(type_.id == TypeId::kString);
  if (encoding_ == StringEncoding::kPlain) {
    // Forced plain: append the bytes directly, no dictionary lookups.
    chars_.insert(chars_.end(), v.begin(), v.end());
    offsets_.push_back(static_cast<int64_t>(chars_.size()));
    AppendValidity(true);
    return;
  }
  auto it = dict_index_.find(absl::string_view(v.data(), v.size()));
  int32_t code;
  if (it != dict_index_.end()) {
    code = it->second;
  } else {
    code = static_cast<int32_t>(dict_index_.size());
    dict_index_.emplace(std::string(v), code);
    dict_chars_.insert(dict_chars_.end(), v.begin(), v.end());
    dict_offsets_.push_back(static_cast<int64_t>(dict_chars_.size()));
  }
  codes_.push_back(code);
  AppendValidity(true);
}

Column ColumnBuilder::Finish() && {
  Buffer validity;
  if (null_count_ > 0) {
    std::vector<uint8_t> bytes = std::move(validity_).Release();
    validity = Buffer::Own(std::move(bytes));
  }
  if (type_.id != TypeId::kString) {
    int64_t bytes = static_cast<int64_t>(fixed_.size());
    Buffer values = Buffer::Own(std::move(fixed_));
    values.size = bytes;
    return Column::FromBuffers(type_, length_, std::move(values), std::move(validity));
  }
  if (encoding_ == StringEncoding::kPlain) {
    return Column::FromBuffers(type_, length_, Buffer::Own(std::move(offsets_)),
                               std::move(validity), Buffer::Own(std::move(chars_)));
  }
  // NULL slots get code 0 (a safe index) when a dictionary exists.
  int64_t distinct = static_cast<int64_t>(dict_index_.size());
  bool dictionary = encoding_ == StringEncoding::kDictionary ||
                    (encoding_ == StringEncoding::kAuto && distinct * 2 <= length_);
  if (dictionary) {
    if (distinct == 0) {
      // All NULL (or empty): give the dictionary one empty entry so codes stay valid.
      dict_offsets_.push_back(0);
    }
    for (int32_t& c : codes_) {
      if (c < 0) c = 0;
    }
    // Read the size before the offsets are moved away (argument order is unspecified).
    const int64_t dict_size = static_cast<int64_t>(dict_offsets_.size()) - 1;
    Column dict =
        Column::FromBuffers(DataType::String(), dict_size, Buffer::Own(std::move(dict_offsets_)),
                            Buffer{}, Buffer::Own(std::move(dict_chars_)));
    return Column::FromBuffers(type_, length_, Buffer::Own(std::move(codes_)), std::move(validity),
                               Buffer{}, std::make_shared<const Column>(std::move(dict)));
  }
  // Plain: expand codes into offsets + bytes.
  std::vector<int64_t> offsets;
  offsets.reserve(length_ + 1);
  offsets.push_back(0);
  std::vector<char> chars;
  for (int32_t c : codes_) {
    if (c >= 0) {
      chars.insert(chars.end(), dict_chars_.begin() + dict_offsets_[c],
                   dict_chars_.begin() + dict_offsets_[c + 1]);
    }
    offsets.push_back(static_cast<int64_t>(chars.size()));
  }
  return Column::FromBuffers(type_, length_, Buffer::Own(std::move(offsets)), std::move(validity),
                             Buffer::Own(std::move(chars)));
}

}  // namespace docket
