// kenes-bench log-append: appends/s into the RocksDB log with 1..N concurrent
// appenders, each waiting for its own append to be acknowledged before the
// next (like a room waiting for durability before it acks and broadcasts).
//
//   kenes-bench log-append [--seconds S] [--runs N] [--appenders 1,8,64]
//                          [--durability fsync,wal] [--dir PATH]
//
// One JSON object per (durability, appenders) on stdout, ops_per_sec being
// the median over the runs; progress on stderr. Every run writes a fresh log
// in a temporary folder (under --dir, default the system temp folder, which
// must be on the disk being measured) and removes it afterwards.

#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "bench_options.h"
#include "storage/rocks_log.h"
#include "workloads.h"

namespace kenes::bench {
namespace {

constexpr std::size_t kRecordBytes = 60;

struct Options {
  double seconds = 2.0;
  int runs = 3;
  std::vector<int> appenders{1, 8, 64};
  std::vector<storage::Durability> durabilities{storage::Durability::kFsync, storage::Durability::kWal};
  std::string dir = std::filesystem::temp_directory_path().string();
};

std::string usage() {
  return "usage: kenes-bench log-append [--seconds S] [--runs N] [--appenders 1,8,64]\n"
         "                              [--durability fsync,wal] [--dir PATH]\n\n"
         "Appends " + std::to_string(kRecordBytes) + "-byte records (the size of a single-character op) with client keys, from each\n"
         "number of concurrent appenders; each appender waits for its append to be acknowledged.\n"
         "Prints one JSON line per (durability, appenders) with the median ops/s of the runs.\n";
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

// A payload shaped like a serialized LogRecord of a one-character insert:
// time, author, client id and seq, doc id, version, the op.
std::string make_payload(int appender, std::uint64_t n) {
  std::string p = "\x18\x80\xa0\xe8\xd3\xb6\x33\x22\x0cparticipant7\x2a\x08" "client" +
                  std::to_string(appender % 10) + std::to_string(n % 10) + "\x30\x01\x52\x14\x0a\x0findicator/R.1.1";
  p.resize(kRecordBytes, 'x');
  return p;
}

// One run: ops/s.
double run_once(const Options& o, storage::Durability durability, int appenders) {
  std::string tmpl = (std::filesystem::path(o.dir) / "kenes-bench-log-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    std::fprintf(stderr, "log-append: cannot create a folder in %s\n", o.dir.c_str());
    return -1;
  }
  double ops_per_sec = -1;
  {
    storage::RocksLogOptions options;
    options.durability = durability;
    auto log = storage::RocksLog::open(tmpl + "/log", options);
    if (!log.ok()) {
      std::fprintf(stderr, "log-append: %s\n", log.status().to_string().c_str());
    } else {
      std::atomic<bool> go{false}, stop{false}, failed{false};
      std::vector<std::uint64_t> counts(appenders, 0);
      std::vector<std::thread> threads;
      for (int a = 0; a < appenders; ++a) {
        threads.emplace_back([&, a] {
          std::string client = "client-" + std::to_string(a);
          while (!go) std::this_thread::yield();
          for (std::uint64_t n = 1; !stop; ++n) {
            auto r = (*log)->append("bench", {storage::Entry{make_payload(a, n), storage::ClientKey{client, n}}});
            if (!r.ok()) {
              std::fprintf(stderr, "log-append: %s\n", r.status().to_string().c_str());
              failed = true;
              return;
            }
            ++counts[a];
          }
        });
      }
      auto start = std::chrono::steady_clock::now();
      go = true;
      std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
      stop = true;
      for (auto& t : threads) t.join();
      double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::uint64_t total = 0;
      for (auto c : counts) total += c;
      if (!failed) ops_per_sec = static_cast<double>(total) / elapsed;
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(tmpl, ec);
  return ops_per_sec;
}

}  // namespace

int log_append_main(int argc, char** argv) {
  Options o;
  WorkloadOptions options("log-append", usage());
  const auto appenders = [&o](const std::string& list) {
    o.appenders.clear();
    for (const auto& v : split(list)) o.appenders.push_back(std::max(1, std::stoi(v)));
  };
  const auto durabilities = [&o](const std::string& list) {
    o.durabilities.clear();
    for (const auto& v : split(list)) {
      auto d = storage::parse_durability(v);
      if (!d) throw std::invalid_argument("durability " + v);
      o.durabilities.push_back(*d);
    }
  };
  // clang-format off
  options.add()
    ("seconds", po::value(&o.seconds)->default_value(o.seconds)->value_name("S"), "appending time of each run")
    ("runs", at_least(&o.runs, 1)->value_name("N"), "runs per (durability, appenders); the median is reported")
    ("appenders", converted_by(appenders, "1,8,64")->value_name("LIST"), "comma-separated numbers of concurrent appenders")
    ("durability", converted_by(durabilities, "fsync,wal")->value_name("LIST"), "comma-separated durabilities of the log (fsync, wal, none)")
    ("dir", po::value(&o.dir)->default_value(o.dir)->value_name("PATH"), "where the temporary logs go (on the disk being measured)");
  // clang-format on
  if (auto status = options.parse(argc, argv)) return *status;

  for (auto durability : o.durabilities) {
    for (int appenders : o.appenders) {
      std::vector<double> results;
      for (int r = 0; r < o.runs; ++r) {
        double ops = run_once(o, durability, appenders);
        if (ops < 0) return 1;
        results.push_back(ops);
        std::fprintf(stderr, "log-append %s appenders=%d run %d/%d: %.0f ops/s\n",
                     std::string(storage::durability_name(durability)).c_str(), appenders, r + 1, o.runs, ops);
      }
      std::sort(results.begin(), results.end());
      double median = results.size() % 2 ? results[results.size() / 2]
                                         : (results[results.size() / 2 - 1] + results[results.size() / 2]) / 2;
      std::printf(
          "{\"workload\":\"log-append\",\"durability\":\"%s\",\"appenders\":%d,\"records_bytes\":%zu,"
          "\"seconds\":%g,\"ops_per_sec\":%.0f,\"runs\":%d}\n",
          std::string(storage::durability_name(durability)).c_str(), appenders, kRecordBytes, o.seconds, median,
          o.runs);
      std::fflush(stdout);
    }
  }
  return 0;
}

}  // namespace kenes::bench
