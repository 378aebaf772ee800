// String kernels: LIKE / ILIKE and MATCHES (operators), and the string
// functions (calls).
#include <string_view>

#include "exec/kernels.h"
#include "exec/strings.h"
#include "exec/unicode_case.h"
#include "re2/re2.h"

namespace docket::exec {
namespace {

inline size_t CodePointLength(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
  return i + len <= s.size() ? len : s.size() - i;
}

inline char Fold(char c, bool ci) { return ci ? AsciiLower(c) : c; }

}  // namespace

bool LikeMatch(std::string_view s, std::string_view p, bool ci) {
  size_t si = 0, pi = 0;
  size_t star_p = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size()) {
      char c = p[pi];
      if (c == '%') {
        star_p = ++pi;
        star_s = si;
        continue;
      }
      if (c == '_') {
        si += CodePointLength(s, si);
        ++pi;
        continue;
      }
      size_t step = 1;
      if (c == '\\' && pi + 1 < p.size()) {
        c = p[pi + 1];
        step = 2;
      }
      if (Fold(s[si], ci) == Fold(c, ci)) {
        ++si;
        pi += step;
        continue;
      }
    }
    if (star_p != std::string_view::npos) {
      star_s += CodePointLength(s, star_s);
      si = star_s;
      pi = star_p;
      continue;
    }
    return false;
  }
  while (pi < p.size() && p[pi] == '%') ++pi;
  return pi == p.size();
}

BatchValues LikeKernel(BatchEvaluator& f, const plan::Node& n, const BatchValues& x,
                       const BatchValues& pattern, const RowSet& act) {
  Block* blk = f.Acquire();
  if (ConstNull(x) || ConstNull(pattern)) return AllNull(blk, act.n);
  uint8_t* out = blk->As<uint8_t>();
  const bool ci = n.case_insensitive;
  const uint8_t* valid = CombineValid2(x, pattern, act.n, blk->valid.get());
  WithAccess<std::string_view>(x, [&](auto xs) {
    if (n.like != nullptr && pattern.is_const) {
      using Shape = plan::LikePayload::Shape;
      const std::string& lit = n.like->literal;
      // ILIKE over text that is not ASCII folds with Unicode case mapping
      // (the ASCII shapes below would compare bytes).
      const bool ascii_lit = IsAscii(lit);
      const std::string_view p0 = *pattern.As<std::string_view>();
      switch (ci && !ascii_lit ? Shape::kGeneral : n.like->shape) {
        case Shape::kAny:
          ForEach(act, [&](int i) { out[i] = 1; });
          return;
        case Shape::kExact:
          if (ci) {
            ForEachExact(act, [&](int i) {
              out[i] =
                  IsAscii(xs[i]) ? EqualsIgnoreCase(xs[i], lit) : LikeMatchUnicodeCi(xs[i], p0);
            });
          } else {
            ForEachExact(act, [&](int i) { out[i] = xs[i] == lit; });
          }
          return;
        case Shape::kPrefix:
          if (ci) {
            ForEachExact(act, [&](int i) {
              out[i] =
                  IsAscii(xs[i]) ? StartsWithIgnoreCase(xs[i], lit) : LikeMatchUnicodeCi(xs[i], p0);
            });
          } else {
            ForEachExact(act, [&](int i) { out[i] = StartsWith(xs[i], lit); });
          }
          return;
        case Shape::kSuffix:
          if (ci) {
            ForEachExact(act, [&](int i) {
              out[i] =
                  IsAscii(xs[i]) ? EndsWithIgnoreCase(xs[i], lit) : LikeMatchUnicodeCi(xs[i], p0);
            });
          } else {
            ForEachExact(act, [&](int i) { out[i] = EndsWith(xs[i], lit); });
          }
          return;
        case Shape::kContains:
          if (!ci) {
            ForEachExact(act, [&](int i) { out[i] = Contains(xs[i], lit); });
            return;
          }
          break;
        case Shape::kGeneral:
          break;
      }
      std::string_view p = *pattern.As<std::string_view>();
      if (ci) {
        ForEachExact(act, [&](int i) { out[i] = LikeMatchUnicodeCi(xs[i], p); });
      } else {
        ForEachExact(act, [&](int i) { out[i] = LikeMatch(xs[i], p, false); });
      }
      return;
    }
    WithAccess<std::string_view>(pattern, [&](auto ps) {
      ForEachExact(act, [&](int i) {
        out[i] = ci ? LikeMatchUnicodeCi(xs[i], ps[i]) : LikeMatch(xs[i], ps[i], false);
      });
    });
  });
  return BlockVec(blk, valid);
}

BatchValues MatchesKernel(BatchEvaluator& f, const plan::Node& n, const BatchValues& x,
                          const RowSet& act) {
  Block* blk = f.Acquire();
  if (ConstNull(x)) return AllNull(blk, act.n);
  uint8_t* out = blk->As<uint8_t>();
  const BatchValues* vs[1] = {&x};
  const uint8_t* valid = CombineValid(vs, 1, act.n, blk->valid.get());
  const RE2& re = *n.regex;
  WithAccess<std::string_view>(x, [&](auto xs) {
    ForEachExact(act, [&](int i) {
      std::string_view s = xs[i];
      out[i] = RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), re);
    });
  });
  return BlockVec(blk, valid);
}

// ---------------------------------------------------------------------------
// String functions (Op::kCall).  All are strict: CallKernel has handled NULL
// arguments, and in.valid is the AND of the arguments' validity.

namespace {

using plan::Fn;

// A string function into the block's arena: writes the strings of active
// rows, then points the views at them.
template <typename Size, typename Write>
void StringMap(Block* blk, const RowSet& act, Flat<std::string_view> xs, Size size, Write write) {
  std::string_view* out = blk->As<std::string_view>();
  // Rows outside the active set must still be safe to read.
  std::memset(static_cast<void*>(out), 0, sizeof(std::string_view) * static_cast<size_t>(act.n));
  size_t total = 0;
  ForEachExact(act, [&](int i) { total += size(xs[i]); });
  blk->arena.resize(total);
  char* base = blk->arena.data();
  size_t pos = 0;
  ForEachExact(act, [&](int i) {
    size_t len = write(xs[i], base + pos);
    out[i] = std::string_view(base + pos, len);
    pos += len;
  });
}

// lower / upper: Unicode case mapping (exec/unicode_case.h, libutf8proc);
// ASCII stays byte-wise.
template <bool kLower>
BatchValues CaseMap(const CallInput& in) {
  // Constant inputs only reach here in constant mode (one row): read them flat.
  Flat<std::string_view> xs{in.args[0].As<std::string_view>()};
  StringMap(
      in.out, in.act, xs, [](std::string_view s) { return MapCaseBound(s); },
      [](std::string_view s, char* dst) { return MapCase(s, kLower, dst); });
  return in.Result(in.valid);
}

// trim / ltrim / rtrim: ASCII whitespace (or the code points of the second
// argument) from both ends, the start or the end.
template <bool kLeading, bool kTrailing>
BatchValues Trim(const CallInput& in) {
  // Views into the input: no copy needed.
  std::string_view* out = in.out->As<std::string_view>();
  std::memset(static_cast<void*>(out), 0, sizeof(std::string_view) * static_cast<size_t>(in.act.n));
  if (in.nargs == 2) {
    WithAccess2<std::string_view, std::string_view>(in.args[0], in.args[1], [&](auto xs, auto cs) {
      ForEachExact(in.act, [&](int i) { out[i] = StripChars(xs[i], cs[i], kLeading, kTrailing); });
    });
  } else {
    const std::string_view* xs = in.args[0].As<std::string_view>();
    ForEachExact(in.act, [&](int i) { out[i] = StripAsciiWhitespace(xs[i], kLeading, kTrailing); });
  }
  if (in.args[0].block != nullptr) {
    in.out->deps.push_back(in.args[0].block);
    const_cast<BatchValues&>(in.args[0]).block = nullptr;
  }
  return in.Result(in.valid);
}

// UTF-8 code points: the bytes that do not continue a sequence.
BatchValues Length(const CallInput& in) {
  int64_t* out = in.out->As<int64_t>();
  WithAccess<std::string_view>(in.args[0], [&](auto xs) {
    ForEachExact(in.act, [&](int i) {
      std::string_view s = xs[i];
      int64_t c = 0;
      for (char ch : s) c += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
      out[i] = c;
    });
  });
  return in.Result(in.valid);
}

// contains / starts_with / ends_with: (string, string) → bool, bytewise.
template <bool (*kTest)(std::string_view, std::string_view)>
BatchValues StringTest(const CallInput& in) {
  uint8_t* out = in.out->As<uint8_t>();
  WithAccess2<std::string_view, std::string_view>(in.args[0], in.args[1], [&](auto xs, auto ys) {
    ForEachExact(in.act, [&](int i) { out[i] = kTest(xs[i], ys[i]); });
  });
  return in.Result(in.valid);
}

}  // namespace

std::vector<CallKernelEntry> StringFunctionKernels() {
  return {
      {Fn::kLower, CaseMap<true>},
      {Fn::kUpper, CaseMap<false>},
      {Fn::kLength, Length},
      {Fn::kTrim, Trim<true, true>},
      {Fn::kLTrim, Trim<true, false>},
      {Fn::kRTrim, Trim<false, true>},
      {Fn::kContains, StringTest<Contains>},
      {Fn::kStartsWith, StringTest<StartsWith>},
      {Fn::kEndsWith, StringTest<EndsWith>},
  };
}

}  // namespace docket::exec
