// exec/vector.h — the executor's unit of data: a batch of up to kBatch rows.
//
// A BatchValues is the value of one expression for the rows of the current batch:
// `data` points at kBatch values in the physical type of the expression
// (uint8_t bool, int64_t int, double float, std::string_view string,
// int32_t date, int64_t timestamp in microseconds), `valid` at one byte per
// row (1 = present, 0 = NULL) or is nullptr when no row is NULL.  A constant
// BatchValues holds one value at index 0 for every row.  Column values are read in
// place (zero copy); computed values live in Blocks from the BatchEvaluator's pool.
//
// An RowSet set says which rows of the batch must be computed: all `n` rows,
// the rows whose `mask` byte is 1, and — when the set is sparse — the same
// rows listed in `sel` (a selection vector).  Cheap kernels compute every row
// of a dense set (the loop vectorizes and computing a dead row is harmless);
// sparse sets and expensive kernels visit only the selected rows.  Values at
// rows outside the active set are unspecified (but safe to read).
#ifndef DOCKET_EXEC_VECTOR_H_
#define DOCKET_EXEC_VECTOR_H_

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "docket/types.h"

namespace docket::exec {

constexpr int kBatch = 2048;

struct Block {
  explicit Block(int capacity)
      : data(new uint64_t[static_cast<size_t>(capacity) * 2 + 1]),
        valid(new uint8_t[capacity + 8]) {
    std::memset(data.get(), 0, (static_cast<size_t>(capacity) * 2 + 1) * sizeof(uint64_t));
    std::memset(valid.get(), 1, capacity + 8);
  }
  template <typename T>
  T* As() {
    return reinterpret_cast<T*>(data.get());
  }
  std::unique_ptr<uint64_t[]> data;  // 16 bytes per row: room for a string_view.
  std::unique_ptr<uint8_t[]> valid;
  std::string arena;         // Bytes of computed strings.
  std::vector<Block*> deps;  // Blocks whose arenas this block's strings point into.
};

struct BatchValues {
  const void* data = nullptr;
  const uint8_t* valid = nullptr;  // nullptr: no NULL.
  bool is_const = false;
  Block* block = nullptr;  // Storage owned by the holder of this BatchValues (released after use).

  template <typename T>
  const T* As() const {
    return static_cast<const T*>(data);
  }
  bool ValidAt(int i) const { return valid == nullptr || valid[is_const ? 0 : i]; }
};

struct RowSet {
  int n = 0;                      // Rows in the batch.
  const uint8_t* mask = nullptr;  // nullptr: all n rows.
  const uint16_t* sel = nullptr;  // Set when sparse: the rows with mask 1, ascending.
  int count = 0;                  // Number of active rows.
  bool all() const { return mask == nullptr; }
};

// Calls f(i) for every active row (every row of a dense set).  The bounds
// are copied to locals: a kernel writing bytes may alias `a`, and a bound
// reloaded every row keeps the loop from vectorizing.
template <typename F>
inline void ForEach(const RowSet& a, F&& f) {
  const uint16_t* sel = a.sel;
  if (sel != nullptr) {
    const int count = a.count;
    for (int k = 0; k < count; ++k) f(static_cast<int>(sel[k]));
  } else {
    const int n = a.n;
    for (int i = 0; i < n; ++i) f(i);
  }
}

// Calls f(i) for exactly the active rows.
template <typename F>
inline void ForEachExact(const RowSet& a, F&& f) {
  const uint16_t* sel = a.sel;
  const uint8_t* mask = a.mask;
  if (sel != nullptr) {
    const int count = a.count;
    for (int k = 0; k < count; ++k) f(static_cast<int>(sel[k]));
  } else if (mask != nullptr) {
    const int n = a.n;
    for (int i = 0; i < n; ++i) {
      if (mask[i]) f(i);
    }
  } else {
    const int n = a.n;
    for (int i = 0; i < n; ++i) f(i);
  }
}

// Number of active rows for which pred(i) holds.
template <typename P>
inline int64_t CountActive(const RowSet& a, P&& pred) {
  int64_t c = 0;
  if (a.sel != nullptr) {
    for (int k = 0; k < a.count; ++k) c += pred(static_cast<int>(a.sel[k])) ? 1 : 0;
  } else if (a.mask != nullptr) {
    for (int i = 0; i < a.n; ++i) c += (a.mask[i] & (pred(i) ? 1 : 0));
  } else {
    for (int i = 0; i < a.n; ++i) c += pred(i) ? 1 : 0;
  }
  return c;
}

// Value accessors used by kernel templates: Flat reads row i, Scalar row 0.
template <typename T>
struct Flat {
  const T* p;
  T operator[](int i) const { return p[i]; }
};
template <typename T>
struct Scalar {
  T v;
  T operator[](int) const { return v; }
};

// A timestamp in `unit` as microseconds (floor; saturating at the int64 range).
int64_t ToMicros(int64_t v, TimeUnit unit);

// Unpacks bits [start, start + n) of an Arrow bitmap (start % 8 == 0) to bytes.
void UnpackBits(const uint8_t* bits, int64_t start, int n, uint8_t* out);
// Packs n bytes (0/1) into bits at out (n % 8 == 0 or the tail is padded with 0).
void PackBits(const uint8_t* bytes, int n, uint8_t* out);

}  // namespace docket::exec

#endif  // DOCKET_EXEC_VECTOR_H_
