// The history index is a cache of the log: whatever order loads, edits,
// unloads and questions come in, it must answer what the log says. These
// tests drive DocumentHistory directly over a real RocksDB log; the protocol
// side (GetDocumentAt and friends through a real server) is in
// tests/server/history_test.cc.

#include "replay/document_history.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include "consultation/proto_convert.h"
#include "engine/text_op.h"
#include "storage/rocks_log.h"
#include "storage/test_support.h"

namespace kenes::replay {
namespace {

using namespace std::chrono_literals;

constexpr char kConsultation[] = "c1";

class DocumentHistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // No fsync: what is under test is the index, not durability, and the
    // concurrent test appends thousands of records.
    storage::RocksLogOptions options;
    options.durability = storage::Durability::kWal;
    auto opened = storage::RocksLog::open(dir_.sub("log"), options);
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    log_ = std::move(opened).value();
  }

  // Appends the next edit of `doc` and returns its record as the room would
  // hand it to note_edit (seq set).
  kenes::v1::LogRecord append_edit(const std::string& doc, const std::string& author,
                                   const engine::TextOp* op = nullptr) {
    kenes::v1::LogRecord rec;
    rec.set_time_unix_ms(1'800'000'000'000 + static_cast<int64_t>(++records_));
    rec.set_author(author);
    rec.mutable_text_edit()->set_doc_id(doc);
    rec.mutable_text_edit()->set_version(++versions_[doc]);
    if (op) consultation::op_to_proto(*op, rec.mutable_text_edit()->mutable_op());
    std::vector<storage::Entry> entries;
    entries.push_back(storage::Entry{rec.SerializeAsString(), std::nullopt});
    auto appended = log_->append(kConsultation, std::move(entries));
    EXPECT_TRUE(appended.ok()) << appended.status().message();
    rec.set_seq(appended.value().last_seq);
    return rec;
  }

  uint64_t latest(DocumentHistory& h, const std::string& doc) { return h.latest_version(doc); }

  // Appends an edit of `doc` that inserts `text` at its end (its length so
  // far given), as the room would hand it to note_edit.
  kenes::v1::LogRecord append_insert(const std::string& doc, const std::string& author, size_t length_before,
                                     const std::string& text) {
    engine::TextOp op;
    op.retain(length_before).insert(text);
    return append_edit(doc, author, &op);
  }

  kenes::v1::ServerMessage ask(DocumentHistory& h, kenes::v1::ClientMessage q) {
    kenes::v1::ServerMessage out;
    auto err = h.answer(q, {}, &out);
    EXPECT_FALSE(err) << err->message;
    return out;
  }

  storage::testing::TempDir dir_;
  std::unique_ptr<storage::RocksLog> log_;
  std::map<std::string, uint64_t> versions_;
  uint64_t records_ = 0;
};

TEST_F(DocumentHistoryTest, KeepsNothingUntilAskedThenAnswersFromTheLog) {
  DocumentHistory h(*log_, kConsultation);
  for (int i = 0; i < 50; ++i) h.note_edit(append_edit(i % 2 ? "indicator/a" : "indicator/b", "p1"));
  EXPECT_FALSE(h.wants_edits()) << "a room never asked must not decode its records for the index";
  EXPECT_EQ(latest(h, "indicator/a"), 25u);
  EXPECT_EQ(latest(h, "indicator/b"), 25u);
  EXPECT_TRUE(h.wants_edits());
  // Loaded: edits noted from now on are in the index without another scan.
  for (int i = 0; i < 10; ++i) h.note_edit(append_edit("indicator/a", "p2"));
  EXPECT_EQ(latest(h, "indicator/a"), 35u);
}

TEST_F(DocumentHistoryTest, AnIdleIndexIsDroppedAndRebuiltWithTheEditsItMissed) {
  DocumentHistory h(*log_, kConsultation, 20ms);
  for (int i = 0; i < 5; ++i) h.note_edit(append_edit("d", "p1"));
  EXPECT_EQ(latest(h, "d"), 5u);
  std::this_thread::sleep_for(40ms);
  // The first edit after the idle time gives the memory back.
  h.note_edit(append_edit("d", "p1"));
  EXPECT_FALSE(h.wants_edits());
  for (int i = 0; i < 7; ++i) h.note_edit(append_edit("d", "p1"));
  EXPECT_EQ(latest(h, "d"), 13u) << "edits made while the index was out of memory must be found by the next scan";
}

// Edits keep arriving (as on the room's strand) while another thread asks
// (as the history pool does) and the index unloads after every quiet spell:
// every answer is at least what had been noted before the question, never
// more than what had begun to be appended after it, and the last one is exact.
TEST_F(DocumentHistoryTest, ConcurrentEditsLoadsAndUnloadsNeverLoseAnEdit) {
  const uint64_t seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  DocumentHistory h(*log_, kConsultation, 1ms);
  // started: the versions whose append has begun (the scan may read one
  // before append() returns). noted: handed to note_edit too.
  std::atomic<uint64_t> started{0}, noted{0};
  std::atomic<bool> done{false};
  std::thread writer([&] {
    std::mt19937_64 wrng(seed ^ 0x9e3779b97f4a7c15ULL);
    for (int i = 0; i < 3000; ++i) {
      started.store(static_cast<uint64_t>(i) + 1);
      auto rec = append_edit("d", "p" + std::to_string(wrng() % 5));
      h.note_edit(rec);
      noted.store(rec.text_edit().version());
      if (wrng() % 200 == 0) std::this_thread::sleep_for(2ms);  // a quiet spell: the index may unload
    }
    done = true;
  });
  uint64_t questions = 0;
  while (!done) {
    const uint64_t before = noted.load();
    const uint64_t got = latest(h, "d");
    const uint64_t after = started.load();
    if (got < before || got > after) {
      ADD_FAILURE() << "question " << questions << " got version " << got << ", outside [" << before << ", " << after
                    << "]";
      break;
    }
    ++questions;
    if (rng() % 4 == 0) std::this_thread::sleep_for(std::chrono::microseconds(rng() % 3000));
  }
  writer.join();
  if (HasFailure()) return;
  EXPECT_EQ(latest(h, "d"), 3000u);
  EXPECT_GT(questions, 1u);
}

// The same question asked again is answered from what was kept (one replay,
// however often a participant asks), and a kept answer is never stale: a
// question about the current version after more edits is a new question,
// and a kept DocumentAt still says how far the document has gone since.
TEST_F(DocumentHistoryTest, AnAnswerAskedAgainIsKeptAndNeverStale) {
  DocumentHistory h(*log_, kConsultation);
  size_t length = 0;
  for (int i = 0; i < 20; ++i) {
    const std::string word = (i % 2 ? "ab" : "cd");
    h.note_edit(append_insert("d", "p" + std::to_string(i % 3), length, word));
    length += word.size();
  }
  kenes::v1::ClientMessage blame;
  blame.mutable_get_document_blame()->set_doc_id("d");
  const auto first = ask(h, blame);
  EXPECT_EQ(h.answer_cache_hits(), 0u);
  const auto again = ask(h, blame);
  EXPECT_EQ(h.answer_cache_hits(), 1u);
  EXPECT_EQ(again.document_blame().SerializeAsString(), first.document_blame().SerializeAsString());
  EXPECT_EQ(first.document_blame().version(), 20u);

  kenes::v1::ClientMessage at;
  at.mutable_get_document_at()->set_doc_id("d");
  at.mutable_get_document_at()->mutable_at()->set_version(5);
  EXPECT_EQ(ask(h, at).document_at().text(), "cdabcdabcd");
  // More edits: the blame of the current version is a new answer; version
  // 5 is the same text, with the new latest version.
  h.note_edit(append_insert("d", "p9", length, "zz"));
  const auto later = ask(h, blame);
  EXPECT_EQ(later.document_blame().version(), 21u);
  EXPECT_EQ(later.document_blame().text(), first.document_blame().text() + "zz");
  const size_t hits = h.answer_cache_hits();
  const auto at_again = ask(h, at);
  EXPECT_EQ(h.answer_cache_hits(), hits + 1);
  EXPECT_EQ(at_again.document_at().text(), "cdabcdabcd");
  EXPECT_EQ(at_again.document_at().latest_version(), 21u);

  kenes::v1::ClientMessage diff;
  diff.mutable_get_document_diff()->set_doc_id("d");
  diff.mutable_get_document_diff()->mutable_from()->set_version(19);
  const auto d1 = ask(h, diff);
  const auto d2 = ask(h, diff);
  EXPECT_EQ(h.answer_cache_hits(), hits + 2);
  EXPECT_EQ(d1.document_diff().SerializeAsString(), d2.document_diff().SerializeAsString());
  EXPECT_EQ(d1.document_diff().to_version(), 21u);
}

}  // namespace
}  // namespace kenes::replay
