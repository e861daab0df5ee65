#pragma once

// Participants as the request tests drive them: each an Actor (one real
// client connection and everything it received), joined to a real server
// and asked to make requests whose answers (Ack or Error) the test waits
// for. Shared by the assessment and discussion suites.

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "test_harness.h"

namespace kenes::testing {

// What became of one request: an Ack (with the record's seq, and an
// accepted suggestion's version) or an Error.
struct Outcome {
  bool done = false;
  bool ok = false;
  uint64_t seq = 0;
  uint64_t version = 0;
  kenes::v1::Error error;
};

// One participant's connection and everything it received. Touched only on
// the pool's I/O thread (through ClientPool::run / wait_until).
struct Actor {
  std::string id;
  std::shared_ptr<client::KenesClient> client;
  std::map<uint64_t, Outcome> outcomes;  // by request id
  // Every ServerMessage while `recording`, and re-encoded for byte scans.
  std::vector<kenes::v1::ServerMessage> messages;
  std::vector<std::string> message_bytes;
  std::vector<kenes::v1::LogRecord> records;
  bool live = false;
  bool recording = true;
};

// A TestServer (`tweak` adjusts its options) and the pool its actors run on.
class ActorTest : public ::testing::Test {
 protected:
  explicit ActorTest(std::function<void(server::ServerOptions&)> tweak = {})
      : server_(std::make_unique<TestServer>(std::move(tweak))) {}

  // Connects `id` with `role` to `server` (the test's own by default) and
  // waits until it is live.
  std::shared_ptr<Actor> join(kenes::v1::Role role, const std::string& id, TestServer* server = nullptr);

  // Sends a request with `send` (on the I/O thread) and waits for its answer.
  Outcome request(Actor& a, const std::function<uint64_t(client::KenesClient&)>& send);

  static void expect_ok(const Outcome& o, const std::string& what);
  static void expect_error(const Outcome& o, kenes::v1::ErrorCode code, const std::string& what);

  std::unique_ptr<TestServer> server_;
  ClientPool pool_;
};

}  // namespace kenes::testing
