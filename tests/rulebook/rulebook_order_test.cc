// OrderAndLimit (order_by + limit) against a plain stable sort on random
// columns with NULLs, ties, DESC and NULLS FIRST, for every limit shape.
#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "docket/bitmap.h"
#include "docket/builder.h"
#include "docket/table.h"
#include "gtest/gtest.h"
#include "rulebook/rows.h"

namespace docket::rulebook {
namespace {

TEST(OrderAndLimit, MatchesAStableSort) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 60; ++round) {
    const int n = 1 + static_cast<int>(rng() % 300);
    ColumnBuilder i(DataType::Int()), f(DataType::Float()), s(DataType::String()),
        d(DataType::Date());
    ColumnBuilder p(DataType::String(), StringEncoding::kPlain);  // Strings compared in place.
    for (int r = 0; r < n; ++r) {
      (rng() % 5 == 0) ? i.AppendNull() : i.AppendInt(static_cast<int64_t>(rng() % 7) - 3);
      (rng() % 4 == 0) ? f.AppendNull() : f.AppendFloat(static_cast<double>(rng() % 9) / 2 - 2);
      (rng() % 6 == 0) ? s.AppendNull()
                       : s.AppendString(std::string(1, static_cast<char>('a' + rng() % 4)));
      (rng() % 3 == 0) ? d.AppendNull() : d.AppendDate(static_cast<int32_t>(rng() % 5) - 2);
      (rng() % 6 == 0)
          ? p.AppendNull()
          : p.AppendString(std::string(1 + rng() % 2, static_cast<char>('a' + rng() % 4)));
    }
    TableSchema ts;
    ts.name = "t";
    ts.columns = {{"i", DataType::Int(), {}},
                  {"f", DataType::Float(), {}},
                  {"s", DataType::String(), {}},
                  {"d", DataType::Date(), {}},
                  {"p", DataType::String(), {}}};
    auto table =
        Table::Make(ts, {std::move(i).Finish(), std::move(f).Finish(), std::move(s).Finish(),
                         std::move(d).Finish(), std::move(p).Finish()});
    ASSERT_TRUE(table.ok()) << table.status();
    const char* names[] = {"i", "f", "s", "d", "p"};
    std::vector<OrderKey> keys;
    for (int k = 0, nk = 1 + static_cast<int>(rng() % 3); k < nk; ++k) {
      OrderKey key;
      key.column = names[rng() % 5];
      key.descending = rng() % 2;
      key.nulls_first = rng() % 3 == 0;
      keys.push_back(key);
    }
    std::vector<int64_t> rows;
    for (int r = 0; r < n; ++r) {
      if (rng() % 3) rows.push_back(r);
    }
    // Reference: stable sort by the keys, NULLs last unless NULLS FIRST.
    std::vector<int64_t> want = rows;
    std::stable_sort(want.begin(), want.end(), [&](int64_t a, int64_t b) {
      for (const OrderKey& k : keys) {
        Value x = CellValue(*table->FindColumn(k.column), a),
              y = CellValue(*table->FindColumn(k.column), b);
        if (x.is_null() || y.is_null()) {
          if (x.is_null() && y.is_null()) continue;
          return k.nulls_first ? x.is_null() : y.is_null();
        }
        bool lt, gt;
        if (x.type().id == TypeId::kString) {
          lt = x.string_value() < y.string_value();
          gt = y.string_value() < x.string_value();
        } else {
          lt = x.AsDouble() < y.AsDouble();
          gt = y.AsDouble() < x.AsDouble();
        }
        if (lt || gt) return k.descending ? gt : lt;
      }
      return false;
    });
    for (std::optional<int64_t> limit :
         {std::optional<int64_t>(), std::optional<int64_t>(0), std::optional<int64_t>(1),
          std::optional<int64_t>(5), std::optional<int64_t>(static_cast<int64_t>(rows.size()))}) {
      std::vector<int64_t> got = rows;
      OrderAndLimit(*table, keys, limit, &got);
      std::vector<int64_t> expect = want;
      if (limit && *limit < static_cast<int64_t>(expect.size())) expect.resize(*limit);
      ASSERT_EQ(got, expect) << "round " << round;
      // The same rows as a result bitmap, read in place.
      Bitmap bits(n);
      for (int64_t r : rows) bits.Set(r);
      std::vector<int64_t> from_bits;
      OrderAndLimit(*table, keys, limit, bits, static_cast<int64_t>(rows.size()), &from_bits);
      ASSERT_EQ(from_bits, expect) << "round " << round << " (from the bitmap)";
      // No key: the first `limit` matches in row order.
      std::vector<int64_t> unordered;
      OrderAndLimit(*table, {}, limit, bits, static_cast<int64_t>(rows.size()), &unordered);
      std::vector<int64_t> first = rows;
      if (limit && *limit < static_cast<int64_t>(first.size())) first.resize(*limit);
      ASSERT_EQ(unordered, first) << "round " << round << " (no key, from the bitmap)";
    }
  }
}

}  // namespace
}  // namespace docket::rulebook
