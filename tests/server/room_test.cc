// A Room over a MemoryLog, with fake connections that keep every frame the
// room sends them: storage failure, duplicate resubmits, and catch-up meeting
// live delivery. No sockets; the room runs on its strand on a real
// io_context thread, the log on its own writer thread, as in the server.

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <future>
#include <iostream>
#include <mutex>
#include <thread>

#include "connection.h"
#include "wire_frames.h"
#include "consultation/proto_convert.h"
#include "consultation/sample_framework.h"
#include "metrics.h"
#include "replay/demo.h"
#include "replay/recovery.h"
#include "room.h"
#include "storage/memory_log.h"

namespace kenes::server {
namespace {

using consultation::op_to_proto;
using consultation::sample_framework;
using kenes::v1::ServerMessage;
using replay::append_consultation_created;
using replay::recover_consultation;
using replay::Recovered;

// A connection that decodes and keeps what the room sends it.
class FakeConnection : public Connection {
 public:
  void send(SharedFrame frame) override { keep(*frame); }
  void send_then(SharedFrame frame, std::function<void()> written) override {
    keep(*frame);
    written();
  }
  void close_with_error(kenes::v1::ErrorCode code, std::string message) override {
    std::lock_guard lock(mu_);
    closed_ = true;
    close_code_ = code;
    close_message_ = std::move(message);
  }
  void close_going_away() override {
    std::lock_guard lock(mu_);
    closed_ = true;
  }

  std::vector<ServerMessage> messages() const {
    std::lock_guard lock(mu_);
    return messages_;
  }
  std::vector<ServerMessage> of_kind(ServerMessage::KindCase kind) const {
    std::vector<ServerMessage> out;
    for (auto& m : messages()) {
      if (m.kind_case() == kind) out.push_back(m);
    }
    return out;
  }
  // Every log record received, from catch-up batches and broadcasts, in the
  // order received.
  std::vector<kenes::v1::LogRecord> records() const {
    std::vector<kenes::v1::LogRecord> out;
    for (auto& m : messages()) {
      if (m.has_catch_up()) out.insert(out.end(), m.catch_up().records().begin(), m.catch_up().records().end());
      if (m.has_broadcast()) out.insert(out.end(), m.broadcast().records().begin(), m.broadcast().records().end());
    }
    return out;
  }
  bool live() const {
    for (auto& m : messages()) {
      if (m.has_catch_up() && m.catch_up().done()) return true;
    }
    return false;
  }
  bool closed() const {
    std::lock_guard lock(mu_);
    return closed_;
  }
  kenes::v1::ErrorCode close_code() const {
    std::lock_guard lock(mu_);
    return close_code_;
  }

 private:
  void keep(const std::string& bytes) {
    ServerMessage m;
    ASSERT_TRUE(m.ParseFromString(bytes)) << "the room sent an undecodable frame";
    std::lock_guard lock(mu_);
    messages_.push_back(std::move(m));
  }

  mutable std::mutex mu_;
  std::vector<ServerMessage> messages_;
  bool closed_ = false;
  kenes::v1::ErrorCode close_code_ = kenes::v1::ERROR_CODE_UNSPECIFIED;
  std::string close_message_;
};

constexpr char kConsultation[] = "room-test";

class RoomTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(append_consultation_created(log_, kConsultation, "Room test", sample_framework(), "operator"), "");
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    if (room_) {
      std::promise<void> done;
      room_->shutdown([&] { done.set_value(); });
      done.get_future().wait();
    }
    work_.reset();
    thread_.join();
  }

  // The room, rebuilt from what the log holds now.
  void open_room(RoomOptions options = {}) {
    Recovered r = recover_consultation(log_, kConsultation);
    ASSERT_EQ(r.error, "");
    room_ = std::make_shared<Room>(io_, log_, std::move(r.state), r.head, options);
  }

  // A participant connects (Hello with a valid token) and subscribes after
  // `after_seq`; returns once live unless told not to wait.
  std::shared_ptr<FakeConnection> join(const std::string& connection_id, const std::string& participant,
                                       kenes::v1::Role role, const std::string& client_id, uint64_t after_seq = 0,
                                       bool wait_live = true) {
    auto conn = std::make_shared<FakeConnection>();
    TokenClaims claims;
    claims.consultation_id = kConsultation;
    claims.participant_id = participant;
    claims.display_name = participant;
    claims.role = role;
    claims.expires_unix = 4102444800;  // 2100
    room_->admit(conn, connection_id, claims, client_id, 1);
    EXPECT_TRUE(wait_for([&] { return !conn->of_kind(ServerMessage::kWelcome).empty() || conn->closed(); }));
    if (conn->closed()) return conn;
    room_->subscribe(connection_id, 2, after_seq);
    if (wait_live) {
      EXPECT_TRUE(wait_for([&] { return conn->live(); }));
    }
    return conn;
  }

  void submit(const std::string& connection_id, const std::string& client_id, uint64_t client_seq,
              const std::string& doc, uint64_t base_version, const engine::TextOp& op) {
    kenes::v1::SubmitOp s;
    s.set_doc_id(doc);
    s.set_base_version(base_version);
    s.set_client_id(client_id);
    s.set_client_seq(client_seq);
    op_to_proto(op, s.mutable_op());
    room_->submit(connection_id, 100 + client_seq, s);
  }

  static engine::TextOp insert(const std::string& text, uint64_t at = 0) {
    engine::TextOp op;
    op.retain(at).insert(text);
    return op;
  }

  bool wait_for(const std::function<bool()>& done, std::chrono::seconds timeout = std::chrono::seconds(10)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return done();
  }

  std::string text_of(const std::string& doc) {
    std::promise<std::string> text;
    room_->inspect([&](const ConsultationState& s, uint64_t) {
      const auto* d = s.find_document(doc);
      text.set_value(d ? d->text().to_string() : "");
    });
    return text.get_future().get();
  }

  storage::MemoryLog log_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
  std::thread thread_;
  std::shared_ptr<Room> room_;
};

size_t text_edits_among(const std::vector<kenes::v1::LogRecord>& records) {
  size_t n = 0;
  for (const auto& r : records) n += r.has_text_edit() ? 1 : 0;
  return n;
}

TEST_F(RoomTest, AFailedAppendRefusesThatSubmitAndEveryLaterOneAndBroadcastsNothing) {
  open_room();
  auto alice = join("conn-alice", "alice", kenes::v1::ROLE_RESEARCHER, "client-alice");
  auto bob = join("conn-bob", "bob", kenes::v1::ROLE_RESEARCHER, "client-bob");
  const uint64_t head_before = log_.head(kConsultation).value().seq;

  log_.fail_next_writes(storage::Status(storage::Code::kIoError, "disk full (injected)"));
  submit("conn-alice", "client-alice", 1, "indicator/R.1", 0, insert("lost"));
  ASSERT_TRUE(wait_for([&] { return alice->of_kind(ServerMessage::kError).size() == 1; }));
  auto first = alice->of_kind(ServerMessage::kError)[0].error();
  EXPECT_EQ(first.code(), kenes::v1::ERROR_CODE_STORAGE_FAILURE);
  EXPECT_NE(first.message().find("disk full (injected)"), std::string::npos) << first.message();
  EXPECT_EQ(first.doc_id(), "indicator/R.1");
  EXPECT_EQ(first.client_seq(), 1u);
  EXPECT_FALSE(room_->healthy());

  // The disk may be fine again; the room is not: its memory is ahead of the log.
  submit("conn-bob", "client-bob", 1, "indicator/R.1", 0, insert("also refused"));
  ASSERT_TRUE(wait_for([&] { return bob->of_kind(ServerMessage::kError).size() == 1; }));
  auto later = bob->of_kind(ServerMessage::kError)[0].error();
  EXPECT_EQ(later.code(), kenes::v1::ERROR_CODE_STORAGE_FAILURE);
  EXPECT_NE(later.message().find("disk full (injected)"), std::string::npos) << later.message();

  // A newcomer, who would need a record of their own, is turned away too.
  auto carol = join("conn-carol", "carol", kenes::v1::ROLE_MEMBER, "client-carol");
  EXPECT_TRUE(carol->closed());
  EXPECT_EQ(carol->close_code(), kenes::v1::ERROR_CODE_STORAGE_FAILURE);

  EXPECT_EQ(text_edits_among(alice->records()), 0u);
  EXPECT_EQ(text_edits_among(bob->records()), 0u);
  EXPECT_TRUE(alice->of_kind(ServerMessage::kAck).empty());
  EXPECT_TRUE(bob->of_kind(ServerMessage::kAck).empty());
  EXPECT_EQ(log_.head(kConsultation).value().seq, head_before);
  EXPECT_FALSE(room_->healthy());
}

TEST_F(RoomTest, AResubmitOfADurableOpIsAcknowledgedAsADuplicateAndChangesNothing) {
  open_room();
  auto alice = join("conn-alice-1", "alice", kenes::v1::ROLE_RESEARCHER, "client-alice");
  auto bob = join("conn-bob", "bob", kenes::v1::ROLE_MEMBER, "client-bob");
  submit("conn-alice-1", "client-alice", 1, "indicator/R.1", 0, insert("hello"));
  ASSERT_TRUE(wait_for([&] { return alice->of_kind(ServerMessage::kAck).size() == 1; }));
  const auto original = alice->of_kind(ServerMessage::kAck)[0].ack();
  EXPECT_FALSE(original.duplicate());
  const storage::Head head = log_.head(kConsultation).value();

  // Alice reconnects, resumes after the op and sends it again, as a client
  // does when the connection dropped before the Ack arrived.
  auto again = join("conn-alice-2", "alice", kenes::v1::ROLE_RESEARCHER, "client-alice", original.seq());
  submit("conn-alice-2", "client-alice", 1, "indicator/R.1", 0, insert("hello"));
  ASSERT_TRUE(wait_for([&] { return again->of_kind(ServerMessage::kAck).size() == 1; }));
  const auto dup = again->of_kind(ServerMessage::kAck)[0].ack();
  EXPECT_TRUE(dup.duplicate());
  EXPECT_EQ(dup.seq(), original.seq());
  EXPECT_EQ(dup.version(), original.version());
  EXPECT_EQ(dup.client_seq(), 1u);

  EXPECT_EQ(log_.head(kConsultation).value(), head);
  EXPECT_EQ(text_of("indicator/R.1"), "hello");
  EXPECT_EQ(text_edits_among(bob->records()), 1u);
  EXPECT_TRUE(room_->healthy());
}

TEST_F(RoomTest, ASubscriberJoiningWhileAppendsAreInFlightGetsEveryRecordOnceInOrder) {
  // Bob is known before the room opens, so his visit appends nothing.
  {
    kenes::v1::LogRecord invite;
    invite.set_author("operator");
    invite.mutable_participant_invited()->set_participant_id("bob");
    invite.mutable_participant_invited()->set_role(kenes::v1::ROLE_MEMBER);
    ASSERT_TRUE(log_.append(kConsultation, {storage::Entry{invite.SerializeAsString(), std::nullopt}}).ok());
  }
  RoomOptions options;
  options.catch_up_batch_records = 7;  // many small batches, each a turn of the strand
  open_room(options);
  auto alice = join("conn-alice", "alice", kenes::v1::ROLE_RESEARCHER, "client-alice");

  // Independent documents, so every submit is sequenced at once and the
  // appends pile up in the log's pipeline.
  uint64_t client_seq = 0;
  auto submit_one = [&] {
    ++client_seq;
    submit("conn-alice", "client-alice", client_seq, "doc/" + std::to_string(client_seq), 0, insert("x"));
  };
  for (int i = 0; i < 300; ++i) submit_one();
  auto bob = join("conn-bob", "bob", kenes::v1::ROLE_MEMBER, "client-bob", 0, /*wait_live=*/false);
  // A steady stream while Bob catches up, so that appends are in flight
  // when he goes live; then more once he is.
  for (int i = 0; i < 5000 && !bob->live(); ++i) {
    submit_one();
    if (i % 5 == 4) std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
  ASSERT_TRUE(wait_for([&] { return bob->live(); }));
  for (int i = 0; i < 200; ++i) submit_one();
  const size_t kOps = client_seq;

  ASSERT_TRUE(wait_for([&] { return alice->of_kind(ServerMessage::kAck).size() == kOps; }));
  const uint64_t head = log_.head(kConsultation).value().seq;
  ASSERT_TRUE(wait_for([&] {
    auto r = bob->records();
    return !r.empty() && r.back().seq() == head;
  }));
  auto records = bob->records();
  ASSERT_EQ(records.size(), head) << "bob should get records 1.." << head << " exactly once";
  for (size_t i = 0; i < records.size(); ++i) {
    ASSERT_EQ(records[i].seq(), i + 1) << "record " << i << " out of order or repeated";
  }
  EXPECT_EQ(text_edits_among(records), kOps);
  // Both paths were taken: some records came by catch-up, some live.
  size_t live = 0;
  for (const auto& b : bob->of_kind(ServerMessage::kBroadcast)) live += b.broadcast().records_size();
  std::cout << "bob: " << records.size() - live << " records by catch-up, " << live << " live\n";
  EXPECT_GT(records.size() - live, 0u);
  EXPECT_GE(live, 200u);
}

// Regression (found by reading the code while fuzzing): profile updates and
// revocations did not check shutting_down_, so one arriving while shutdown
// waited for appends in flight was still written to the log.
TEST_F(RoomTest, NothingIsAppendedOnceShutdownHasBegun) {
  open_room();
  auto alice = join("c-alice", "alice", kenes::v1::ROLE_CHAIR, "alice-client");
  uint64_t before = log_.head(kConsultation).value().seq;
  submit("c-alice", "alice-client", 1, "indicator/R.1", 0, insert("last words"));
  std::promise<void> stopped;
  room_->shutdown([&] { stopped.set_value(); });
  kenes::v1::ClientMessage profile;
  profile.set_request_id(9);
  profile.mutable_update_profile()->set_display_name("too late");
  room_->request("c-alice", profile);
  kenes::v1::ClientMessage revoke;
  revoke.set_request_id(10);
  revoke.mutable_revoke_participant()->set_participant_id("alice");
  room_->request("c-alice", revoke);
  stopped.get_future().wait();
  // Only the submit that was in flight when shutdown began reached the log.
  EXPECT_EQ(log_.head(kConsultation).value().seq, before + 1);
  room_.reset();
}

TEST_F(RoomTest, RecordsDurableTogetherGoOutAsOneFrameAndEachAuthorSeesItsAcksInSeqOrder) {
  open_room();
  auto alice = join("conn-alice", "alice", kenes::v1::ROLE_RESEARCHER, "client-alice");
  auto carol = join("conn-carol", "carol", kenes::v1::ROLE_RESEARCHER, "client-carol");
  auto bob = join("conn-bob", "bob", kenes::v1::ROLE_MEMBER, "client-bob");
  const uint64_t first = log_.head(kConsultation).value().seq + 1;
  const uint64_t batches_before = metrics().broadcast_batches_total.load();
  const uint64_t batch_records_before = metrics().broadcast_batch_records_total.load();

  // Two authors on independent documents, interleaved: every submit is
  // sequenced at once and many are durable before the strand flushes.
  constexpr uint64_t kEach = 400;
  for (uint64_t i = 1; i <= kEach; ++i) {
    submit("conn-alice", "client-alice", i, "a/" + std::to_string(i), 0, insert("a"));
    submit("conn-carol", "client-carol", i, "c/" + std::to_string(i), 0, insert("c"));
  }
  const uint64_t last = first + 2 * kEach - 1;
  ASSERT_TRUE(wait_for([&] {
    auto r = bob->records();
    return !r.empty() && r.back().seq() == last;
  }));
  ASSERT_TRUE(wait_for([&] {
    return alice->of_kind(ServerMessage::kAck).size() == kEach && carol->of_kind(ServerMessage::kAck).size() == kEach;
  }));

  // The reader: every record once, in order.
  std::vector<uint64_t> seen;
  for (const auto& r : bob->records()) {
    if (r.seq() >= first) seen.push_back(r.seq());
  }
  ASSERT_EQ(seen.size(), 2 * kEach);
  for (size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i], first + i);

  // Each author: the others' records and its own Acks, together exactly
  // first..last in order. An Ack never overtakes an earlier record, and the
  // author's own record never comes back to it.
  for (auto* author : {alice.get(), carol.get()}) {
    std::vector<uint64_t> order;
    for (const auto& m : author->messages()) {
      if (m.has_ack()) order.push_back(m.ack().seq());
      if (m.has_broadcast()) {
        for (const auto& r : m.broadcast().records()) order.push_back(r.seq());
      }
    }
    std::vector<uint64_t> tail;
    for (uint64_t s : order) {
      if (s >= first) tail.push_back(s);
    }
    ASSERT_EQ(tail.size(), 2 * kEach);
    for (size_t i = 0; i < tail.size(); ++i) ASSERT_EQ(tail[i], first + i) << "at position " << i;
  }

  // And the records did travel together: fewer flushes (and frames to the
  // reader) than records.
  const uint64_t batches = metrics().broadcast_batches_total.load() - batches_before;
  const uint64_t batch_records = metrics().broadcast_batch_records_total.load() - batch_records_before;
  EXPECT_EQ(batch_records, 2 * kEach);
  EXPECT_LT(batches, batch_records);
  EXPECT_LT(bob->of_kind(ServerMessage::kBroadcast).size(), 2 * kEach);
}


// issue 17: a burst of large records (a comment flood, here edits of 20 KB)
// leaves in frames of bounded size, every record once and in order, so that
// no reader's queue is overflowed by one shared frame.
TEST_F(RoomTest, ABurstOfLargeRecordsLeavesInFramesOfBoundedSize) {
  open_room();
  auto writer = join("c-w", "writer", kenes::v1::ROLE_RESEARCHER, "client-w");
  auto reader = join("c-r", "reader", kenes::v1::ROLE_MEMBER, "client-r");
  const std::string big(20 * 1024, 'x');
  constexpr int kEdits = 40;
  for (int i = 0; i < kEdits; ++i) submit("c-w", "client-w", i + 1, "indicator/R.1", 0, insert(big));
  ASSERT_TRUE(wait_for([&] { return text_edits_among(reader->records()) == kEdits; }));
  size_t largest = 0;
  size_t most_records = 0;
  for (const auto& m : reader->of_kind(ServerMessage::kBroadcast)) {
    largest = std::max(largest, m.ByteSizeLong());
    most_records = std::max<size_t>(most_records, m.broadcast().records_size());
  }
  // 64 KiB frames: at most three of these records each.
  EXPECT_LE(largest, 3 * (big.size() + 256)) << "a shared frame grew with the burst";
  EXPECT_GE(most_records, 2u) << "the burst was never batched: the bound was not tested";
  uint64_t last = 0;
  for (const auto& r : reader->records()) {
    EXPECT_GT(r.seq(), last);
    last = r.seq();
  }
  EXPECT_FALSE(reader->closed());
}

}  // namespace
}  // namespace kenes::server
