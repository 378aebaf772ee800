// CSV ingest speed (SPEC section 7: >= 200 MB/s on 2 cores).
//
// Generates a realistic accounts CSV of about 100 MB once (ids, company names
// with quotes and commas, owners, ARR, segments, pulses, dates, timestamps,
// usage counts, free-text notes with quoted newlines, NULLs), then reads it
// with 1 and 2 threads: from memory with a schema, from memory with type
// inference, and from a file with a schema.  Reports MB/s (bytes of CSV).
//
//   build/benchmarks/csv_bench --benchmark_min_time=2
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "docket/csv.h"

namespace {

constexpr int64_t kTargetBytes = 100 << 20;

const std::string& AccountsCsv() {
  static const std::string* text = [] {
    auto* s = new std::string;
    s->reserve(kTargetBytes + (1 << 20));
    std::mt19937_64 rng(20261122);
    const char* csms[] = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"};
    const char* segments[] = {"smb", "mid_market", "enterprise", "strategic"};
    const char* pulses[] = {"green", "yellow", "red", ""};
    const char* forecasts[] = {"commit", "best_case", "pipeline", "", "omitted"};
    const char* words[] = {"Acme",  "Globex",   "Initech", "Umbrella", "Stark", "Wayne",
                           "Hooli", "Vandelay", "Soylent", "Tyrell",   "Zoë",   "Münchner"};
    *s +=
        "id,name,csm,arr,segment,pulse,pulse_changed_at,renewal_date,forecast,created_at,"
        "usage_now,usage_before,notes\n";
    for (int64_t i = 0; static_cast<int64_t>(s->size()) < kTargetBytes; ++i) {
      uint64_t r = rng();
      absl::StrAppend(s, "acct-", i, ",");
      if (r % 10 == 0) {
        absl::StrAppend(s, "\"", words[r % 12], ", ", words[(r >> 8) % 12], " \"\"Holdings\"\"\",");
      } else {
        absl::StrAppend(s, words[r % 12], " ", words[(r >> 8) % 12], " ", (r >> 16) % 1000, ",");
      }
      absl::StrAppend(s, csms[(r >> 20) % 8], ",", ((r >> 24) % 50000000) / 100.0, ",",
                      segments[(r >> 32) % 4], ",", pulses[(r >> 34) % 4], ",");
      absl::StrAppend(s, "2026-", 10 + (r >> 36) % 3, "-", 10 + (r >> 40) % 18, ",");
      absl::StrAppend(s, "2027-0", 1 + (r >> 45) % 9, "-", 10 + (r >> 49) % 18, ",");
      absl::StrAppend(s, forecasts[(r >> 53) % 5], ",");
      absl::StrAppend(s, "2024-0", 1 + (r >> 56) % 9, "-1", (r >> 60) % 9, "T0", (r >> 4) % 10, ":",
                      10 + (r >> 12) % 50, ":", 10 + (r >> 18) % 50, "Z,");
      uint64_t q = rng();
      absl::StrAppend(s, q % 100000, ",", (q >> 20) % 100000, ",");
      switch ((q >> 40) % 6) {
        case 0:
          *s += "\"Renewal call booked; champion moved to \"\"VP Ops\"\".\nFollow up in Q3.\"";
          break;
        case 1:
          *s += "Quarterly review done";
          break;
        case 2:
          *s += "\"Asked about SSO, SCIM and audit logs\"";
          break;
        default:
          break;  // NULL
      }
      *s += i % 2 ? "\r\n" : "\n";
    }
    return s;
  }();
  return *text;
}

docket::TableSchema AccountsSchema() {
  using docket::DataType;
  docket::TableSchema t;
  t.name = "accounts";
  t.key = "id";
  t.owner = "csm";
  t.columns = {{"id", DataType::String(), {}},
               {"name", DataType::String(), {}},
               {"csm", DataType::String(), {}},
               {"arr", DataType::Float(), {}},
               {"segment", DataType::String(), {}},
               {"pulse", DataType::String(), {}},
               {"pulse_changed_at", DataType::Date(), {}},
               {"renewal_date", DataType::Date(), {}},
               {"forecast", DataType::String(), {}},
               {"created_at", DataType::Timestamp(), {}},
               {"usage_now", DataType::Int(), {}},
               {"usage_before", DataType::Int(), {}},
               {"notes", DataType::String(), {}}};
  return t;
}

// Process CPU seconds (every thread, user + system).
double CpuSeconds() {
  rusage u;
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Bytes per second of wall time (bytes_per_second) and, because the machine
// may be shared, MB per CPU-second of this process (every thread): the rate
// one core sustains when it is not interrupted.
void Report(benchmark::State& state, int64_t rows, double cpu_seconds) {
  double mb = static_cast<double>(AccountsCsv().size()) / 1e6;
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(AccountsCsv().size()));
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["MB"] = mb;
  state.counters["MB_per_cpu_s"] = mb * static_cast<double>(state.iterations()) / cpu_seconds;
}

void BM_ReadCsvWithSchema(benchmark::State& state) {
  const std::string& text = AccountsCsv();
  docket::TableSchema schema = AccountsSchema();
  docket::CsvOptions options;
  options.threads = static_cast<int>(state.range(0));
  int64_t rows = 0;
  double cpu = -CpuSeconds();
  for (auto _ : state) {
    auto table = docket::ReadCsvString(text, "accounts.csv", "accounts", &schema, options);
    if (!table.ok()) {
      state.SkipWithError(std::string(table.status().message()).c_str());
      return;
    }
    rows = table->num_rows();
    benchmark::DoNotOptimize(table->num_rows());
  }
  cpu += CpuSeconds();
  Report(state, rows, cpu);
}
BENCHMARK(BM_ReadCsvWithSchema)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ReadCsvInferred(benchmark::State& state) {
  const std::string& text = AccountsCsv();
  docket::CsvOptions options;
  options.threads = static_cast<int>(state.range(0));
  int64_t rows = 0;
  double cpu = -CpuSeconds();
  for (auto _ : state) {
    auto table = docket::ReadCsvString(text, "accounts.csv", "accounts", nullptr, options);
    if (!table.ok()) {
      state.SkipWithError(std::string(table.status().message()).c_str());
      return;
    }
    rows = table->num_rows();
  }
  cpu += CpuSeconds();
  Report(state, rows, cpu);
}
BENCHMARK(BM_ReadCsvInferred)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ReadCsvFile(benchmark::State& state) {
  std::string path = (std::filesystem::temp_directory_path() /
                      absl::StrCat("docket_csv_bench_", ::getpid(), ".csv"))
                         .string();
  {
    std::ofstream out(path, std::ios::binary);
    out << AccountsCsv();
  }
  docket::TableSchema schema = AccountsSchema();
  docket::CsvOptions options;
  options.threads = static_cast<int>(state.range(0));
  int64_t rows = 0;
  double cpu = -CpuSeconds();
  for (auto _ : state) {
    auto table = docket::ReadCsvFile(path, &schema, options);
    if (!table.ok()) {
      state.SkipWithError(std::string(table.status().message()).c_str());
      break;
    }
    rows = table->num_rows();
  }
  std::filesystem::remove(path);
  cpu += CpuSeconds();
  Report(state, rows, cpu);
}
BENCHMARK(BM_ReadCsvFile)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
