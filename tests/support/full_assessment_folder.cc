#include "full_assessment_folder.h"

#include <chrono>
#include <filesystem>

#include "editing_trace.h"
#include "storage/rocks_log.h"

namespace kenes::testing {

namespace {
// More than this in one patch is a file pasted in, not a passage.
constexpr size_t kMaxPasteBytes = 20'000;
}  // namespace

std::vector<consultation::testing::TypingSource> typing_sources(const std::string& traces_dir, std::string* error) {
  std::vector<consultation::testing::TypingSource> out;
  trace::TraceFiles files = trace::list_traces(traces_dir);
  if (!files.error.empty()) {
    *error = files.error;
    return out;
  }
  for (const auto& path : files.paths) {
    trace::LoadedTrace loaded = trace::load_trace(path);
    if (!loaded.ok()) {
      *error = loaded.error;
      return {};
    }
    // A trace that does not start empty assumes text a session does not
    // have. One that pastes a whole file (rustcode opens with 42,493 code
    // points of source code) records programming, not drafting prose.
    if (!loaded.trace->start_content.empty()) continue;
    consultation::testing::TypingSource source;
    bool pastes_a_file = false;
    for (const auto& txn : loaded.trace->txns) {
      for (const auto& p : txn.patches) {
        pastes_a_file = pastes_a_file || p.ins.size() > kMaxPasteBytes;
        source.push_back({p.pos, p.del, p.ins});
      }
    }
    if (!pastes_a_file) out.push_back(std::move(source));
  }
  if (out.empty()) *error = "no trace in " + traces_dir + " starts from an empty text";
  return out;
}

FullAssessmentFolder write_full_assessment(const std::string& dir, const std::string& traces_dir,
                                           const consultation::testing::FullAssessmentOptions& options) {
  FullAssessmentFolder result;
  const auto started = std::chrono::steady_clock::now();
  auto sources = typing_sources(traces_dir, &result.error);
  if (!result.error.empty()) return result;
  std::filesystem::create_directories(dir);
  storage::RocksLogOptions lo;
  // Writing, not measuring: no fsync per batch (the log is closed cleanly).
  lo.durability = storage::Durability::kWal;
  auto opened = storage::RocksLog::open((std::filesystem::path(dir) / "log").string(), lo);
  if (!opened.ok()) {
    result.error = opened.status().to_string();
    return result;
  }
  storage::Log& log = **opened;
  const std::string id = options.consultation_id;
  std::vector<storage::Entry> batch;
  uint64_t expected_last = 0;
  auto flush = [&] {
    if (batch.empty() || !result.error.empty()) return;
    auto appended = log.append(id, std::move(batch));
    batch.clear();
    if (!appended.ok()) {
      result.error = appended.status().to_string();
    } else if (appended.value().last_seq != expected_last) {
      result.error = "the log gave seq " + std::to_string(appended.value().last_seq) + ", expected " +
                     std::to_string(expected_last);
    }
  };
  auto sink = [&](const kenes::v1::LogRecord& rec) {
    kenes::v1::LogRecord stored = rec;
    stored.clear_seq();  // the log assigns it; the payload has none
    std::optional<storage::ClientKey> key;
    if (!rec.client_id().empty()) key = storage::ClientKey{rec.client_id(), rec.client_seq()};
    batch.push_back(storage::Entry{stored.SerializeAsString(), std::move(key)});
    expected_last = rec.seq();
    if (batch.size() >= 4096) flush();
  };
  auto checkpoint = [&](consultation::ConsultationState& state) {
    flush();  // the snapshot claims the records up to state.seq(): they must be in the log first
    if (!result.error.empty()) return;
    std::vector<storage::SnapshotEntry> entries;
    std::vector<std::string> names;
    for (auto& s : state.snapshots(true)) {
      names.push_back(s.name);
      entries.push_back({std::move(s.name), s.version, std::move(s.bytes), s.replaces_older});
    }
    storage::Status st = log.write_snapshots(id, state.seq(), std::move(entries));
    if (!st.ok()) {
      result.error = st.to_string();
      return;
    }
    state.snapshot_written(names);
  };
  result.summary = consultation::testing::make_full_assessment(options, sources, sink, checkpoint);
  flush();
  if (result.error.empty()) result.error = result.summary.error;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace kenes::testing
