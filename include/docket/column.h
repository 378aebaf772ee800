// docket/column.h — an immutable, typed column of values with an optional
// validity bitmap, laid out as in the Arrow columnar format.
//
// A Column is a cheap-to-copy handle (shared ownership of its buffers).  It
// either owns its buffers (built by ColumnBuilder, see builder.h) or views
// buffers that belong to the caller, kept alive by an optional `keepalive`
// handle — that is how numpy arrays and pandas frames are used without a copy.
//
//   // View caller-owned memory without copying (the caller keeps `ages` alive):
//   std::vector<int64_t> ages = {31, 45, 27};
//   docket::Column c = docket::Column::View(docket::DataType::Int(), ages.data(),
//                                           ages.size());
//   c.Values<int64_t>()[1];     // 45
//   c.IsNull(1);                // false
//
//   // Strings are plain (offsets + bytes) or dictionary-encoded (codes + a
//   // plain dictionary).  StringAt() reads either:
//   c.StringAt(i);              // std::string_view, valid while the column lives
//
// Physical layout per type (see types.h): the values buffer holds uint8_t
// (bool), int64_t (int), double (float), int32_t (date), int64_t (timestamp,
// in the column's TimeUnit) or int32_t codes (dictionary string).  A plain
// string column has int64_t offsets (size + 1 entries) and a byte buffer.
// The value under a NULL is unspecified but always safe to read (a valid
// dictionary code, offsets that do not decrease), so kernels may compute over
// every slot and fix NULLs from the validity bitmap afterwards.
//
// Columns are immutable: any number of threads may read one at once.
#ifndef DOCKET_COLUMN_H_
#define DOCKET_COLUMN_H_

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "docket/bitmap.h"
#include "docket/types.h"

namespace docket {

// A contiguous region of memory and the handle that keeps it alive.
struct Buffer {
  const uint8_t* data = nullptr;
  int64_t size = 0;                   // In bytes.
  std::shared_ptr<const void> owner;  // Null for memory the caller keeps alive.

  template <typename T>
  static Buffer Own(std::vector<T> v) {
    auto holder = std::make_shared<std::vector<T>>(std::move(v));
    return Buffer{reinterpret_cast<const uint8_t*>(holder->data()),
                  static_cast<int64_t>(holder->size() * sizeof(T)), holder};
  }
};

class Column {
 public:
  Column() = default;

  // A zero-copy view of `length` fixed-width values (not for strings).
  // `validity`, when given, is an Arrow bitmap of at least `length` bits.
  // `keepalive` is held for the life of the column and every copy of it.
  static Column View(DataType type, const void* values, int64_t length,
                     const uint8_t* validity = nullptr,
                     const std::shared_ptr<const void>& keepalive = nullptr);

  // A zero-copy view of a plain string column: `offsets` has length + 1
  // non-decreasing int64 entries into `chars`.
  static Column ViewStrings(const int64_t* offsets, const char* chars, int64_t length,
                            const uint8_t* validity = nullptr,
                            const std::shared_ptr<const void>& keepalive = nullptr);

  // A dictionary-encoded string column: int32 `codes` index `dictionary`, a
  // plain string column without NULLs.  Codes under NULL slots may be
  // anything; the others must be in range (checked by Validate()).
  static Column ViewDictionary(const int32_t* codes, int64_t length, Column dictionary,
                               const uint8_t* validity = nullptr,
                               const std::shared_ptr<const void>& keepalive = nullptr);

  // Builds from owned buffers (used by builders and readers).
  static Column FromBuffers(DataType type, int64_t length, Buffer values, Buffer validity,
                            Buffer chars = {}, std::shared_ptr<const Column> dictionary = nullptr);

  // Checks the invariants a view cannot check cheaply at construction:
  // offsets monotone and in range, dictionary codes in range, UTF-8 is not
  // checked here.  Readers and bindings call this on untrusted input.
  absl::Status Validate() const;

  DataType type() const { return type_; }
  TypeId type_id() const { return type_.id; }
  int64_t size() const { return length_; }
  bool empty() const { return length_ == 0; }

  // NULL handling.  validity() is nullptr when no value is NULL.
  const uint8_t* validity() const { return validity_.data; }
  int64_t null_count() const { return null_count_; }
  bool IsNull(int64_t i) const { return validity_.data != nullptr && !GetBit(validity_.data, i); }
  bool IsValid(int64_t i) const { return !IsNull(i); }

  // The values buffer as T (see the layout table above).
  template <typename T>
  const T* Values() const {
    return reinterpret_cast<const T*>(values_.data);
  }

  // Strings.
  bool is_dictionary() const { return dictionary_ != nullptr; }
  const Column& dictionary() const { return *dictionary_; }  // Requires is_dictionary().
  const std::shared_ptr<const Column>& dictionary_ptr() const { return dictionary_; }
  const int32_t* codes() const { return Values<int32_t>(); }    // Requires is_dictionary().
  const int64_t* offsets() const { return Values<int64_t>(); }  // Requires plain string.
  const char* chars() const { return reinterpret_cast<const char*>(chars_.data); }
  // The string at row i, plain or dictionary; "" under NULL.
  std::string_view StringAt(int64_t i) const {
    if (dictionary_) return dictionary_->StringAt(codes()[i]);
    const int64_t* o = offsets();
    return std::string_view(chars() + o[i], static_cast<size_t>(o[i + 1] - o[i]));
  }

  // Bytes the values (and validity, chars) of this column occupy: what a
  // kernel must stream to read it once.
  int64_t ByteSize() const;

  const Buffer& values_buffer() const { return values_; }
  const Buffer& validity_buffer() const { return validity_; }
  const Buffer& chars_buffer() const { return chars_; }

 private:
  DataType type_ = DataType::Bool();
  int64_t length_ = 0;
  int64_t null_count_ = 0;
  Buffer values_;
  Buffer validity_;
  Buffer chars_;
  std::shared_ptr<const Column> dictionary_;
};

}  // namespace docket

#endif  // DOCKET_COLUMN_H_
