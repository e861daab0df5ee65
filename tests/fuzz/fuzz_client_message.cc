// Envelope decode and dispatch: the input is one kenes.v1.ClientMessage as a
// client would send it. If it parses, it is dispatched the way
// WebSocketSession does (same checks before the room), into a Room over a
// MemoryLog holding the demo consultation, with fake connections:
//   - the chair (who sends the fuzzed message), a researcher and a member are
//     admitted directly with valid token claims (Room::admit: the token itself
//     is fuzz_token's business) and subscribed;
//   - a Hello admits a newcomer with its client_id (a first visit: an append);
//   - a submit is sent by the chair, again by the chair (a duplicate), and by
//     the researcher (a concurrent op to transform past);
//   - presence comes from the chair and from the member;
//   - every other request (consultation/request_table.cc) from the member,
//     then twice from the chair; history questions from the member.
// Then the room shuts down, which waits for every append, and the io_context
// is drained. Never a crash; every frame the room sends must decode.

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <google/protobuf/stubs/logging.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "connection.h"
#include "consultation/request.h"
#include "logger.h"
#include "replay/demo.h"
#include "replay/recovery.h"
#include "room.h"
#include "storage/memory_log.h"

namespace {

using kenes::server::SharedFrame;
using kenes::v1::ClientMessage;

class FakeConnection : public kenes::server::Connection {
 public:
  void send(SharedFrame frame) override { check(*frame); }
  void send_then(SharedFrame frame, std::function<void()> written) override {
    check(*frame);
    written();
  }
  void close_with_error(kenes::v1::ErrorCode, std::string) override {}
  void close_going_away() override {}

 private:
  static void check(const std::string& bytes) {
    kenes::v1::ServerMessage m;
    if (!m.ParseFromString(bytes)) std::abort();  // the room sent an undecodable frame
  }
};

// The demo consultation's records, made once.
const std::vector<std::string>& demo_payloads() {
  static const std::vector<std::string> payloads = [] {
    kenes::storage::MemoryLog log;
    if (!kenes::replay::create_demo_consultation(log).empty()) std::abort();
    auto records = log.read(kenes::replay::kDemoConsultationId, 1, 1000);
    if (!records.ok()) std::abort();
    std::vector<std::string> out;
    for (auto& r : records.value()) out.push_back(r.payload);
    return out;
  }();
  return payloads;
}

kenes::server::TokenClaims claims_for(const std::string& participant, kenes::v1::Role role) {
  kenes::server::TokenClaims c;
  c.consultation_id = kenes::replay::kDemoConsultationId;
  c.participant_id = participant;
  c.display_name = participant;
  c.role = role;
  c.expires_unix = 4102444800;  // 2100
  return c;
}

bool valid_client_id(const std::string& id) { return !id.empty() && id.size() <= 64; }  // as WebSocketSession

}  // namespace

// Protobuf logs every string field that is not UTF-8; at thousands of inputs a
// second that is only noise.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  kenes::server::set_min_log_level(kenes::server::LogLevel::kError);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ClientMessage msg;
  if (!msg.ParseFromArray(data, static_cast<int>(size))) return 0;
  const uint64_t rid = msg.request_id();

  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  kenes::storage::MemoryLog log;
  {
    std::vector<kenes::storage::Entry> entries;
    for (const auto& p : demo_payloads()) entries.push_back(kenes::storage::Entry{p, std::nullopt});
    if (!log.append(kenes::replay::kDemoConsultationId, std::move(entries)).ok()) std::abort();
  }
  auto recovered = kenes::replay::recover_consultation(log, kenes::replay::kDemoConsultationId);
  if (!recovered.error.empty()) std::abort();
  kenes::server::RoomOptions options;
  options.snapshot_every_records = 2;  // snapshots during the run too
  auto room = std::make_shared<kenes::server::Room>(io, log, std::move(recovered.state), recovered.head, options);

  auto chair = std::make_shared<FakeConnection>();
  auto researcher = std::make_shared<FakeConnection>();
  auto member = std::make_shared<FakeConnection>();
  std::string chair_client = "client-chair";
  if (msg.has_submit_op() && valid_client_id(msg.submit_op().client_id())) chair_client = msg.submit_op().client_id();
  room->admit(chair, "conn-chair", claims_for("demo-chair", kenes::v1::ROLE_CHAIR), chair_client, 1);
  room->admit(researcher, "conn-researcher", claims_for("demo-researcher", kenes::v1::ROLE_RESEARCHER),
              "client-researcher", 1);
  room->admit(member, "conn-member", claims_for("demo-member-1", kenes::v1::ROLE_MEMBER), "client-member", 1);
  room->subscribe("conn-researcher", 2, 0);
  room->subscribe("conn-member", 2, 0);
  if (!msg.has_subscribe()) room->subscribe("conn-chair", 2, 0);

  // By door, as WebSocketSession dispatches (consultation/request_table.cc):
  // every request kind reaches its handler, as the chair and as a member.
  const kenes::consultation::RequestKind* kind = kenes::consultation::find_request(msg.kind_case());
  if (kind) {
    switch (kind->door) {
      case kenes::consultation::Door::kHello: {
        if (!valid_client_id(msg.hello().client_id())) break;
        auto newcomer = std::make_shared<FakeConnection>();
        room->admit(newcomer, "conn-newcomer", claims_for("fuzz-newcomer", kenes::v1::ROLE_MEMBER),
                    msg.hello().client_id(), rid);
        room->subscribe("conn-newcomer", rid, 0);  // may come before Welcome: refused
        break;
      }
      case kenes::consultation::Door::kSubscribe:
        if (msg.subscribe().consultation_id() != room->consultation_id()) break;  // FORBIDDEN in the session
        room->subscribe("conn-chair", rid, msg.subscribe().after_seq(), msg.subscribe().from());
        room->subscribe("conn-chair", rid, msg.subscribe().after_seq(), msg.subscribe().from());  // already subscribed
        break;
      case kenes::consultation::Door::kSubmit: {
        room->submit("conn-chair", rid, msg.submit_op());
        room->submit("conn-chair", rid, msg.submit_op());
        kenes::v1::SubmitOp other = msg.submit_op();
        other.set_client_id("client-researcher");
        room->submit("conn-researcher", rid, other);
        room->submit("conn-member", rid, msg.submit_op());  // a member may not edit
        break;
      }
      case kenes::consultation::Door::kPresence:
        room->presence("conn-chair", msg.presence());
        room->presence("conn-member", msg.presence());
        break;
      case kenes::consultation::Door::kDocument:
        room->open_document("conn-member", rid, msg.open_document().doc_id());
        break;
      case kenes::consultation::Door::kChange:
      case kenes::consultation::Door::kRead:
        room->request("conn-member", msg);
        room->request("conn-chair", msg);
        room->request("conn-chair", msg);  // the same again: a state refusal, or a second record
        break;
      case kenes::consultation::Door::kHistory:
        room->history_request("conn-member", msg);
        break;
    }
  }
  room->leave("conn-member");
  room->shutdown([&work] { work.reset(); });
  io.run();
  return 0;
}
