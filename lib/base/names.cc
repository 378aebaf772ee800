#include "base/names.h"

#include <algorithm>

namespace docket::base {
namespace {

constexpr size_t kMaxComparedLength = 64;  // Longer names are never "close": bounded work.

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// Twice the optimal-string-alignment distance (so a case-only change costs 1).
int Distance2(std::string_view a, std::string_view b) {
  const size_t n = a.size(), m = b.size();
  std::vector<int> d((n + 1) * (m + 1));
  auto at = [&](size_t i, size_t j) -> int& { return d[i * (m + 1) + j]; };
  for (size_t i = 0; i <= n; ++i) at(i, 0) = static_cast<int>(2 * i);
  for (size_t j = 0; j <= m; ++j) at(0, j) = static_cast<int>(2 * j);
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      int sub = a[i - 1] == b[j - 1] ? 0 : Lower(a[i - 1]) == Lower(b[j - 1]) ? 1 : 2;
      int v = std::min({at(i - 1, j) + 2, at(i, j - 1) + 2, at(i - 1, j - 1) + sub});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        v = std::min(v, at(i - 2, j - 2) + 2);
      at(i, j) = v;
    }
  }
  return at(n, m);
}

}  // namespace

bool IsIdentifier(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    bool ok = c == '_' || c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::string ClosestName(std::string_view name, const std::vector<std::string>& candidates) {
  if (name.size() > kMaxComparedLength) return "";
  std::string best;
  int best_d = 1 << 30;
  for (const std::string& c : candidates) {
    if (c.size() > kMaxComparedLength || c == name) continue;
    int d = Distance2(name, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  int allowed = 2 * std::max<int>(1, static_cast<int>(name.size()) / 3);
  return best_d <= allowed ? best : "";
}

std::string DidYouMean(std::string_view name, const std::vector<std::string>& candidates,
                       std::string_view listing) {
  std::string best = ClosestName(name, candidates);
  if (!best.empty()) return "did you mean '" + best + "'?";
  if (listing.empty() || candidates.empty() || candidates.size() > 12) return "";
  std::string out(listing);
  out += ": ";
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (i > 0) out += ", ";
    out += candidates[i];
  }
  return out;
}

}  // namespace docket::base
