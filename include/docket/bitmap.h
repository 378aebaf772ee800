// docket/bitmap.h — validity and result bitmaps in the Arrow layout.
//
// Bit i of a bitmap lives in byte i / 8 at position i % 8 (least significant
// bit first), exactly as in the Arrow columnar format.  A set validity bit
// means the value is present; a clear bit means NULL.  Result bitmaps use the
// same layout: bit i set means row i is in the list.
//
//   docket::Bitmap bits(1000);          // 1000 clear bits, owned
//   bits.Set(3);
//   bool b = bits.Get(3);               // true
//   int64_t n = bits.CountSet();        // 1
//   docket::BitmapView view = bits.view();
//   bool same = docket::GetBit(view.data(), 3);
#ifndef DOCKET_BITMAP_H_
#define DOCKET_BITMAP_H_

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

namespace docket {

inline bool GetBit(const uint8_t* bits, int64_t i) { return (bits[i >> 3] >> (i & 7)) & 1; }
inline void SetBit(uint8_t* bits, int64_t i) { bits[i >> 3] |= uint8_t(1u << (i & 7)); }
inline void ClearBit(uint8_t* bits, int64_t i) { bits[i >> 3] &= uint8_t(~(1u << (i & 7))); }
inline void SetBitTo(uint8_t* bits, int64_t i, bool v) {
  bits[i >> 3] = uint8_t((bits[i >> 3] & ~(1u << (i & 7))) | (unsigned(v) << (i & 7)));
}
inline int64_t BitmapBytes(int64_t bits) { return (bits + 7) / 8; }

// Number of set bits in [0, length).
int64_t CountSetBits(const uint8_t* bits, int64_t length);

// Calls fn(i) for each set bit i in [begin, end), ascending, 64 bits a word;
// stops early when fn returns false (fn may also return void).  Returns
// whether it reached the end.
//
//   docket::ForEachSetBit(bits.data(), 0, bits.size(), [&](int64_t row) { ... });
template <typename Fn>
bool ForEachSetBit(const uint8_t* bits, int64_t begin, int64_t end, Fn&& fn) {
  int64_t i = begin;
  while (i < end) {
    const int64_t word_start = i & ~int64_t{63};
    uint64_t word = 0;
    const int64_t bytes = std::min<int64_t>(8, BitmapBytes(end) - word_start / 8);
    std::memcpy(&word, bits + word_start / 8, static_cast<size_t>(bytes));
    word &= ~uint64_t{0} << (i - word_start);
    if (end - word_start < 64) word &= (uint64_t{1} << (end - word_start)) - 1;
    while (word != 0) {
      const int64_t row = word_start + __builtin_ctzll(word);
      if constexpr (std::is_same_v<decltype(fn(row)), bool>) {
        if (!fn(row)) return false;
      } else {
        fn(row);
      }
      word &= word - 1;
    }
    i = word_start + 64;
  }
  return true;
}

// A read-only, non-owning view of a bitmap of `size` bits.
class BitmapView {
 public:
  BitmapView() = default;
  BitmapView(const uint8_t* data, int64_t size) : data_(data), size_(size) {}
  const uint8_t* data() const { return data_; }
  int64_t size() const { return size_; }
  bool Get(int64_t i) const { return GetBit(data_, i); }
  int64_t CountSet() const { return CountSetBits(data_, size_); }

 private:
  const uint8_t* data_ = nullptr;
  int64_t size_ = 0;
};

// An owned bitmap; the storage is padded to a multiple of 8 bytes and the
// padding bits are always clear.
class Bitmap {
 public:
  Bitmap() = default;
  explicit Bitmap(int64_t size, bool value = false)
      : bytes_((BitmapBytes(size) + 7) / 8 * 8, value ? 0xFF : 0), size_(size) {
    if (value) ClearPadding();
  }
  int64_t size() const { return size_; }
  // Resizes to `size` bits, all clear, reusing the storage it has.
  void Reset(int64_t size) {
    bytes_.assign(static_cast<size_t>((BitmapBytes(size) + 7) / 8 * 8), 0);
    size_ = size;
  }
  uint8_t* mutable_data() { return bytes_.data(); }
  const uint8_t* data() const { return bytes_.data(); }
  bool Get(int64_t i) const { return GetBit(bytes_.data(), i); }
  void Set(int64_t i) { SetBit(bytes_.data(), i); }
  void Clear(int64_t i) { ClearBit(bytes_.data(), i); }
  void SetTo(int64_t i, bool v) { SetBitTo(bytes_.data(), i, v); }
  int64_t CountSet() const { return CountSetBits(bytes_.data(), size_); }
  BitmapView view() const { return BitmapView(bytes_.data(), size_); }
  // Appends one bit, growing the storage as needed.
  void Append(bool v) {
    if (BitmapBytes(size_ + 1) > static_cast<int64_t>(bytes_.size()))
      bytes_.resize(bytes_.size() * 2 + 8, 0);
    SetBitTo(bytes_.data(), size_, v);
    ++size_;
  }
  void ClearPadding() {
    for (int64_t i = size_; i < static_cast<int64_t>(bytes_.size()) * 8; ++i)
      ClearBit(bytes_.data(), i);
  }
  // Releases the bytes (for building a Column).
  std::vector<uint8_t> Release() && { return std::move(bytes_); }

 private:
  std::vector<uint8_t> bytes_;
  int64_t size_ = 0;
};

}  // namespace docket

#endif  // DOCKET_BITMAP_H_
