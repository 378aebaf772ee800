#include "lang/suggest.h"

#include <algorithm>

namespace docket::lang {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// Twice the optimal-string-alignment distance (so a case-only change costs 1).
int Distance2(std::string_view a, std::string_view b) {
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(2 * i);
  for (size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(2 * j);
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      int sub = a[i - 1] == b[j - 1] ? 0 : Lower(a[i - 1]) == Lower(b[j - 1]) ? 1 : 2;
      int v = std::min({d[i - 1][j] + 2, d[i][j - 1] + 2, d[i - 1][j - 1] + sub});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) v = std::min(v, d[i - 2][j - 2] + 2);
      d[i][j] = v;
    }
  }
  return d[n][m];
}

}  // namespace

std::string Suggest(std::string_view name, const std::vector<std::string>& candidates) {
  if (name.size() > 64) return "";
  std::string best;
  int best_d = 1 << 30;
  for (const std::string& c : candidates) {
    if (c.size() > 64 || c == name) continue;
    int d = Distance2(name, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  int allowed = 2 * std::max<int>(1, static_cast<int>(name.size()) / 3);
  return best_d <= allowed ? best : "";
}

}  // namespace docket::lang
