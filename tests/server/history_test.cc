// Document history (issue 6) on a real server: GetDocumentAt / Diff / Blame
// checked against what the engine alone computes from the log's records —
// "history at version N equals replay to N" — by version, by time and by
// meeting start; the diff's concatenation laws; blame against a brute-force
// attribution (one author set per code point); the same answers after a
// restart; the errors; and the automerge-paper editing trace typed through
// the server.

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <random>
#include <set>

#include "editing_trace.h"
#include "engine/text_op.h"
#include "engine/utf8.h"
#include "consultation/proto_convert.h"
#include "storage/rocks_log.h"
#include "test_harness.h"

namespace kenes::testing {
namespace {

using kenes::v1::HistoryPoint;
using kenes::v1::ServerMessage;
using Clock = std::chrono::steady_clock;

constexpr char kDoc[] = "indicator/R.1.1";

HistoryPoint at_version(uint64_t v) {
  HistoryPoint p;
  p.set_version(v);
  return p;
}
HistoryPoint at_time(int64_t t) {
  HistoryPoint p;
  p.set_time_unix_ms(t);
  return p;
}
HistoryPoint at_meeting(const std::string& id) {
  HistoryPoint p;
  p.set_meeting_started(id);
  return p;
}

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// One code point's authors, as brute force keeps them: sorted, distinct.
using Authors = std::vector<std::string>;

Authors authors_of(const kenes::v1::LogRecord& rec) {
  std::set<std::string> s{rec.author()};
  for (const auto& a : rec.text_edit().co_authors()) s.insert(a);
  return Authors(s.begin(), s.end());
}

// What the log says, computed without the server's history code: every
// record, and the document's edits in version order.
struct Expected {
  std::vector<kenes::v1::LogRecord> records;  // all, seq order
  std::vector<kenes::v1::LogRecord> edits;    // edits[v - 1] made version v

  static Expected read(storage::Log& log, const std::string& doc) {
    Expected e;
    auto r = log.read("demo", 1, 10'000'000);
    EXPECT_TRUE(r.ok()) << r.status().message();
    for (const auto& sr : r.value()) {
      kenes::v1::LogRecord rec;
      EXPECT_TRUE(rec.ParseFromString(sr.payload));
      rec.set_seq(sr.seq);
      if (rec.has_text_edit() && rec.text_edit().doc_id() == doc) {
        EXPECT_EQ(rec.text_edit().version(), e.edits.size() + 1);
        e.edits.push_back(rec);
      }
      e.records.push_back(std::move(rec));
    }
    return e;
  }
  uint64_t latest() const { return edits.size(); }

  // Replay to version v with the engine's apply.
  std::string text(uint64_t v) const {
    std::string t;
    for (uint64_t i = 0; i < v; ++i) {
      auto op = consultation::op_from_proto(edits[i].text_edit().op());
      EXPECT_TRUE(op.ok());
      EXPECT_TRUE(engine::apply_to_string(op.value(), t).ok());
    }
    return t;
  }

  // Brute force: one author set per code point, ops walked component by
  // component (no engine::Blame).
  std::vector<Authors> blame(uint64_t v) const {
    std::vector<Authors> cps;
    for (uint64_t i = 0; i < v; ++i) {
      auto op = consultation::op_from_proto(edits[i].text_edit().op());
      std::vector<Authors> next;
      size_t pos = 0;
      for (const auto& c : op.value().components()) {
        if (auto* r = std::get_if<engine::Retain>(&c)) {
          for (uint64_t k = 0; k < r->n; ++k) next.push_back(cps[pos++]);
        } else if (auto* d = std::get_if<engine::Delete>(&c)) {
          pos += d->n;
        } else {
          for (uint64_t k = 0; k < std::get<engine::Insert>(c).length; ++k) next.push_back(authors_of(edits[i]));
        }
      }
      while (pos < cps.size()) next.push_back(cps[pos++]);
      cps = std::move(next);
    }
    return cps;
  }

  // The version the document had after record `seq`.
  uint64_t version_at_seq(uint64_t seq) const {
    uint64_t v = 0;
    while (v < edits.size() && edits[v].seq() <= seq) ++v;
    return v;
  }
  uint64_t version_at_time(int64_t t) const {
    uint64_t v = 0;
    while (v < edits.size() && edits[v].time_unix_ms() <= t) ++v;
    return v;
  }
};

// Code points of a DocumentBlame, expanded.
std::vector<Authors> expand(const kenes::v1::DocumentBlame& b) {
  std::vector<Authors> out;
  for (const auto& run : b.runs()) {
    Authors a(run.authors().begin(), run.authors().end());
    for (uint64_t k = 0; k < run.length(); ++k) out.push_back(a);
  }
  return out;
}

// A client that asks history questions and waits for the answers.
class Asker {
 public:
  Asker(ClientPool& pool, uint16_t port, const std::string& token,
        std::chrono::milliseconds live_within = std::chrono::seconds(20))
      : pool_(pool) {
    auto answers = answers_;
    auto live = live_;
    client_ = pool.add(port, token, "demo", true, [answers, live](client::KenesClient& c) {
      c.on_live = [live] { *live = true; };
      c.on_message = [answers](const ServerMessage& m) {
        if (m.has_document_at() || m.has_document_diff() || m.has_document_blame()) (*answers)[m.request_id()] = m;
        if (m.has_error() && m.error().request_id() != 0) (*answers)[m.error().request_id()] = m;
      };
    });
    EXPECT_TRUE(pool.wait_until([&] { return *live_; }, live_within));
  }

  ServerMessage ask(const std::function<uint64_t(client::KenesClient&)>& send) {
    uint64_t rid = 0;
    pool_.run([&] { rid = send(*client_); });
    EXPECT_TRUE(pool_.wait_until([&] { return answers_->count(rid) > 0; }, std::chrono::seconds(120)))
        << "no answer to request " << rid;
    ServerMessage out;
    pool_.run([&] {
      if (answers_->count(rid)) out = answers_->at(rid);
      answers_->erase(rid);
    });
    out.clear_request_id();
    return out;
  }
  ServerMessage at(const HistoryPoint& p) {
    return ask([&](client::KenesClient& c) { return c.get_document_at(kDoc, p); });
  }
  ServerMessage diff(const HistoryPoint& from, const std::optional<HistoryPoint>& to = std::nullopt) {
    return ask([&](client::KenesClient& c) { return c.get_document_diff(kDoc, from, to); });
  }
  ServerMessage blame(const std::optional<HistoryPoint>& p = std::nullopt) {
    return ask([&](client::KenesClient& c) { return c.get_document_blame(kDoc, p); });
  }

 private:
  ClientPool& pool_;
  std::shared_ptr<client::KenesClient> client_;
  std::shared_ptr<std::map<uint64_t, ServerMessage>> answers_ = std::make_shared<std::map<uint64_t, ServerMessage>>();
  std::shared_ptr<bool> live_ = std::make_shared<bool>(false);
};

// The laws of a diff between versions a and b, and its authors.
void check_diff(const Expected& ex, const ServerMessage& m, uint64_t a, uint64_t b, const std::string& what,
                bool check_authors = true) {
  ASSERT_TRUE(m.has_document_diff()) << what << ": " << m.DebugString();
  const auto& d = m.document_diff();
  EXPECT_EQ(d.from_version(), a) << what;
  EXPECT_EQ(d.to_version(), b) << what;
  std::string earlier, later;
  std::vector<Authors> later_authors;
  for (const auto& s : d.segments()) {
    ASSERT_FALSE(s.text().empty()) << what;
    const uint64_t n = engine::count_code_points(s.text());
    if (s.kind() == kenes::v1::DiffSegment::KIND_EQUAL || s.kind() == kenes::v1::DiffSegment::KIND_DELETED) {
      earlier += s.text();
    }
    if (s.kind() == kenes::v1::DiffSegment::KIND_EQUAL || s.kind() == kenes::v1::DiffSegment::KIND_INSERTED) {
      later += s.text();
      for (uint64_t k = 0; k < n; ++k) later_authors.emplace_back(s.authors().begin(), s.authors().end());
    } else {
      EXPECT_EQ(s.authors_size(), 0) << what;
    }
  }
  EXPECT_EQ(earlier, ex.text(a)) << what << ": EQUAL + DELETED is the earlier text";
  EXPECT_EQ(later, ex.text(b)) << what << ": EQUAL + INSERTED is the later text";
  if (check_authors) {
    EXPECT_TRUE(later_authors == ex.blame(b)) << what << ": the authors are blame at the later version";
  }
  if (a == b) {
    for (const auto& s : d.segments()) EXPECT_EQ(s.kind(), kenes::v1::DiffSegment::KIND_EQUAL) << what;
  }
}

void check_at(const Expected& ex, const ServerMessage& m, uint64_t v, const std::string& what) {
  ASSERT_TRUE(m.has_document_at()) << what << ": " << m.DebugString();
  const auto& d = m.document_at();
  EXPECT_EQ(d.doc_id(), kDoc);
  EXPECT_EQ(d.version(), v) << what;
  EXPECT_EQ(d.latest_version(), ex.latest()) << what;
  EXPECT_EQ(d.text(), ex.text(v)) << what << ": history at version " << v << " is the replay to " << v;
  if (v == 0) {
    EXPECT_EQ(d.time_unix_ms(), 0);
    EXPECT_EQ(d.author(), "");
  } else {
    EXPECT_EQ(d.time_unix_ms(), ex.edits[v - 1].time_unix_ms()) << what;
    EXPECT_EQ(d.author(), ex.edits[v - 1].author()) << what;
  }
}

void check_blame(const Expected& ex, const ServerMessage& m, uint64_t v, const std::string& what) {
  ASSERT_TRUE(m.has_document_blame()) << what << ": " << m.DebugString();
  EXPECT_EQ(m.document_blame().version(), v) << what;
  EXPECT_EQ(m.document_blame().text(), ex.text(v)) << what;
  EXPECT_TRUE(expand(m.document_blame()) == ex.blame(v)) << what << ": blame equals the brute-force attribution";
  for (int i = 1; i < m.document_blame().runs_size(); ++i) {
    EXPECT_FALSE(std::equal(m.document_blame().runs(i).authors().begin(), m.document_blame().runs(i).authors().end(),
                            m.document_blame().runs(i - 1).authors().begin(),
                            m.document_blame().runs(i - 1).authors().end()))
        << what << ": runs are maximal";
  }
}

void expect_error(const ServerMessage& m, kenes::v1::ErrorCode code, const std::string& what) {
  ASSERT_TRUE(m.has_error()) << what << ": " << m.DebugString();
  EXPECT_EQ(m.error().code(), code) << what << ": " << m.error().message();
  EXPECT_FALSE(m.error().message().empty());
  EXPECT_FALSE(m.error().fatal());
}

// Random text with multi-byte code points, so that code points and bytes differ.
std::string random_text(std::mt19937_64& rng) {
  static const std::vector<std::string> pieces = {"a", "b", "c", " ", "é", "ж", "中", "😀", "q", "\n"};
  std::string s;
  int n = 1 + static_cast<int>(rng() % 6);
  for (int i = 0; i < n; ++i) s += pieces[rng() % pieces.size()];
  return s;
}

engine::TextOp random_op(std::mt19937_64& rng, uint64_t len) {
  engine::TextOp op;
  uint64_t pos = rng() % (len + 1);
  op.retain(pos);
  if (len > pos && rng() % 3 == 0) {
    op.del(1 + rng() % std::min<uint64_t>(len - pos, 5));
  } else {
    op.insert(random_text(rng));
  }
  return op;
}

struct Editors {
  std::vector<std::shared_ptr<client::KenesClient>> clients;

  Editors(TestServer& server, ClientPool& pool, const std::vector<std::pair<kenes::v1::Role, std::string>>& who) {
    for (const auto& [role, id] : who) {
      auto live = std::make_shared<bool>(false);
      clients.push_back(pool.add(server.port(), server.token(role, id), "demo", true,
                                 [live](client::KenesClient& c) { c.on_live = [live] { *live = true; }; }));
      EXPECT_TRUE(pool.wait_until([&] { return *live; }));
    }
  }

  // Each client edits its own view a few times without waiting for the
  // others: concurrent edits, transformed by the server.
  void edit_rounds(ClientPool& pool, std::mt19937_64& rng, int rounds) {
    for (int r = 0; r < rounds; ++r) {
      pool.run([&] {
        for (auto& c : clients) {
          int n = 1 + static_cast<int>(rng() % 2);
          for (int i = 0; i < n; ++i) {
            engine::TextOp op = random_op(rng, c->document(kDoc).text().length());
            ASSERT_TRUE(c->local_edit(kDoc, op).ok());
          }
        }
      });
      // A pause lets acks come back, so that rounds become separate versions
      // (and their times differ).
      std::this_thread::sleep_for(std::chrono::milliseconds(r % 3 == 2 ? 3 : 1));
    }
    settle(pool);
  }

  void settle(ClientPool& pool) {
    ASSERT_TRUE(pool.wait_until([&] {
      uint64_t v = clients.front()->document(kDoc).version();
      for (auto& c : clients) {
        if (c->has_unacknowledged() || c->document(kDoc).version() != v) return false;
      }
      return true;
    })) << "the editors did not converge";
  }
};

struct HistoryFixture {
  TempDir dir;
  std::function<void(server::ServerOptions&)> tweak = [this](server::ServerOptions& o) {
    o.data_dir = (dir.path() / "data").string();
    // Snapshots now and then: GetDocumentAt starts from one when it can.
    o.snapshot_every_records = 17;
  };
};

// ------------------------------------------------------------------ tests

TEST(History, AtDiffBlameEqualTheReplayOfTheLogAndSurviveARestart) {
  const uint64_t seed = test_seed();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (KENES_TEST_SEED=" + std::to_string(seed) + " to repeat)");
  std::mt19937_64 rng(seed);
  HistoryFixture fx;
  std::string meeting_id;
  std::vector<std::pair<std::string, std::string>> answers_before;  // (question, answer bytes)
  auto questions = std::make_shared<std::vector<std::pair<std::string, std::function<ServerMessage(Asker&)>>>>();
  {
    TestServer server(fx.tweak);
    ClientPool pool;
    Editors editors(server, pool,
                    {{kenes::v1::ROLE_CHAIR, "chair"}, {kenes::v1::ROLE_RESEARCHER, "r1"},
                     {kenes::v1::ROLE_RESEARCHER, "r2"}});
    Asker observer(pool, server.port(), server.token(kenes::v1::ROLE_OBSERVER, "obs"));

    // Before any edit the document has no history.
    expect_error(observer.at(at_version(0)), kenes::v1::ERROR_CODE_NOT_FOUND, "never edited");

    editors.edit_rounds(pool, rng, 25);
    // A meeting starts in the middle of the editing.
    pool.run([&] { editors.clients[0]->start_meeting("Review", {}); });
    ASSERT_TRUE(pool.wait_until([&] {
      for (const auto& r : Expected::read(server.server().consultation_log(), kDoc).records) {
        if (r.has_meeting_started()) meeting_id = r.meeting_started().meeting_id();
      }
      return !meeting_id.empty();
    }));
    editors.edit_rounds(pool, rng, 25);

    const Expected ex = Expected::read(server.server().consultation_log(), kDoc);
    ASSERT_GT(ex.latest(), 50u);
    const uint64_t latest = ex.latest();

    // By version: the ends and a sample between.
    std::vector<uint64_t> sample = {0, 1, 2, latest - 1, latest};
    for (int i = 0; i < 12; ++i) sample.push_back(rng() % (latest + 1));
    for (uint64_t v : sample) check_at(ex, observer.at(at_version(v)), v, "at version " + std::to_string(v));
    // Unset: the current version.
    check_at(ex, observer.at(HistoryPoint()), latest, "at an unset point");

    // By time: the latest version sequenced at or before t.
    for (int i = 0; i < 8; ++i) {
      uint64_t v = 1 + rng() % latest;
      int64_t t = ex.edits[v - 1].time_unix_ms();
      uint64_t want = ex.version_at_time(t);
      check_at(ex, observer.at(at_time(t)), want, "at time " + std::to_string(t));
    }
    check_at(ex, observer.at(at_time(ex.edits.back().time_unix_ms() + 60'000)), latest, "at a time after the end");

    // By meeting start.
    uint64_t meeting_seq = 0;
    for (const auto& r : ex.records) {
      if (r.has_meeting_started()) meeting_seq = r.seq();
    }
    const uint64_t at_start = ex.version_at_seq(meeting_seq);
    ASSERT_GT(at_start, 0u);
    ASSERT_LT(at_start, latest);
    check_at(ex, observer.at(at_meeting(meeting_id)), at_start, "at the meeting's start");

    // Diffs: random pairs, the empty diff, everything, since the meeting.
    for (int i = 0; i < 8; ++i) {
      uint64_t a = rng() % (latest + 1), b = rng() % (latest + 1);
      if (a > b) std::swap(a, b);
      check_diff(ex, observer.diff(at_version(a), at_version(b)), a, b,
                 "diff " + std::to_string(a) + ".." + std::to_string(b));
    }
    check_diff(ex, observer.diff(at_version(0)), 0, latest, "diff from 0 to now");
    check_diff(ex, observer.diff(at_version(latest)), latest, latest, "the empty diff");
    check_diff(ex, observer.diff(at_meeting(meeting_id)), at_start, latest, "diff since the meeting started");

    // Blame: brute force at several versions; several authors at the end.
    for (uint64_t v : {uint64_t{1}, latest / 3, latest / 2, latest}) {
      check_blame(ex, observer.blame(at_version(v)), v, "blame at " + std::to_string(v));
    }
    check_blame(ex, observer.blame(), latest, "blame now");
    std::set<std::string> authors;
    const ServerMessage now = observer.blame();
    for (const auto& run : now.document_blame().runs()) authors.insert(run.authors(0));
    EXPECT_GE(authors.size(), 2u) << "the editors' text is attributed to several of them";

    // Errors, each named, none fatal.
    expect_error(observer.at(at_version(latest + 1)), kenes::v1::ERROR_CODE_HISTORY_POINT, "a version beyond");
    expect_error(observer.at(at_time(ex.edits.front().time_unix_ms() - 1)), kenes::v1::ERROR_CODE_HISTORY_POINT,
                 "a time before the document");
    expect_error(observer.at(at_meeting("meeting-99")), kenes::v1::ERROR_CODE_NOT_FOUND, "an unknown meeting");
    expect_error(observer.ask([](client::KenesClient& c) { return c.get_document_at("indicator/none", at_version(0)); }),
                 kenes::v1::ERROR_CODE_NOT_FOUND, "an unknown document");
    expect_error(observer.ask([](client::KenesClient& c) { return c.get_document_blame("bad doc id!"); }),
                 kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "a bad doc id");
    expect_error(observer.ask([](client::KenesClient& c) { return c.get_document_at("", at_version(0)); }),
                 kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "an empty doc id");
    expect_error(observer.diff(at_version(3), at_version(2)), kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "from after to");
    expect_error(observer.diff(HistoryPoint()), kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "a diff without from");
    expect_error(observer.diff(at_version(0), at_version(latest + 5)), kenes::v1::ERROR_CODE_HISTORY_POINT,
                 "a diff to beyond");

    // The questions asked again after the restart, with the same answers.
    auto& q = *questions;
    q.emplace_back("at 0", [](Asker& a) { return a.at(at_version(0)); });
    for (uint64_t v : sample) {
      q.emplace_back("at " + std::to_string(v), [v](Asker& a) { return a.at(at_version(v)); });
    }
    q.emplace_back("at meeting", [meeting_id](Asker& a) { return a.at(at_meeting(meeting_id)); });
    q.emplace_back("diff since meeting", [meeting_id](Asker& a) { return a.diff(at_meeting(meeting_id)); });
    q.emplace_back("diff 0..now", [](Asker& a) { return a.diff(at_version(0)); });
    const int64_t mid_time = ex.edits[latest / 2].time_unix_ms();
    q.emplace_back("at mid time", [mid_time](Asker& a) { return a.at(at_time(mid_time)); });
    q.emplace_back("diff 3..latest-2", [latest](Asker& a) { return a.diff(at_version(3), at_version(latest - 2)); });
    q.emplace_back("blame mid", [latest](Asker& a) { return a.blame(at_version(latest / 2)); });
    q.emplace_back("blame now", [](Asker& a) { return a.blame(); });
    for (auto& [name, fn] : q) answers_before.emplace_back(name, fn(observer).SerializeAsString());
  }
  {
    // The restarted server builds its index from the log (nothing of it was
    // in memory): the same answers.
    TestServer server(fx.tweak);
    ClientPool pool;
    Asker member(pool, server.port(), server.token(kenes::v1::ROLE_MEMBER, "m1"));
    for (size_t i = 0; i < questions->size(); ++i) {
      EXPECT_EQ((*questions)[i].second(member).SerializeAsString(), answers_before[i].second)
          << "after a restart: " << (*questions)[i].first;
    }
  }
  {
    // Restarted again, and edited before anyone asks: the index is the
    // edits read from the log followed by those the room saw since it started.
    TestServer server(fx.tweak);
    ClientPool pool;
    Editors editors(server, pool, {{kenes::v1::ROLE_CHAIR, "chair"}, {kenes::v1::ROLE_RESEARCHER, "r3"}});
    const uint64_t before = Expected::read(server.server().consultation_log(), kDoc).latest();
    editors.edit_rounds(pool, rng, 6);
    Asker reader(pool, server.port(), server.token(kenes::v1::ROLE_MEMBER, "m1"));
    const Expected ex = Expected::read(server.server().consultation_log(), kDoc);
    ASSERT_GT(ex.latest(), before);
    for (uint64_t v : {uint64_t{0}, before / 2, before, before + 1, ex.latest()}) {
      check_at(ex, reader.at(at_version(v)), v, "after edits since the restart, at " + std::to_string(v));
    }
    check_blame(ex, reader.blame(), ex.latest(), "blame after edits since the restart");
    check_diff(ex, reader.diff(at_version(before)), before, ex.latest(), "diff across the restart");
  }
}

// An accepted suggestion's edit is attributed to its author and the
// suggester (TextEdit.co_authors). Such a record is written straight into the
// log here, as the server would write it, then read back through a restart.
TEST(History, BlameAttributesAnEditToItsAuthorAndCoAuthors) {
  HistoryFixture fx;
  {
    TestServer server(fx.tweak);
    ClientPool pool;
    Editors editors(server, pool, {{kenes::v1::ROLE_RESEARCHER, "r1"}});
    pool.run([&] { ASSERT_TRUE(editors.clients[0]->local_edit(kDoc, engine::TextOp().insert("hello world")).ok()); });
    editors.settle(pool);
  }
  {
    auto log = storage::RocksLog::open((fx.dir.path() / "data" / "log").string());
    ASSERT_TRUE(log.ok()) << log.status().message();
    kenes::v1::LogRecord rec;
    rec.set_time_unix_ms(1);
    rec.set_author("r1");
    auto* edit = rec.mutable_text_edit();
    edit->set_doc_id(kDoc);
    edit->set_version(2);
    consultation::op_to_proto(engine::TextOp().retain(6).del(5).insert("there"), edit->mutable_op());
    edit->add_co_authors("suggester");
    std::vector<storage::Entry> entries(1);
    entries[0].payload = rec.SerializeAsString();
    ASSERT_TRUE(log.value()->append("demo", std::move(entries)).ok());
  }
  TestServer server(fx.tweak);
  ClientPool pool;
  Asker asker(pool, server.port(), server.token(kenes::v1::ROLE_MEMBER, "m1"));
  const Expected ex = Expected::read(server.server().consultation_log(), kDoc);
  ASSERT_EQ(ex.latest(), 2u);
  ServerMessage b = asker.blame();
  check_blame(ex, b, 2, "blame with co-authors");
  ASSERT_EQ(b.document_blame().runs_size(), 2);
  EXPECT_EQ(b.document_blame().runs(0).length(), 6u);
  EXPECT_EQ(std::vector<std::string>(b.document_blame().runs(1).authors().begin(),
                                     b.document_blame().runs(1).authors().end()),
            (std::vector<std::string>{"r1", "suggester"}));
  check_diff(ex, asker.diff(at_version(1)), 1, 2, "diff of the accepted suggestion");
}

// The automerge-paper trace typed through the server by one client (its
// patches composed while an op is in flight, as a fast typist's are): the
// history at a few versions is the replay of the log, the latest is the
// trace's end, and the timings of the reads are printed (not asserted).
TEST(History, TheAutomergePaperTraceThroughTheServer) {
  auto loaded = trace::load_trace(std::filesystem::path(KENES_TRACES_DIR) / "automerge-paper.json.gz");
  ASSERT_TRUE(loaded.ok()) << loaded.error;
  const trace::EditingTrace& tr = *loaded.trace;
  HistoryFixture fx;
  fx.tweak = [&](server::ServerOptions& o) { o.data_dir = (fx.dir.path() / "data").string(); };
  TestServer server(fx.tweak);
  ClientPool pool;
  Editors editors(server, pool, {{kenes::v1::ROLE_RESEARCHER, "typist"}});
  auto typist = editors.clients[0];
  size_t txn = 0;
  while (txn < tr.txns.size()) {
    // A slice of patches, then a turn for the network.
    pool.run([&] {
      for (int n = 0; n < 256 && txn < tr.txns.size(); ++n, ++txn) {
        for (const auto& p : tr.txns[txn].patches) {
          engine::TextOp op;
          op.retain(p.pos).del(p.del).insert(p.ins);
          ASSERT_TRUE(typist->local_edit(kDoc, op).ok());
        }
      }
    });
  }
  editors.settle(pool);
  const Expected ex = Expected::read(server.server().consultation_log(), kDoc);
  const uint64_t latest = ex.latest();
  std::cout << "[history] automerge-paper: " << tr.patch_count() << " patches became " << latest << " versions\n";
  Asker reader(pool, server.port(), server.token(kenes::v1::ROLE_MEMBER, "m1"));

  auto t0 = Clock::now();
  ServerMessage now = reader.at(at_version(latest));
  std::cout << "[history] first read (loads the index): " << ms_since(t0) << " ms\n";
  ASSERT_TRUE(now.has_document_at());
  EXPECT_EQ(now.document_at().text(), tr.end_content);
  for (uint64_t v : {uint64_t{1}, latest / 4, latest / 2, latest - 1}) {
    t0 = Clock::now();
    ServerMessage m = reader.at(at_version(v));
    std::cout << "[history] at " << v << ": " << ms_since(t0) << " ms\n";
    check_at(ex, m, v, "trace at " + std::to_string(v));
  }
  t0 = Clock::now();
  ServerMessage b = reader.blame();
  std::cout << "[history] blame at " << latest << ": " << ms_since(t0) << " ms\n";
  ASSERT_TRUE(b.has_document_blame());
  ASSERT_EQ(b.document_blame().runs_size(), 1);
  EXPECT_EQ(b.document_blame().runs(0).length(), engine::count_code_points(tr.end_content));
  t0 = Clock::now();
  ServerMessage d = reader.diff(at_version(latest / 2));
  std::cout << "[history] diff " << latest / 2 << ".." << latest << ": " << ms_since(t0) << " ms\n";
  // (Authors unchecked: the brute force is too slow at this size; the
  // text has one author anyway.)
  check_diff(ex, d, latest / 2, latest, "trace diff", false);
}


// The cost of a history read on a long log, printed, not asserted. Opt-in
// (it writes about a million records):
//   build/release/tests/server/kenes_history_tests --gtest_also_run_disabled_tests
//     --gtest_filter='History.DISABLED_LongLogCost'
// The log: the automerge-paper trace, patch by patch (259,778 edits), into
// four documents interleaved — 1,039,112 TextEdit records — written straight
// into storage, then served by a real server started on it.
TEST(History, DISABLED_LongLogCost) {
  auto loaded = trace::load_trace(std::filesystem::path(KENES_TRACES_DIR) / "automerge-paper.json.gz");
  ASSERT_TRUE(loaded.ok()) << loaded.error;
  const trace::EditingTrace& tr = *loaded.trace;
  HistoryFixture fx;
  fx.tweak = [&](server::ServerOptions& o) { o.data_dir = (fx.dir.path() / "data").string(); };
  { TestServer first(fx.tweak); }  // creates the demo consultation and the key
  const std::vector<std::string> docs = {kDoc, "indicator/R.1.2", "indicator/R.1.3", "indicator/R.1.4"};
  uint64_t edits = 0;
  auto t0 = Clock::now();
  {
    storage::RocksLogOptions lo;
    lo.durability = storage::Durability::kWal;
    auto log = storage::RocksLog::open((fx.dir.path() / "data" / "log").string(), lo);
    ASSERT_TRUE(log.ok()) << log.status().message();
    std::vector<storage::Entry> batch;
    auto flush = [&] {
      if (batch.empty()) return;
      auto r = log.value()->append("demo", std::move(batch));
      ASSERT_TRUE(r.ok()) << r.status().message();
      batch.clear();
    };
    uint64_t version = 0;
    int64_t time = 1'700'000'000'000;
    for (const auto& txn : tr.txns) {
      for (const auto& p : txn.patches) {
        ++version;
        engine::TextOp op;
        op.retain(p.pos).del(p.del).insert(p.ins);
        for (size_t d = 0; d < docs.size(); ++d) {
          kenes::v1::LogRecord rec;
          rec.set_time_unix_ms(time++);
          rec.set_author("p" + std::to_string(d) + (version % 7 == 0 ? "x" : ""));
          auto* e = rec.mutable_text_edit();
          e->set_doc_id(docs[d]);
          e->set_version(version);
          consultation::op_to_proto(op, e->mutable_op());
          batch.push_back(storage::Entry{rec.SerializeAsString(), std::nullopt});
          ++edits;
        }
        if (batch.size() >= 4096) flush();
      }
    }
    flush();
  }
  const uint64_t latest = edits / docs.size();
  std::cout << "[history] wrote " << edits << " records in " << ms_since(t0) << " ms\n";
  t0 = Clock::now();
  TestServer server(fx.tweak);
  std::cout << "[history] server start (replays the log, no snapshot): " << ms_since(t0) << " ms\n";
  ClientPool pool;
  t0 = Clock::now();
  Asker asker(pool, server.port(), server.token(kenes::v1::ROLE_MEMBER, "m1"), std::chrono::minutes(10));
  std::cout << "[history] a client's catch-up of the whole log: " << ms_since(t0) << " ms\n";
  auto timed = [&](const std::string& what, const std::function<ServerMessage()>& fn) {
    auto t = Clock::now();
    ServerMessage m = fn();
    std::cout << "[history] " << what << ": " << ms_since(t) << " ms\n";
    EXPECT_FALSE(m.has_error()) << what << ": " << m.error().message();
    return m;
  };
  ServerMessage first = timed("first read, at latest (loads the index: scans " + std::to_string(edits) + " records)",
                              [&] { return asker.at(at_version(latest)); });
  EXPECT_EQ(first.document_at().text(), tr.end_content);
  timed("at latest again (no snapshot: replays " + std::to_string(latest) + " edits)",
        [&] { return asker.at(at_version(latest)); });
  timed("at latest/2", [&] { return asker.at(at_version(latest / 2)); });
  timed("at 1000", [&] { return asker.at(at_version(1000)); });
  timed("at a time in the middle", [&] { return asker.at(at_time(1'700'000'000'000 + int64_t(edits / 2))); });
  ServerMessage b = timed("blame at latest", [&] { return asker.blame(); });
  std::cout << "[history] blame runs: " << b.document_blame().runs_size() << "\n";
  timed("diff latest/2..latest", [&] { return asker.diff(at_version(latest / 2)); });
  timed("diff 0..latest", [&] { return asker.diff(at_version(0)); });
  server.stop();
  // The shutdown wrote a snapshot of every document at its latest version.
  TestServer again(fx.tweak);
  ClientPool pool2;
  Asker asker2(pool2, again.port(), again.token(kenes::v1::ROLE_MEMBER, "m1"), std::chrono::minutes(10));
  timed("after a restart, first read at latest (index load + snapshot)",
        [&] { return asker2.at(at_version(latest)); });
  timed("at latest (from the snapshot)", [&] { return asker2.at(at_version(latest)); });
}

}  // namespace
}  // namespace kenes::testing
