#include "actors.h"

namespace kenes::testing {

std::shared_ptr<Actor> ActorTest::join(kenes::v1::Role role, const std::string& id, TestServer* server) {
  if (!server) server = server_.get();
  auto actor = std::make_shared<Actor>();
  actor->id = id;
  actor->client = pool_.add(server->port(), server->token(role, id), "demo", true, [actor](client::KenesClient& c) {
    c.on_message = [actor](const kenes::v1::ServerMessage& m) {
      if (actor->recording) {
        actor->messages.push_back(m);
        actor->message_bytes.push_back(m.SerializeAsString());
      }
      if (m.has_catch_up() && m.catch_up().done()) actor->live = true;
      if (m.has_error() && m.error().request_id() != 0) {
        Outcome& o = actor->outcomes[m.error().request_id()];
        o.done = true;
        o.error = m.error();
      }
      // Acks of requests (not of the actor's own text edits, which name a document).
      if (m.has_ack() && m.ack().doc_id().empty()) {
        Outcome& o = actor->outcomes[m.request_id()];
        o.done = true;
        o.ok = true;
        o.seq = m.ack().seq();
        o.version = m.ack().version();
      }
    };
    c.on_record = [actor](const kenes::v1::LogRecord& r) { actor->records.push_back(r); };
  });
  EXPECT_TRUE(pool_.wait_until([&] { return actor->live; })) << id << " never went live";
  return actor;
}

Outcome ActorTest::request(Actor& a, const std::function<uint64_t(client::KenesClient&)>& send) {
  uint64_t rid = 0;
  pool_.run([&] { rid = send(*a.client); });
  Outcome out;
  const bool answered = pool_.wait_until([&] {
    auto it = a.outcomes.find(rid);
    if (it == a.outcomes.end() || !it->second.done) return false;
    out = it->second;
    return true;
  });
  EXPECT_TRUE(answered) << a.id << ": no answer to request " << rid;
  return out;
}

void ActorTest::expect_ok(const Outcome& o, const std::string& what) {
  EXPECT_TRUE(o.ok) << what << ": " << kenes::v1::ErrorCode_Name(o.error.code()) << " " << o.error.message();
}

void ActorTest::expect_error(const Outcome& o, kenes::v1::ErrorCode code, const std::string& what) {
  EXPECT_FALSE(o.ok) << what << ": accepted";
  EXPECT_EQ(o.error.code(), code) << what << ": " << kenes::v1::ErrorCode_Name(o.error.code()) << " "
                                  << o.error.message();
}

}  // namespace kenes::testing
