// storage_crash_child: appends records with client keys to a RocksLog as fast
// as it can, from several appender threads, and writes one line per
// acknowledged record to stdout:
//
//   ready                                  the log is open
//   ack <thread> <client_seq> <seq>        record durable (or found durable)
//   error <message>                        then exit 1
//
// Usage: storage_crash_child --dir D [--durability fsync|wal|none]
//          [--threads N] [--resume S0,S1,...] [--consultation C] [--per-thread M]
//          [--memtable-bytes B]   (tiny memtables: flushes and compactions all the time)
//
// Each thread t owns the client id "appender-<t>" and starts at client seq
// S<t> (default 1). Before appending a key it asks the index, as the server
// does for a resubmitted op: a record that was durable but not acknowledged
// when the previous child was killed is acknowledged, not written twice.
// Runs until killed, or until each thread has appended M records.

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/crash_payload.h"
#include "storage/rocks_log.h"

using namespace kenes::storage;

namespace {

std::mutex out_mu;

void say(const std::string& line) {
  std::lock_guard lock(out_mu);
  std::string l = line + "\n";
  // One write per line: the parent reads whole lines even after a kill.
  ssize_t ignored = ::write(1, l.data(), l.size());
  (void)ignored;
}

[[noreturn]] void fail(const std::string& message) {
  say("error " + message);
  std::_Exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir, consultation = "crash";
  Durability durability = Durability::kFsync;
  int threads = 4;
  std::uint64_t per_thread = 0;
  std::size_t memtable_bytes = 0;
  std::vector<std::uint64_t> resume;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--dir") {
      dir = value;
    } else if (flag == "--durability") {
      auto d = parse_durability(value);
      if (!d) fail("bad durability " + value);
      durability = *d;
    } else if (flag == "--threads") {
      threads = std::stoi(value);
    } else if (flag == "--consultation") {
      consultation = value;
    } else if (flag == "--memtable-bytes") {
      memtable_bytes = std::stoull(value);
    } else if (flag == "--per-thread") {
      per_thread = std::stoull(value);
    } else if (flag == "--resume") {
      std::size_t pos = 0;
      while (pos <= value.size()) {
        std::size_t comma = value.find(',', pos);
        if (comma == std::string::npos) comma = value.size();
        resume.push_back(std::stoull(value.substr(pos, comma - pos)));
        pos = comma + 1;
      }
    } else {
      fail("unknown flag " + flag);
    }
  }
  if (dir.empty()) fail("--dir is required");
  resume.resize(threads, 1);

  RocksLogOptions options;
  options.durability = durability;
  options.memtable_bytes = memtable_bytes;
  auto opened = RocksLog::open(dir, options);
  if (!opened.ok()) fail(opened.status().to_string());
  RocksLog& log = **opened;
  say("ready");

  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (std::uint64_t n = 0, cs = resume[t]; per_thread == 0 || n < per_thread; ++n, ++cs) {
        ClientKey key{testing::crash_client_id(t), cs};
        auto found = log.find_by_client(consultation, key);
        if (!found.ok()) fail(found.status().to_string());
        std::uint64_t seq = 0;
        if (found->has_value()) {
          seq = **found;
        } else {
          auto appended = log.append(consultation, {Entry{testing::crash_payload(t, cs), key}});
          if (!appended.ok()) fail(appended.status().to_string());
          seq = appended->first_seq;
        }
        say("ack " + std::to_string(t) + " " + std::to_string(cs) + " " + std::to_string(seq));
      }
    });
  }
  for (auto& w : workers) w.join();
  return 0;
}
