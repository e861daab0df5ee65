// kenes-bench log-recover: how long a restart takes on a big log.
//
//   kenes-bench log-recover [--records N] [--documents D] [--snapshot-every K]
//                           [--tail N] [--runs N] [--dir PATH]
//
// Builds (once) a RocksDB log of one consultation holding N text-edit records
// (default 1,000,000) across D documents (default 100) — single-character
// typing at a moving cursor, one backspace in ten — serialized as
// kenes.v1.LogRecord payloads with client keys, the way a Room appends them,
// plus the consultation's creation and a few invitations. Every K records
// (default 10,000, the server's --snapshot-every default) a snapshot set is
// written from ConsultationState::snapshots(only_changed), as a Room does,
// except in the last --tail records (default 10,000: a restart after a crash
// just before the next snapshot, the worst case; 0 is a clean shutdown).
//
// Then, --runs times (default 5; medians reported): open the log with
// RocksLog::open and rebuild the state with replay::recover_consultation —
// latest snapshots plus the tail (`seconds`) — and the same replaying the whole
// log without snapshots (`seconds_without_snapshots`). Both states are
// compared (every document's text and version).
//
// The log lives in a temporary folder removed at the end, or in --dir, kept
// and reused by later runs with the same parameters. Timings are with a warm
// page cache (the bench cannot drop the kernel's caches without root).

#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "bench_options.h"
#include "consultation/consultation_state.h"
#include "consultation/sample_framework.h"
#include "engine/text_op.h"
#include "kenes/v1/log.pb.h"
#include "consultation/proto_convert.h"
#include "replay/recovery.h"
#include "server_target.h"
#include "storage/rocks_log.h"
#include "workloads.h"

namespace kenes::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr char kConsultation[] = "recover";
constexpr int kParticipants = 10;

struct RecoverOptions {
  uint64_t records = 1000000;
  int documents = 100;
  uint64_t snapshot_every = 10000;
  // Records after the last snapshot. A clean shutdown leaves none; a crash
  // up to snapshot_every (the default, the worst case).
  uint64_t tail = 10000;
  int runs = 5;
  std::string dir;
};

std::string marker_text(const RecoverOptions& o) {
  return "records=" + std::to_string(o.records) + " documents=" + std::to_string(o.documents) +
         " snapshot_every=" + std::to_string(o.snapshot_every) + " tail=" + std::to_string(o.tail) + " format=1\n";
}

// Builds the log in `path`. Returns an error message, empty on success.
std::string build_log(const RecoverOptions& o, const std::string& path) {
  storage::RocksLogOptions lo;
  lo.durability = storage::Durability::kWal;  // building, not measured; closed cleanly
  auto opened = storage::RocksLog::open(path, lo);
  if (!opened.ok()) return opened.status().to_string();
  storage::Log& log = **opened;
  consultation::ConsultationState state(kConsultation);
  uint64_t seq = 0;
  const int64_t t0_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  std::vector<storage::Entry> batch;
  std::vector<kenes::v1::LogRecord> batch_records;
  auto add = [&](kenes::v1::LogRecord rec, std::optional<storage::ClientKey> key) {
    batch.push_back(storage::Entry{rec.SerializeAsString(), std::move(key)});
    batch_records.push_back(std::move(rec));
  };
  uint64_t since_snapshot = 0;
  const uint64_t final_head = 1 + kParticipants + o.records;
  auto flush = [&]() -> std::string {
    if (batch.empty()) return {};
    auto r = log.append(kConsultation, std::move(batch));
    if (!r.ok()) return r.status().to_string();
    batch.clear();
    for (auto& rec : batch_records) {
      rec.set_seq(++seq);
      engine::Status s = state.apply(rec);
      if (!s.ok()) return s.message();
      ++since_snapshot;
    }
    batch_records.clear();
    if (seq != r.value().last_seq) return "seq mismatch";
    if (since_snapshot >= o.snapshot_every && seq + o.tail <= final_head) {
      std::vector<storage::SnapshotEntry> entries;
      std::vector<std::string> names;
      for (auto& s : state.snapshots(true)) {
        names.push_back(s.name);
        entries.push_back({std::move(s.name), s.version, std::move(s.bytes), s.replaces_older});
      }
      storage::Status st = log.write_snapshots(kConsultation, seq, std::move(entries));
      if (!st.ok()) return st.to_string();
      state.snapshot_written(names);
      since_snapshot = 0;
    }
    return {};
  };

  {
    kenes::v1::LogRecord rec;
    rec.set_author("bench-0");
    rec.set_time_unix_ms(t0_ms);
    auto* c = rec.mutable_consultation_created();
    c->set_consultation_id(kConsultation);
    c->set_title("Recovery benchmark");
    *c->mutable_framework() = consultation::sample_framework();
    c->set_scope(kenes::v1::SCOPE_ALL);
    add(std::move(rec), std::nullopt);
    for (int p = 0; p < kParticipants; ++p) {
      kenes::v1::LogRecord inv;
      inv.set_author("bench-" + std::to_string(p));
      inv.set_time_unix_ms(t0_ms);
      auto* i = inv.mutable_participant_invited();
      i->set_participant_id("bench-" + std::to_string(p));
      i->set_display_name("Bench " + std::to_string(p));
      i->set_role(kenes::v1::ROLE_RESEARCHER);
      add(std::move(inv), std::nullopt);
    }
    std::string err = flush();
    if (!err.empty()) return err;
  }

  struct Doc {
    std::string id;
    uint64_t length = 0, cursor = 0, version = 0;
  };
  std::vector<Doc> docs(o.documents);
  for (int d = 0; d < o.documents; ++d) docs[d].id = "indicator/bench." + std::to_string(d);
  std::vector<uint64_t> client_seq(kParticipants, 0);
  std::mt19937_64 rng(42);
  // Someone types a burst in one document, then someone else elsewhere.
  int doc = 0, who = 0;
  uint64_t burst_left = 0;
  auto started = Clock::now();
  for (uint64_t n = 0; n < o.records; ++n) {
    if (burst_left == 0) {
      doc = static_cast<int>(rng() % o.documents);
      who = static_cast<int>(rng() % kParticipants);
      burst_left = 20 + rng() % 200;
      Doc& d = docs[doc];
      d.cursor = d.length == 0 ? 0 : rng() % (d.length + 1);
    }
    --burst_left;
    Doc& d = docs[doc];
    engine::TextOp op;
    if (d.cursor > 0 && rng() % 10 == 0) {
      op.retain(d.cursor - 1).del(1);
      --d.cursor;
      --d.length;
    } else {
      static constexpr char kLetters[] = "etaoin shrdlucmfwypvbgkqjxz   ";
      char ch = kLetters[rng() % (sizeof kLetters - 1)];
      op.retain(d.cursor).insert(std::string_view(&ch, 1), 1);
      ++d.cursor;
      ++d.length;
    }
    kenes::v1::LogRecord rec;
    rec.set_time_unix_ms(t0_ms + static_cast<int64_t>(n / 5));
    rec.set_author("bench-" + std::to_string(who));
    std::string client_id = "client-bench-" + std::to_string(who);
    rec.set_client_id(client_id);
    rec.set_client_seq(++client_seq[who]);
    auto* edit = rec.mutable_text_edit();
    edit->set_doc_id(d.id);
    edit->set_version(++d.version);
    consultation::op_to_proto(op, edit->mutable_op());
    add(std::move(rec), storage::ClientKey{client_id, client_seq[who]});
    if (batch.size() >= 1000) {
      std::string err = flush();
      if (!err.empty()) return err;
    }
    if ((n + 1) % 100000 == 0) {
      std::fprintf(stderr, "log-recover: built %llu records (%.1f s)\n", static_cast<unsigned long long>(n + 1),
                   std::chrono::duration<double>(Clock::now() - started).count());
    }
  }
  std::string err = flush();
  if (!err.empty()) return err;
  return {};
}

struct Measured {
  double seconds = 0;
  uint64_t replayed = 0;
  bool used_snapshot = false;
  uint64_t head = 0;
  std::vector<std::pair<std::string, std::pair<uint64_t, std::string>>> docs;  // id -> (version, text)
  std::string error;
};

Measured open_and_recover(const std::string& path, bool use_snapshots, bool keep_docs) {
  Measured m;
  auto start = Clock::now();
  {
    auto opened = storage::RocksLog::open(path, storage::RocksLogOptions{});
    if (!opened.ok()) {
      m.error = opened.status().to_string();
      return m;
    }
    auto ids = (*opened)->consultations();
    if (!ids.ok()) {
      m.error = ids.status().to_string();
      return m;
    }
    for (const auto& id : ids.value()) {
      replay::Recovered r = replay::recover_consultation(**opened, id, use_snapshots);
      if (!r.error.empty()) {
        m.error = r.error;
        return m;
      }
      m.replayed += r.replayed_records;
      m.used_snapshot = r.used_snapshot;
      m.head = r.head.seq;
      if (id == kConsultation) {
        // Ready: the state is rebuilt. Stop the clock before copying texts out.
        m.seconds = std::chrono::duration<double>(Clock::now() - start).count();
        if (keep_docs) {
          for (const auto& [doc_id, d] : r.state.documents()) m.docs.push_back({doc_id, {d.version(), d.text().to_string()}});
        }
      }
    }
  }
  return m;
}

constexpr char kUsage[] =
    "usage: kenes-bench log-recover [--records N] [--documents D] [--snapshot-every K] [--runs N]\n"
    "                               [--tail N] [--dir PATH]\n\n"
    "Builds a log of N text-edit records across D documents with snapshots every K records, then\n"
    "times opening it and rebuilding the state with snapshots + tail, and replaying everything.\n";

}  // namespace

int log_recover_main(int argc, char** argv) {
  RecoverOptions o;
  WorkloadOptions options("log-recover", kUsage);
  // clang-format off
  options.add()
    ("records", po::value(&o.records)->default_value(o.records)->value_name("N"), "text-edit records in the log")
    ("documents", at_least(&o.documents, 1)->value_name("D"), "documents the records are spread over")
    ("snapshot-every", at_least<uint64_t>(&o.snapshot_every, 1)->value_name("K"), "a snapshot set every K records (the server's --snapshot-every default)")
    ("tail", po::value(&o.tail)->default_value(o.tail)->value_name("N"), "records after the last snapshot (a crash just before the next one; 0: a clean shutdown)")
    ("runs", at_least(&o.runs, 1)->value_name("N"), "timed runs; medians are reported")
    ("dir", po::value(&o.dir)->value_name("PATH"), "keep the log in PATH and reuse it in later runs with the same parameters (default: a temporary folder, removed)");
  // clang-format on
  if (auto status = options.parse(argc, argv)) return *status;

  std::string dir = o.dir;
  bool temporary = dir.empty();
  if (temporary) {
    std::string tmpl = (fs::temp_directory_path() / "kenes-bench-recover-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
      std::fprintf(stderr, "log-recover: cannot create a temp folder\n");
      return 1;
    }
    dir = tmpl;
  }
  const std::string path = dir + "/log";
  const std::string marker = dir + "/kenes-bench-log-recover.txt";
  std::string have;
  {
    std::ifstream in(marker);
    std::getline(in, have);
    if (!have.empty()) have += "\n";
  }
  double build_seconds = 0;
  if (have != marker_text(o)) {
    std::error_code ec;
    if (fs::exists(path, ec)) {
      if (!temporary && !fs::exists(marker)) {
        std::fprintf(stderr, "log-recover: %s holds a log this bench did not build; choose another --dir\n",
                     path.c_str());
        return 1;
      }
      fs::remove_all(path, ec);
    }
    std::fprintf(stderr, "log-recover: building %s\n", path.c_str());
    auto t = Clock::now();
    std::string err = build_log(o, path);
    if (!err.empty()) {
      std::fprintf(stderr, "log-recover: building the log failed: %s\n", err.c_str());
      return 1;
    }
    build_seconds = std::chrono::duration<double>(Clock::now() - t).count();
    std::ofstream(marker) << marker_text(o);
  } else {
    std::fprintf(stderr, "log-recover: reusing %s\n", path.c_str());
  }

  std::vector<double> with, without;
  bool states_match = true;
  uint64_t head = 0, tail = 0, replayed_all = 0;
  for (int r = 0; r < o.runs; ++r) {
    Measured a = open_and_recover(path, true, r == 0);
    Measured b = open_and_recover(path, false, r == 0);
    if (!a.error.empty() || !b.error.empty()) {
      std::fprintf(stderr, "log-recover: %s\n", (a.error.empty() ? b.error : a.error).c_str());
      return 1;
    }
    if (r == 0) states_match = a.docs == b.docs && a.head == b.head && a.docs.size() == static_cast<size_t>(o.documents);
    if (!a.used_snapshot) std::fprintf(stderr, "log-recover: warning: no snapshot was used\n");
    head = a.head;
    tail = a.replayed;
    replayed_all = b.replayed;
    with.push_back(a.seconds);
    without.push_back(b.seconds);
    std::fprintf(stderr,
                 "log-recover run %d/%d: %.3f s with snapshots (tail %llu records), %.3f s replaying all %llu\n",
                 r + 1, o.runs, a.seconds, static_cast<unsigned long long>(a.replayed), b.seconds,
                 static_cast<unsigned long long>(b.replayed));
  }
  if (temporary) {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::printf(
      "{\"workload\":\"log-recover\",\"records\":%llu,\"documents\":%d,\"log_records\":%llu,\"snapshot_every\":%llu,"
      "\"tail\":%llu,\"seconds\":%.4f,\"seconds_without_snapshots\":%.4f,\"tail_records\":%llu,\"replayed_without_snapshots\":%llu,"
      "\"states_match\":%s,\"runs\":%d,\"build_seconds\":%.1f,\"page_cache\":\"warm\"}\n",
      static_cast<unsigned long long>(o.records), o.documents, static_cast<unsigned long long>(head),
      static_cast<unsigned long long>(o.snapshot_every), static_cast<unsigned long long>(o.tail), median(with), median(without),
      static_cast<unsigned long long>(tail), static_cast<unsigned long long>(replayed_all),
      states_match ? "true" : "false", o.runs, build_seconds);
  std::fflush(stdout);
  return states_match ? 0 : 1;
}

}  // namespace kenes::bench
