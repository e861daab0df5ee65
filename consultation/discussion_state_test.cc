// DiscussionState through ConsultationState: the fold of thread records, the
// anchors moved through text edits in log order, the room's live path
// (submit_op + apply_early) against a replay of the records it produced, and
// snapshot + tail against a full replay. The protocol-level behaviour is
// tested in tests/server/discussion_test.cc.

#include "consultation/discussion_state.h"

#include <gtest/gtest.h>

#include <random>

#include "consultation/consultation_state.h"
#include "consultation/proto_convert.h"

namespace kenes::consultation {
namespace {

kenes::v1::LogRecord edit_record(const std::string& doc, uint64_t version, const engine::TextOp& op,
                                 const std::string& author = "r1") {
  kenes::v1::LogRecord r;
  r.set_author(author);
  auto* e = r.mutable_text_edit();
  e->set_doc_id(doc);
  e->set_version(version);
  op_to_proto(op, e->mutable_op());
  return r;
}

kenes::v1::LogRecord thread_record(const std::string& id, const std::string& comment, const std::string& doc,
                                   uint64_t version, uint64_t from, uint64_t to, const std::string& author = "m1") {
  kenes::v1::LogRecord r;
  r.set_author(author);
  auto* e = r.mutable_thread_created();
  e->set_thread_id(id);
  e->set_first_comment_id(comment);
  e->mutable_target()->set_indicator_id("R.1.1");
  e->mutable_target()->set_doc_id(doc);
  e->mutable_target()->mutable_range()->set_anchor(from);
  e->mutable_target()->mutable_range()->set_head(to);
  e->mutable_target()->set_version(version);
  e->set_body("look at this");
  return r;
}

// Folds records into a ConsultationState as a replay does, keeping them.
struct Log {
  ConsultationState state{"c1"};
  std::vector<kenes::v1::LogRecord> records;
  engine::Status add(kenes::v1::LogRecord r) {
    r.set_seq(records.size() + 1);
    r.set_time_unix_ms(1000 + r.seq());
    engine::Status s = state.apply(r);
    if (s.ok()) records.push_back(r);
    return s;
  }
};

std::string full_state(const ConsultationState& s) {
  std::string out = s.discussion().debug_string();
  for (const auto& [id, d] : s.documents()) out += id + "@" + std::to_string(d.version()) + "=" + d.text().to_string() + "\n";
  return out;
}

ConsultationState replay(const std::vector<kenes::v1::LogRecord>& records) {
  ConsultationState s("c1");
  for (const auto& r : records) EXPECT_TRUE(s.apply(r).ok()) << r.DebugString();
  return s;
}

const char kDoc[] = "indicator/R.1.1";

TEST(DiscussionStateTest, AnchorFollowsEditsDetachesAndReattaches) {
  Log log;
  ASSERT_TRUE(log.add(edit_record(kDoc, 1, engine::TextOp().insert("the quick brown fox"))).ok());
  ASSERT_TRUE(log.add(thread_record("thread-1", "comment-1", kDoc, 1, 4, 9)).ok());  // "quick"
  // Typing before and inside the range.
  ASSERT_TRUE(log.add(edit_record(kDoc, 2, engine::TextOp().insert(">> "))).ok());
  ASSERT_TRUE(log.add(edit_record(kDoc, 3, engine::TextOp().retain(9).insert("i"))).ok());
  const ThreadState* t = log.state.discussion().thread("thread-1");
  ASSERT_TRUE(t && t->anchor);
  EXPECT_EQ(log.state.find_document(kDoc)->text().substr(t->anchor->from(), t->anchor->to() - t->anchor->from()),
            "quiick");
  EXPECT_TRUE(t->anchor->changed());
  // Deleting the anchored words detaches the thread with its quote.
  ASSERT_TRUE(log.add(edit_record(kDoc, 4, engine::TextOp().retain(7).del(7))).ok());
  t = log.state.discussion().thread("thread-1");
  ASSERT_FALSE(t->anchor->attached());
  EXPECT_EQ(t->anchor->detached_quote()->text, "quiick");
  // Re-attach to "fox" at the current version.
  kenes::v1::LogRecord re;
  re.set_author("m1");
  re.mutable_thread_reattached()->set_thread_id("thread-1");
  re.mutable_thread_reattached()->mutable_range()->set_anchor(13);
  re.mutable_thread_reattached()->mutable_range()->set_head(16);
  re.mutable_thread_reattached()->set_version(4);
  re.mutable_thread_reattached()->set_quote("fox");
  ASSERT_EQ(log.state.find_document(kDoc)->text().to_string(), ">> the brown fox");
  ASSERT_TRUE(log.add(re).ok());
  t = log.state.discussion().thread("thread-1");
  EXPECT_TRUE(t->anchor->attached());
  EXPECT_EQ(t->anchor->from(), 13u);
  // A range at a version other than the document's is refused, naming the seq.
  engine::Status bad = log.add(thread_record("thread-2", "comment-2", kDoc, 3, 0, 2));
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("record 7"), std::string::npos) << bad.message();
  EXPECT_EQ(full_state(replay(log.records)), full_state(log.state));
}

TEST(DiscussionStateTest, CommentsReactionsRedactionPrivacyAndSuggestion) {
  Log log;
  ASSERT_TRUE(log.add(edit_record(kDoc, 1, engine::TextOp().insert("alpha beta gamma"))).ok());
  auto sug = thread_record("thread-1", "comment-1", kDoc, 1, 6, 10);
  sug.mutable_thread_created()->mutable_suggestion()->set_text("BETA");
  ASSERT_TRUE(log.add(sug).ok());  // seq 2
  kenes::v1::LogRecord reply;
  reply.set_author("r1");
  reply.mutable_comment_added()->set_thread_id("thread-1");
  reply.mutable_comment_added()->set_comment_id("comment-2");
  reply.mutable_comment_added()->set_body("hmm");
  ASSERT_TRUE(log.add(reply).ok());  // seq 3
  kenes::v1::LogRecord edit;
  edit.set_author("r1");
  edit.mutable_comment_edited()->set_thread_id("thread-1");
  edit.mutable_comment_edited()->set_comment_id("comment-2");
  edit.mutable_comment_edited()->set_body("hmm, fine");
  ASSERT_TRUE(log.add(edit).ok());  // seq 4
  kenes::v1::LogRecord del;
  del.set_author("r1");
  del.mutable_comment_deleted()->set_thread_id("thread-1");
  del.mutable_comment_deleted()->set_comment_id("comment-2");
  ASSERT_TRUE(log.add(del).ok());  // seq 5
  const auto& d = log.state.discussion();
  EXPECT_TRUE(d.redacted(3));
  EXPECT_TRUE(d.redacted(4));
  EXPECT_FALSE(d.redacted(2));
  kenes::v1::LogRecord react;
  react.set_author("c1");
  react.mutable_reaction_set()->set_thread_id("thread-1");
  react.mutable_reaction_set()->set_comment_id("comment-1");
  react.mutable_reaction_set()->set_reaction(kenes::v1::REACTION_PLUS_ONE);
  react.mutable_reaction_set()->set_on(true);
  ASSERT_TRUE(log.add(react).ok());  // seq 6
  EXPECT_EQ(d.comment("comment-1")->reactions.at("c1").size(), 1u);
  kenes::v1::LogRecord read;
  read.set_author("m2");
  read.mutable_threads_read()->add_thread_ids("thread-1");
  read.mutable_threads_read()->set_up_to_seq(2);
  ASSERT_TRUE(log.add(read).ok());  // seq 7
  EXPECT_EQ(d.last_read("m2", "thread-1"), 2u);
  EXPECT_EQ(d.unread_count("m2", "thread-1"), 0u);  // the reply by r1 is deleted
  // Accept: replace "beta" by "BETA"; the anchor then covers "BETA".
  kenes::v1::LogRecord accept = edit_record(kDoc, 2, engine::TextOp().retain(6).del(4).insert("BETA"), "r1");
  accept.mutable_text_edit()->add_co_authors("m1");
  accept.mutable_text_edit()->set_accepts_suggestion_of_thread("thread-1");
  ASSERT_TRUE(log.add(accept).ok());  // seq 8
  const ThreadState* t = d.thread("thread-1");
  EXPECT_EQ(t->suggestion, SuggestionStatus::kAccepted);
  EXPECT_EQ(t->decided_seq, 8u);
  EXPECT_EQ(log.state.find_document(kDoc)->text().to_string(), "alpha BETA gamma");
  ASSERT_TRUE(t->anchor->attached());
  EXPECT_EQ(t->anchor->from(), 6u);
  EXPECT_EQ(t->anchor->to(), 10u);
  // Accepting twice does not fold.
  auto again = accept;
  again.mutable_text_edit()->set_version(3);
  EXPECT_FALSE(log.add(again).ok());
  EXPECT_EQ(log.state.find_document(kDoc)->version(), 2u);  // the refused record changed nothing

  // Snapshot + tail == full replay, for every cut.
  for (size_t cut = 0; cut <= log.records.size(); ++cut) {
    ConsultationState head = replay({log.records.begin(), log.records.begin() + cut});
    ConsultationState restored("c1");
    for (auto& snap : head.snapshots(false)) ASSERT_TRUE(restored.load_snapshot(snap.name, snap.bytes).ok()) << snap.name;
    restored.set_seq(cut);
    for (size_t i = cut; i < log.records.size(); ++i) ASSERT_TRUE(restored.apply(log.records[i]).ok()) << i;
    EXPECT_EQ(full_state(restored), full_state(log.state)) << "cut at " << cut;
  }
}

// The room's live path: ops from clients a little behind go through
// submit_op (rebased, anchors moved), threads are folded early with ranges
// moved from the client's version; replaying the records it produced gives
// the same anchors, quotes and changed flags; so does snapshot + tail.
TEST(DiscussionStateTest, LivePathEqualsReplayRandomized) {
  const uint64_t seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  auto pick = [&](uint64_t n) { return n == 0 ? 0 : std::uniform_int_distribution<uint64_t>(0, n - 1)(rng); };
  ConsultationState live("c1");
  std::vector<kenes::v1::LogRecord> log;
  std::map<std::string, uint64_t> client_seq;
  const std::vector<std::string> words = {"a", "bé", "γδ", "🙂", " ", "xyz"};
  uint64_t threads = 0;
  for (int step = 0; step < 600; ++step) {
    const auto& doc = live.document(kDoc);
    const uint64_t v = doc.version();
    const uint64_t len = doc.text().length();
    if (pick(4) == 0 && len > 2) {
      // A thread made at the current version (the room moves older ranges
      // first; that is tested at the protocol level).
      const uint64_t from = pick(len - 1);
      const uint64_t to = from + 1 + pick(std::min<uint64_t>(len - from - 1, 8) + 1);
      ++threads;
      kenes::v1::LogRecord r = thread_record("thread-" + std::to_string(threads), "comment-" + std::to_string(threads),
                                             kDoc, v, from, std::min(to, len));
      r.set_seq(log.size() + 1);
      ASSERT_TRUE(live.apply_early(r).ok());
      live.note_durable(r);
      log.push_back(r);
      continue;
    }
    // An op from a client that saw a version up to 3 behind.
    const uint64_t base = v - std::min<uint64_t>(v, pick(4));
    uint64_t base_len = 0;
    std::vector<const engine::TextOp*> since;
    ASSERT_TRUE(doc.ops_since(base, &base_len, &since).ok());
    engine::TextOp op;
    const uint64_t at = pick(base_len + 1);
    op.retain(at);
    if (pick(2) == 0 && base_len > at) {
      op.del(1 + pick(std::min<uint64_t>(base_len - at, 6)));
    } else {
      op.insert(words[pick(words.size())]);
    }
    const std::string client = "client" + std::to_string(pick(3));
    const uint64_t cs = ++client_seq[client];
    auto seq = live.submit_op(kDoc, client, cs, base, op, 0);
    ASSERT_TRUE(seq.ok()) << seq.status().message();
    kenes::v1::LogRecord r = edit_record(kDoc, seq.value().version, seq.value().op);
    r.set_client_id(client);
    r.set_client_seq(cs);
    r.set_seq(log.size() + 1);
    live.note_durable(r);
    log.push_back(r);
  }
  ConsultationState replayed = replay(log);
  ASSERT_EQ(full_state(replayed), full_state(live));
  ConsultationState head = replay({log.begin(), log.begin() + log.size() / 2});
  ConsultationState restored("c1");
  for (auto& snap : head.snapshots(false)) ASSERT_TRUE(restored.load_snapshot(snap.name, snap.bytes).ok());
  restored.set_seq(log.size() / 2);
  for (size_t i = log.size() / 2; i < log.size(); ++i) ASSERT_TRUE(restored.apply(log[i]).ok());
  EXPECT_EQ(full_state(restored), full_state(live));
  // Some anchors detached and some changed, or the test proves little.
  size_t detached = 0, changed = 0;
  for (const auto& [id, t] : live.discussion().threads()) {
    detached += !t.anchor->attached();
    changed += t.anchor->changed();
  }
  EXPECT_GT(detached, 0u);
  EXPECT_GT(changed, 0u);
}

// The room writes snapshots off its strand; a set that fails to be written
// must leave its documents marked changed, or the next set (claiming a later
// seq) would omit them and a restart would pair their older snapshots with
// the newer seq.
TEST(ConsultationSnapshotTest, ASetNotWrittenIsCarriedByTheNextOne) {
  auto doc_names = [](std::vector<NamedSnapshot> set) {
    std::vector<std::string> names;
    for (const auto& s : set) {
      if (s.name.rfind("doc/", 0) == 0) names.push_back(s.name);
    }
    return names;
  };
  Log log;
  ASSERT_TRUE(log.add(edit_record("indicator/a", 1, engine::TextOp().insert("alpha"))).ok());
  ASSERT_TRUE(log.add(edit_record("indicator/b", 1, engine::TextOp().insert("beta"))).ok());
  auto first = log.state.snapshots(true);
  EXPECT_EQ(doc_names(first), (std::vector<std::string>{"doc/indicator/a", "doc/indicator/b"}));
  EXPECT_TRUE(doc_names(log.state.snapshots(true)).empty()) << "nothing changed since";
  std::vector<std::string> names;
  for (const auto& s : first) names.push_back(s.name);
  log.state.snapshot_not_written(names);
  ASSERT_TRUE(log.add(edit_record("indicator/b", 2, engine::TextOp().retain(4).insert("!"))).ok());
  EXPECT_EQ(doc_names(log.state.snapshots(true)), (std::vector<std::string>{"doc/indicator/a", "doc/indicator/b"}));
}

}  // namespace
}  // namespace kenes::consultation
