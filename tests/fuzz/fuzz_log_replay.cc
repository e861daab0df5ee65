// Log replay: the input is split into record payloads (libFuzzer's
// FuzzedDataProvider strings), appended to a MemoryLog as they are (storage
// never looks inside), and the consultation is rebuilt with
// recover_consultation. It must return an error or a state, never crash.
// When it returns a state, a snapshot of that state is written and recovery
// from the snapshot must give the same consultation as the full replay.

#include <fuzzer/FuzzedDataProvider.h>

#include <google/protobuf/stubs/logging.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "replay/recovery.h"
#include "storage/memory_log.h"

namespace {

constexpr char kConsultation[] = "fuzz";

[[noreturn]] void broken(const std::string& what) {
  std::fprintf(stderr, "snapshot recovery differs from replay: %s\n", what.c_str());
  std::abort();
}

void expect_same(const kenes::consultation::ConsultationState& replayed, const kenes::consultation::ConsultationState& restored) {
  if (replayed.seq() != restored.seq()) broken("seq");
  if (replayed.created().has_value() != restored.created().has_value()) broken("created");
  if (replayed.participants().size() != restored.participants().size()) broken("participant count");
  for (const auto& [id, p] : replayed.participants()) {
    const auto* q = restored.participant(id);
    if (!q || q->display_name != p.display_name || q->role != p.role || q->revoked != p.revoked ||
        q->stakeholder_group != p.stakeholder_group || q->gender != p.gender || q->revoke_reason != p.revoke_reason) {
      broken("participant " + id);
    }
  }
  if (replayed.documents().size() != restored.documents().size()) broken("document count");
  for (const auto& [id, doc] : replayed.documents()) {
    const auto* other = restored.find_document(id);
    if (!other || other->version() != doc.version() || !(other->text() == doc.text())) broken("document " + id);
  }
}

}  // namespace

// Protobuf logs every string field that is not UTF-8; at thousands of inputs a
// second that is only noise.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  std::vector<std::string> payloads;
  while (in.remaining_bytes() > 0 && payloads.size() < 64) payloads.push_back(in.ConsumeRandomLengthString(4096));
  if (payloads.empty()) return 0;

  kenes::storage::MemoryLog log;
  std::vector<kenes::storage::Entry> entries;
  for (auto& p : payloads) entries.push_back(kenes::storage::Entry{std::move(p), std::nullopt});
  auto appended = log.append(kConsultation, std::move(entries));
  if (!appended.ok()) std::abort();  // storage takes any bytes

  auto replayed = kenes::replay::recover_consultation(log, kConsultation, /*use_snapshots=*/false);
  if (!replayed.error.empty()) return 0;
  if (replayed.head.seq != appended.value().last_seq) std::abort();

  std::vector<kenes::storage::SnapshotEntry> snaps;
  for (auto& s : replayed.state.snapshots(false)) {
    snaps.push_back(kenes::storage::SnapshotEntry{std::move(s.name), s.version, std::move(s.bytes), s.replaces_older});
  }
  // Names storage refuses (a document id too long for a key) only cost the
  // cache; recovery then replays everything.
  if (!log.write_snapshots(kConsultation, replayed.head.seq, std::move(snaps)).ok()) return 0;
  auto restored = kenes::replay::recover_consultation(log, kConsultation, /*use_snapshots=*/true);
  if (!restored.error.empty()) broken("recovery from the snapshot failed: " + restored.error);
  if (!restored.used_snapshot) broken("snapshot not used");
  if (restored.head.seq != replayed.head.seq || restored.head.hash != replayed.head.hash) broken("head");
  expect_same(replayed.state, restored.state);
  return 0;
}
