// A seeded simulation of the whole text protocol without a network: N
// clients (2..8), each a ClientDocument, edit one document through one
// DocumentSequencer. Messages travel through queues the test interleaves at
// random; clients keep editing while their op is in flight (so pending holds
// several composed edits); clients drop their connection now and then and
// come back with a catch-up and a resend of their in-flight op, and the op
// sent on the dead connection may still reach the server (a duplicate for the
// sequencer to recognise) or arrive late (stale). At the end, once everything
// is delivered, every client's text must equal the sequencer's.
//
// The network layer modelled here is what a real client does:
//  - an Ack and the Broadcast of every record reach a connected client in
//    the server's order, on one connection;
//  - a client that sees its own record (client_id, client_seq) calls on_ack,
//    and ignores a record whose version it already has (its op, already
//    acknowledged by the Ack message);
//  - on reconnect, the client catches up from its version, then resends.

#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

#include "engine/client_document.h"
#include "engine/document_sequencer.h"
#include "engine/testing/random_edits.h"
#include "engine/testing/printers.h"

namespace kenes::engine {
namespace {

using testing::Alphabet;
using testing::Rng;

struct Submit {
  uint64_t epoch;  // the connection it was sent on
  ClientDocument::OutgoingOp op;
};

struct Down {
  enum Kind { kBroadcast, kAck } kind;
  size_t log_index;     // kBroadcast
  uint64_t client_seq;  // kAck
  uint64_t version;     // kAck
};

struct LogEntry {
  TextOp op;
  uint64_t version;
  std::string client_id;
  uint64_t client_seq;
};

struct SimClient {
  SimClient(std::string id_, ClientDocument doc_) : id(std::move(id_)), doc(std::move(doc_)) {}

  std::string id;
  ClientDocument doc;
  uint64_t next_seq = 1;
  uint64_t epoch = 0;
  bool connected = true;
  std::deque<Submit> up;    // to the server, in order
  std::deque<Submit> limbo; // sent on a dead connection; may reach the server any time
  std::deque<Down> down;    // from the server, in order
};

struct Stats {
  uint64_t max_pending = 0;
  uint64_t duplicates = 0;
  uint64_t stale = 0;
  uint64_t reconnects = 0;
  uint64_t rebased = 0;  // submits whose base was behind
};

class Simulation {
 public:
  Simulation(uint64_t seed, size_t clients, Alphabet alphabet) : rng_(seed), alphabet_(alphabet) {
    const std::string initial = testing::random_text(rng_, rng_.below(20), alphabet_);
    server_ = DocumentSequencer(Rope(initial), 0, /*max_history=*/1 << 20);
    for (size_t i = 0; i < clients; ++i) {
      clients_.emplace_back("client-" + std::to_string(i), ClientDocument(initial, 0));
    }
  }

  void run(int steps) {
    for (int s = 0; s < steps && !::testing::Test::HasFatalFailure(); ++s) step();
    settle();
  }

  const DocumentSequencer& server() const { return server_; }
  const std::vector<SimClient>& clients() const { return clients_; }
  const Stats& stats() const { return stats_; }

 private:
  void step() {
    SimClient& c = clients_[rng_.below(clients_.size())];
    switch (rng_.below(10)) {
      case 0: case 1: case 2: case 3:
        local_edit(c);
        break;
      case 4:
        send(c);
        break;
      case 5: case 6:
        server_receive(c);
        break;
      case 7: case 8:
        client_receive(c);
        break;
      default:
        if (rng_.chance(1, 4)) {
          if (c.connected) {
            disconnect(c);
          } else {
            reconnect(c);
          }
        } else {
          send(c);
        }
    }
  }

  void local_edit(SimClient& c) {
    const TextOp op = testing::random_op(rng_, c.doc.text().length(), alphabet_);
    Status s = c.doc.local_edit(op);
    ASSERT_TRUE(s.ok()) << c.id << ": " << s.to_string() << " for " << op.debug_string();
    stats_.max_pending = std::max(stats_.max_pending, c.doc.pending_count());
  }

  void send(SimClient& c) {
    if (!c.connected || !c.doc.has_outgoing()) return;
    Result<ClientDocument::OutgoingOp> out = c.doc.take_outgoing(c.next_seq++);
    ASSERT_TRUE(out.ok()) << out.status().to_string();
    c.up.push_back(Submit{c.epoch, std::move(out.value())});
  }

  // The server takes the next message the client sent on its connection, or
  // a straggler from one of its dead connections.
  void server_receive(SimClient& c) {
    std::deque<Submit>& from = !c.limbo.empty() && (c.up.empty() || rng_.chance(1, 3)) ? c.limbo : c.up;
    if (from.empty()) return;
    Submit m = std::move(from.front());
    from.pop_front();
    const bool live = c.connected && m.epoch == c.epoch;
    if (m.op.base_version < server_.version()) ++stats_.rebased;
    Result<DocumentSequencer::Sequenced> r =
        server_.submit(c.id, m.op.client_seq, m.op.base_version, m.op.op);
    if (!r.ok()) {
      // Only a message from a dead connection may be refused: it can arrive
      // after the client moved on (stale). Its error goes nowhere.
      ASSERT_FALSE(live) << c.id << ": " << r.status().to_string();
      ASSERT_EQ(r.status().code(), ErrorCode::kStaleClientSeq) << r.status().to_string();
      ++stats_.stale;
      return;
    }
    if (r->duplicate) {
      ++stats_.duplicates;
    } else {
      log_.push_back(LogEntry{r->op, r->version, c.id, m.op.client_seq});
    }
    if (live) c.down.push_back(Down{Down::kAck, 0, m.op.client_seq, r->version});
    if (!r->duplicate) {
      for (SimClient& other : clients_) {
        if (other.connected) other.down.push_back(Down{Down::kBroadcast, log_.size() - 1, 0, 0});
      }
    }
  }

  void client_receive(SimClient& c) {
    if (c.down.empty()) return;
    Down d = c.down.front();
    c.down.pop_front();
    if (d.kind == Down::kAck) {
      Status s = c.doc.on_ack(d.client_seq, d.version);
      ASSERT_TRUE(s.ok()) << c.id << ": " << s.to_string();
      return;
    }
    deliver(c, log_[d.log_index]);
  }

  void deliver(SimClient& c, const LogEntry& e) {
    if (e.version <= c.doc.version()) return;  // our own op, acknowledged already
    if (e.client_id == c.id) {
      Status s = c.doc.on_ack(e.client_seq, e.version);
      ASSERT_TRUE(s.ok()) << c.id << ": own record: " << s.to_string();
      return;
    }
    Result<TextOp> r = c.doc.on_remote_op(e.op, e.version);
    ASSERT_TRUE(r.ok()) << c.id << ": remote op " << e.op.debug_string() << ": " << r.status().to_string();
  }

  void disconnect(SimClient& c) {
    c.connected = false;
    c.down.clear();  // whatever the server sent is lost
    // What the client sent may already be on its way to the server (it will
    // arrive some time, as a message of the dead connection) or be lost.
    for (Submit& m : c.up) {
      if (rng_.chance(1, 2)) c.limbo.push_back(std::move(m));
    }
    c.up.clear();
  }

  void reconnect(SimClient& c) {
    ++stats_.reconnects;
    c.connected = true;
    ++c.epoch;
    // Catch-up: every record after the client's version, then the resend.
    // The log starts at version 0: record i holds version i + 1.
    for (size_t i = c.doc.version(); i < log_.size(); ++i) {
      deliver(c, log_[i]);
      if (::testing::Test::HasFatalFailure()) return;
    }
    if (std::optional<ClientDocument::OutgoingOp> again = c.doc.resend_inflight()) {
      c.up.push_back(Submit{c.epoch, std::move(*again)});
    }
  }

  // Everyone reconnects, then messages flow until nothing is left to send.
  void settle() {
    for (SimClient& c : clients_) {
      if (!c.connected) reconnect(c);
    }
    for (int round = 0; round < 100000 && !::testing::Test::HasFatalFailure(); ++round) {
      bool busy = false;
      for (SimClient& c : clients_) {
        if (!c.up.empty() || !c.limbo.empty()) {
          server_receive(c);
          busy = true;
        }
        if (!c.down.empty()) {
          client_receive(c);
          busy = true;
        }
        if (c.doc.has_outgoing()) {
          send(c);
          busy = true;
        }
        busy = busy || c.doc.has_inflight();
      }
      if (!busy) return;
    }
    FAIL() << "the simulation did not settle";
  }

  Rng rng_;
  Alphabet alphabet_;
  DocumentSequencer server_;
  std::vector<SimClient> clients_;
  std::vector<LogEntry> log_;
  Stats stats_;
};

TEST(CollaborationSimulationTest, EveryClientConvergesToTheSequencersText) {
  Stats total;
  for (uint64_t seed : testing::test_seeds(1000)) {
    const size_t clients = 2 + seed % 7;  // 2..8
    const Alphabet alphabet = testing::all_alphabets()[(seed / 7) % testing::all_alphabets().size()];
    SCOPED_TRACE(testing::seed_note(seed) + ", " + std::to_string(clients) + " clients, alphabet " +
                 std::string(testing::alphabet_name(alphabet)));
    Simulation sim(seed, clients, alphabet);
    sim.run(600);
    ASSERT_FALSE(::testing::Test::HasFatalFailure());
    const std::string expected = sim.server().text().to_string();
    for (const SimClient& c : sim.clients()) {
      ASSERT_EQ(c.doc.text().to_string(), expected) << c.id;
      ASSERT_EQ(c.doc.version(), sim.server().version()) << c.id;
      ASSERT_FALSE(c.doc.has_inflight());
      ASSERT_TRUE(c.doc.pending().is_noop());
    }
    total.max_pending = std::max(total.max_pending, sim.stats().max_pending);
    total.duplicates += sim.stats().duplicates;
    total.stale += sim.stats().stale;
    total.reconnects += sim.stats().reconnects;
    total.rebased += sim.stats().rebased;
  }
  // The scenarios the simulation exists for did happen (with the default
  // seeds; a single reproduced seed need not hit all of them).
  if (testing::test_seeds(1000).size() > 1) {
    EXPECT_GE(total.max_pending, 3u) << "clients never had several pending edits";
    EXPECT_GT(total.duplicates, 0u) << "no duplicate resubmit was exercised";
    EXPECT_GT(total.reconnects, 0u);
    EXPECT_GT(total.rebased, 0u) << "no submit had to be rebased";
  }
  std::printf("simulation: max pending edits %llu, duplicates %llu, stale %llu, reconnects %llu, rebased %llu\n",
              static_cast<unsigned long long>(total.max_pending), static_cast<unsigned long long>(total.duplicates),
              static_cast<unsigned long long>(total.stale), static_cast<unsigned long long>(total.reconnects),
              static_cast<unsigned long long>(total.rebased));
}

}  // namespace
}  // namespace kenes::engine
