// Convergence through the real server: clients on loopback, RocksDB in a temp
// folder, seeded random concurrent edits.

#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>
#include <map>

#include "engine/testing/random_edits.h"
#include "replay/recovery.h"
#include "storage/rocks_log.h"
#include "test_harness.h"

namespace kenes::testing {
namespace {

using engine::testing::Alphabet;
using engine::testing::Rng;

bool all_settled(const std::vector<std::shared_ptr<client::KenesClient>>& clients) {
  for (const auto& c : clients) {
    if (c->state() != client::ConnectionState::kLive || c->has_unacknowledged()) return false;
  }
  return true;
}

// Every client's copy of `doc` equals the server's, and all versions agree.
void expect_converged(TestServer& server, ClientPool& pool, const std::vector<std::shared_ptr<client::KenesClient>>& clients,
                      const std::string& doc) {
  std::string server_text = server.document_text("demo", doc);
  uint64_t server_version = 0;
  server.inspect("demo", [&](const consultation::ConsultationState& s, uint64_t) {
    if (const auto* d = s.find_document(doc)) server_version = d->version();
  });
  ASSERT_TRUE(pool.wait_until([&] {
    for (auto& c : clients) {
      if (c->document(doc).version() != server_version) return false;
    }
    return true;
  })) << "clients did not reach the server's version " << server_version;
  pool.run([&] {
    for (size_t i = 0; i < clients.size(); ++i) {
      EXPECT_EQ(clients[i]->document(doc).text().to_string(), server_text) << "client " << i << " on " << doc;
    }
  });
}

TEST(ServerSyncTest, SixteenClientsEditingConcurrentlyConvergeOnTheServersText) {
  const uint64_t seed = test_seed();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (rerun with KENES_TEST_SEED=" + std::to_string(seed) + ")");
  TestServer server;
  ClientPool pool;
  std::vector<std::shared_ptr<client::KenesClient>> clients;
  std::vector<std::string> errors;
  for (int i = 0; i < 16; ++i) {
    // Built with += rather than "r" + std::to_string(i): GCC 12 warns falsely
    // (-Wstringop-overflow) on that form inside this large function.
    std::string participant = "r";
    participant += std::to_string(i);
    clients.push_back(pool.add(server.port(), server.token(kenes::v1::ROLE_RESEARCHER, participant)));
    pool.run([&, i] {
      clients.back()->on_error = [&errors, i](const kenes::v1::Error& e) {
        errors.push_back("client " + std::to_string(i) + ": " + kenes::v1::ErrorCode_Name(e.code()) + " " + e.message());
      };
      clients.back()->on_closed = [&errors, i](const std::string& why) {
        errors.push_back("client " + std::to_string(i) + " closed: " + why);
      };
    });
  }
  ASSERT_TRUE(pool.wait_until([&] { return all_settled(clients); }));

  const std::vector<std::string> docs = {"indicator/R.1", "indicator/A.1"};
  Rng rng(seed);
  // Rounds of edits from everyone without waiting for acks in between, so
  // ops cross on the wire and pending ops compose.
  for (int round = 0; round < 30; ++round) {
    pool.run([&] {
      for (auto& c : clients) {
        const std::string& doc = docs[rng.below(docs.size())];
        auto alphabet = engine::testing::all_alphabets()[rng.below(engine::testing::all_alphabets().size())];
        for (int k = 0; k < 3; ++k) {
          auto op = engine::testing::random_op(rng, c->document(doc).text().length(), alphabet);
          ASSERT_TRUE(c->local_edit(doc, op).ok());
        }
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(rng.below(4)));
  }
  bool settled = pool.wait_until([&] { return all_settled(clients); });
  if (!settled) {
    pool.run([&] {
      for (size_t i = 0; i < clients.size(); ++i) {
        for (const auto& doc : docs) {
          const auto& d = clients[i]->document(doc);
          ADD_FAILURE() << "client " << i << " state " << static_cast<int>(clients[i]->state()) << " " << doc
                        << " version " << d.version() << " inflight " << d.inflight_client_seq() << " pending "
                        << d.pending_count();
        }
      }
    });
  }
  ASSERT_TRUE(settled) << "acks did not all arrive";
  pool.run([&] { EXPECT_TRUE(errors.empty()) << errors.front(); });
  for (const auto& doc : docs) expect_converged(server, pool, clients, doc);

  // The log holds each op once and verifies.
  server.stop();
  auto log = storage::RocksLog::open((server.data_dir() / "data" / "log").string(), {});
  ASSERT_TRUE(log.ok()) << log.status().message();
  storage::VerifyReport report;
  EXPECT_TRUE(log.value()->verify("demo", &report).ok()) << (report.first_break ? report.first_break->message : "");
}

TEST(ServerSyncTest, ReconnectingInTheMiddleOfABurstLosesAndDoublesNothing) {
  const uint64_t seed = test_seed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  TestServer server;
  ClientPool pool;
  auto writer = pool.add(server.port(), server.token(kenes::v1::ROLE_RESEARCHER, "writer"));
  auto other = pool.add(server.port(), server.token(kenes::v1::ROLE_CHAIR, "chair"));
  std::vector<std::shared_ptr<client::KenesClient>> clients = {writer, other};
  ASSERT_TRUE(pool.wait_until([&] { return all_settled(clients); }));
  const std::string doc = "indicator/M.1";
  Rng rng(seed);
  uint64_t typed = 0;
  std::string expected_suffix;
  for (int burst = 0; burst < 40; ++burst) {
    pool.run([&] {
      for (int k = 0; k < 25; ++k) {
        // Append-only typing makes "nothing lost, nothing doubled" visible in
        // the text itself.
        std::string ch = (typed % 7 == 0) ? "ә" : std::string(1, static_cast<char>('a' + typed % 26));
        engine::TextOp op;
        op.retain(writer->document(doc).text().length()).insert(ch);
        ASSERT_TRUE(writer->local_edit(doc, op).ok());
        expected_suffix += ch;
        ++typed;
      }
      if (rng.chance(1, 3)) writer->drop_connection();
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(rng.below(3)));
  }
  ASSERT_TRUE(pool.wait_until([&] { return all_settled(clients); }, std::chrono::seconds(30)));
  expect_converged(server, pool, clients, doc);
  EXPECT_EQ(server.document_text("demo", doc), expected_suffix);
}

TEST(ServerSyncTest, AnObserverAndAMemberCannotEditADraft) {
  TestServer server;
  ClientPool pool;
  for (auto role : {kenes::v1::ROLE_OBSERVER, kenes::v1::ROLE_MEMBER}) {
    auto c = pool.add(server.port(), server.token(role, std::string("p-") + std::string(consultation::role_name(role))));
    std::vector<kenes::v1::Error> errors;
    pool.run([&] { c->on_error = [&](const kenes::v1::Error& e) { errors.push_back(e); }; });
    ASSERT_TRUE(pool.wait_until([&] { return c->state() == client::ConnectionState::kLive; }));
    pool.run([&] {
      engine::TextOp op;
      op.insert("not allowed");
      ASSERT_TRUE(c->local_edit("indicator/R.1", op).ok());
    });
    ASSERT_TRUE(pool.wait_until([&] { return !errors.empty(); }));
    EXPECT_EQ(errors[0].code(), kenes::v1::ERROR_CODE_FORBIDDEN);
    EXPECT_FALSE(errors[0].fatal());
  }
  EXPECT_EQ(server.document_text("demo", "indicator/R.1").find("not allowed"), std::string::npos);
}

TEST(ServerSyncTest, ATokenForOneConsultationCannotReadAnother) {
  TestServer server;
  ASSERT_EQ(server.server().create_consultation("other", "Another country", {}), "");
  ClientPool pool;
  std::vector<kenes::v1::Error> errors;
  std::vector<kenes::v1::LogRecord> records;
  auto c = pool.add(server.port(), server.token(kenes::v1::ROLE_CHAIR, "chair-a", "other"), "demo", false,
                    [&](client::KenesClient& c) {
                      c.on_error = [&](const kenes::v1::Error& e) { errors.push_back(e); };
                      c.on_record = [&](const kenes::v1::LogRecord& r) { records.push_back(r); };
                    });
  ASSERT_TRUE(pool.wait_until([&] { return !errors.empty(); }));
  EXPECT_EQ(errors[0].code(), kenes::v1::ERROR_CODE_FORBIDDEN);
  EXPECT_TRUE(records.empty()) << "records of another consultation were sent";

  // And a token for a consultation that does not exist is refused at Hello.
  std::vector<kenes::v1::Error> ghost_errors;
  auto ghost = pool.add(server.port(), server.token(kenes::v1::ROLE_CHAIR, "x", "nowhere"), "nowhere", false,
                        [&](client::KenesClient& c) {
                          c.on_error = [&](const kenes::v1::Error& e) { ghost_errors.push_back(e); };
                        });
  ASSERT_TRUE(pool.wait_until([&] { return !ghost_errors.empty(); }));
  EXPECT_EQ(ghost_errors[0].code(), kenes::v1::ERROR_CODE_FORBIDDEN);
  EXPECT_TRUE(ghost_errors[0].fatal());
}

TEST(ServerSyncTest, ARevokedParticipantIsDisconnectedAtOnceAndRefusedAfter) {
  TestServer server;
  ClientPool pool;
  auto chair = pool.add(server.port(), server.token(kenes::v1::ROLE_CHAIR, "chair"));
  auto member = pool.add(server.port(), server.token(kenes::v1::ROLE_MEMBER, "leaving-member"), "demo", false);
  std::vector<kenes::v1::Error> member_errors;
  std::string closed_reason;
  pool.run([&] {
    member->on_error = [&](const kenes::v1::Error& e) { member_errors.push_back(e); };
    member->on_closed = [&](const std::string& r) { closed_reason = r; };
  });
  ASSERT_TRUE(pool.wait_until([&] {
    return chair->state() == client::ConnectionState::kLive && member->state() == client::ConnectionState::kLive;
  }));
  pool.run([&] {
    kenes::v1::ClientMessage m;
    m.set_request_id(77);
    m.mutable_revoke_participant()->set_participant_id("leaving-member");
    m.mutable_revoke_participant()->set_reason("left the board");
    chair->send_message(m);
  });
  ASSERT_TRUE(pool.wait_until([&] { return !member_errors.empty() && !closed_reason.empty(); }));
  EXPECT_EQ(member_errors[0].code(), kenes::v1::ERROR_CODE_REVOKED);

  std::vector<kenes::v1::Error> again_errors;
  auto again = pool.add(server.port(), server.token(kenes::v1::ROLE_MEMBER, "leaving-member"), "demo", false,
                        [&](client::KenesClient& c) {
                          c.on_error = [&](const kenes::v1::Error& e) { again_errors.push_back(e); };
                        });
  ASSERT_TRUE(pool.wait_until([&] { return !again_errors.empty(); }));
  EXPECT_EQ(again_errors[0].code(), kenes::v1::ERROR_CODE_REVOKED);
}

TEST(ServerSyncTest, ARestartedServerServesTheSameStateFromSnapshotsAndFromTheFullLog) {
  std::string before;
  TempDir keep;
  {
    TestServer server([&](server::ServerOptions& o) {
      o.snapshot_every_records = 50;  // several snapshot sets during the test
      o.data_dir = (keep.path() / "data").string();
    });
    ClientPool pool;
    auto w = pool.add(server.port(), server.token(kenes::v1::ROLE_RESEARCHER, "w"));
    ASSERT_TRUE(pool.wait_until([&] { return w->state() == client::ConnectionState::kLive; }));
    Rng rng(test_seed());
    for (int i = 0; i < 300; ++i) {
      pool.run([&] {
        auto op = engine::testing::random_op(rng, w->document("indicator/X.1").text().length(), Alphabet::kMixed);
        ASSERT_TRUE(w->local_edit("indicator/X.1", op).ok());
      });
      if (i % 10 == 0) {
        ASSERT_TRUE(pool.wait_until([&] { return !w->has_unacknowledged(); }));
      }
    }
    ASSERT_TRUE(pool.wait_until([&] { return !w->has_unacknowledged(); }));
    before = server.document_text("demo", "indicator/X.1");
  }
  auto log = storage::RocksLog::open((keep.path() / "data" / "log").string(), {});
  ASSERT_TRUE(log.ok());
  auto with = replay::recover_consultation(*log.value(), "demo", true);
  auto without = replay::recover_consultation(*log.value(), "demo", false);
  ASSERT_EQ(with.error, "");
  ASSERT_EQ(without.error, "");
  EXPECT_TRUE(with.used_snapshot);
  EXPECT_LT(with.replayed_records, without.replayed_records);
  EXPECT_EQ(with.head.seq, without.head.seq);
  EXPECT_EQ(with.head.hash, without.head.hash);
  EXPECT_EQ(with.state.find_document("indicator/X.1")->text().to_string(), before);
  EXPECT_EQ(without.state.find_document("indicator/X.1")->text().to_string(), before);
}

}  // namespace
}  // namespace kenes::testing
