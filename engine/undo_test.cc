#include "engine/undo.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/client_document.h"
#include "engine/document_sequencer.h"
#include "engine/testing/random_edits.h"
#include "engine/utf8.h"

#include "engine/testing/printers.h"

namespace kenes::engine {
namespace {

using testing::Alphabet;
using testing::Rng;

TextOp insert_at(uint64_t pos, std::string_view text) { return TextOp().retain(pos).insert(text); }
TextOp delete_at(uint64_t pos, uint64_t n) { return TextOp().retain(pos).del(n); }

// A document with the participant's undo history, as an editor holds them.
struct Editor {
  explicit Editor(std::string_view text) : text(text), history(this->text.length()) {}

  void own(const TextOp& op) {
    ASSERT_TRUE(history.record_own(op, text).ok());
    ASSERT_TRUE(apply(op, text).ok());
  }
  void other(const TextOp& op) {
    ASSERT_TRUE(history.record_other(op).ok());
    ASSERT_TRUE(apply(op, text).ok());
  }
  void undo() {
    Result<TextOp> op = history.undo(text);
    ASSERT_TRUE(op.ok()) << op.status().to_string();
    ASSERT_TRUE(apply(*op, text).ok());
  }
  void redo() {
    Result<TextOp> op = history.redo(text);
    ASSERT_TRUE(op.ok()) << op.status().to_string();
    ASSERT_TRUE(apply(*op, text).ok());
  }
  std::string str() const { return text.to_string(); }

  Rope text;
  UndoHistory history;
};

TEST(UndoTest, WithNothingDoneThereIsNothingToUndoOrRedo) {
  Editor e("abc");
  EXPECT_FALSE(e.history.can_undo());
  EXPECT_FALSE(e.history.can_redo());
  EXPECT_EQ(e.history.undo(e.text).status().code(), ErrorCode::kInvalidState);
  EXPECT_EQ(e.history.redo(e.text).status().code(), ErrorCode::kInvalidState);
}

TEST(UndoTest, UndoRemovesWhatOneTypedAndRedoTypesItAgain) {
  Editor e("Қазақстан");
  e.own(insert_at(9, " жаңа"));
  e.undo();
  EXPECT_EQ(e.str(), "Қазақстан");
  EXPECT_FALSE(e.history.can_undo());
  e.redo();
  EXPECT_EQ(e.str(), "Қазақстан жаңа");
  EXPECT_FALSE(e.history.can_redo());
  e.undo();
  EXPECT_EQ(e.str(), "Қазақстан");
}

TEST(UndoTest, UndoOfADeleteRestoresTheDeletedText) {
  Editor e("👨‍👩‍👧 and 漢字");
  e.own(delete_at(5, 5));
  EXPECT_EQ(e.str(), "👨‍👩‍👧漢字");
  e.undo();
  EXPECT_EQ(e.str(), "👨‍👩‍👧 and 漢字");
}

TEST(UndoTest, EditsUpToABoundaryAreUndoneTogether) {
  Editor e("");
  e.own(insert_at(0, "h"));
  e.own(insert_at(1, "i"));
  e.history.boundary();
  e.own(insert_at(2, "!"));
  EXPECT_EQ(e.history.undo_depth(), 2u);
  e.undo();
  EXPECT_EQ(e.str(), "hi");
  e.undo();
  EXPECT_EQ(e.str(), "");
}

TEST(UndoTest, UndoKeepsTextOthersTypedInsideOnesOwn) {
  Editor e("");
  e.own(insert_at(0, "hello"));
  e.other(insert_at(2, "X"));
  e.undo();
  EXPECT_EQ(e.str(), "X");
  e.redo();
  EXPECT_EQ(e.str(), "heXllo");
}

TEST(UndoTest, UndoNeverDeletesTextOthersTypedAtTheSamePlaceAfterwards) {
  Editor e("ab");
  e.own(insert_at(1, "123"));
  e.other(insert_at(1, "<"));
  e.other(insert_at(5, ">"));
  EXPECT_EQ(e.str(), "a<123>b");
  e.undo();
  EXPECT_EQ(e.str(), "a<>b");
}

TEST(UndoTest, OwnTextOthersDeletedStaysDeletedAndItsGroupIsSkipped) {
  Editor e("");
  e.own(insert_at(0, "keep "));
  e.history.boundary();
  e.own(insert_at(5, "gone"));
  e.other(delete_at(5, 4));  // someone deleted all of the second group
  EXPECT_EQ(e.history.undo_depth(), 1u);
  e.undo();
  EXPECT_EQ(e.str(), "");
}

TEST(UndoTest, OwnTextPartlyDeletedByOthersIsUndoneWhereItSurvives) {
  Editor e("");
  e.own(insert_at(0, "abcdef"));
  e.other(delete_at(2, 2));
  e.other(insert_at(0, "Z"));
  e.undo();
  EXPECT_EQ(e.str(), "Z");
}

TEST(UndoTest, RestoredTextGoesAfterTextOthersTypedInItsPlace) {
  Editor e("one two");
  e.own(delete_at(3, 4));
  e.other(insert_at(3, "!"));
  e.undo();
  EXPECT_EQ(e.str(), "one! two");
}

TEST(UndoTest, UndoingALaterDeleteOfOwnTextThenTheInsertRemovesItWhole) {
  // The earlier group's inverse is never transformed past the later own
  // delete, so once that delete is undone the whole insert is removed.
  Editor e("");
  e.own(insert_at(0, "abc"));
  e.history.boundary();
  e.own(delete_at(1, 1));
  e.other(insert_at(1, "Q"));
  EXPECT_EQ(e.str(), "aQc");
  e.undo();
  EXPECT_EQ(e.str(), "aQbc");
  e.undo();
  EXPECT_EQ(e.str(), "Q");
  e.redo();
  e.redo();
  EXPECT_EQ(e.str(), "aQc");
}

TEST(UndoTest, TypingThenErasingItInOneGroupLeavesNothingToUndo) {
  Editor e("x");
  e.own(insert_at(1, "ab"));
  e.own(delete_at(1, 2));
  EXPECT_FALSE(e.history.can_undo());
}

TEST(UndoTest, ANewOwnEditEmptiesTheRedoStack) {
  Editor e("");
  e.own(insert_at(0, "a"));
  e.undo();
  ASSERT_TRUE(e.history.can_redo());
  e.own(insert_at(0, "b"));
  EXPECT_FALSE(e.history.can_redo());
}

TEST(UndoTest, OthersEditsDoNotEmptyTheRedoStack) {
  Editor e("");
  e.own(insert_at(0, "mine"));
  e.undo();
  e.other(insert_at(0, "theirs "));
  e.redo();
  EXPECT_EQ(e.str(), "theirs mine");
}

TEST(UndoTest, OnlyTheNewestGroupsUpToTheLimitAreKept) {
  Rope text;
  UndoHistory history(0, 2);
  for (const char* s : {"a", "b", "c"}) {
    ASSERT_TRUE(history.record_own(insert_at(text.length(), s), text).ok());
    ASSERT_TRUE(apply(insert_at(text.length(), s), text).ok());
    history.boundary();
  }
  EXPECT_EQ(history.undo_depth(), 2u);
}

TEST(UndoTest, AnOwnOpOnTheWrongTextIsAnInvalidStateAndChangesNothing) {
  UndoHistory history(3);
  EXPECT_EQ(history.record_own(insert_at(0, "x"), Rope("ab")).code(), ErrorCode::kInvalidState);
  EXPECT_EQ(history.record_own(delete_at(2, 4), Rope("abc")).code(), ErrorCode::kDoesNotFit);
  EXPECT_FALSE(history.can_undo());
  EXPECT_EQ(history.length(), 3u);
}

TEST(UndoTest, AnotherOpThatDoesNotFitChangesNothing) {
  UndoHistory history(3);
  EXPECT_EQ(history.record_other(delete_at(2, 2)).code(), ErrorCode::kDoesNotFit);
  EXPECT_EQ(history.length(), 3u);
}

TEST(UndoTest, UndoOnTheWrongTextIsAnInvalidState) {
  Editor e("abc");
  e.own(insert_at(0, "x"));
  EXPECT_EQ(e.history.undo(Rope("abc")).status().code(), ErrorCode::kInvalidState);
  EXPECT_TRUE(e.history.can_undo());
}

// ---- Laws on seeded random edits ----

TEST(UndoTest, UndoingEachGroupRestoresEachEarlierTextExactlyAndRedoReplaysThem) {
  for (uint64_t seed : testing::test_seeds(300)) {
    for (Alphabet alphabet : testing::all_alphabets()) {
      SCOPED_TRACE(testing::seed_note(seed) + ", alphabet " + std::string(testing::alphabet_name(alphabet)));
      Rng rng(seed * 7919 + static_cast<uint64_t>(alphabet));
      Editor e(testing::random_text(rng, rng.below(20), alphabet));
      // The text after each group, newest last.
      std::vector<std::string> texts{e.str()};
      for (int op = 0; op < 30; ++op) {
        e.own(testing::random_op(rng, e.text.length(), alphabet));
        if (rng.chance(1, 3)) {
          e.history.boundary();
          if (e.str() != texts.back()) texts.push_back(e.str());
        }
      }
      e.history.boundary();
      if (e.str() != texts.back()) texts.push_back(e.str());
      const std::string last = e.str();
      // Some groups change nothing in the end and are not kept, so walk
      // back while there is something to undo and expect only the texts
      // that were (in order).
      std::vector<std::string> undone{e.str()};
      while (e.history.can_undo()) {
        e.undo();
        undone.push_back(e.str());
      }
      ASSERT_EQ(undone.back(), texts.front());
      // Every text reached is one of the recorded ones, walking back (an
      // undo that changes nothing visible may repeat one).
      size_t at = texts.size();  // texts[at - 1] is the latest one reachable
      for (const std::string& t : undone) {
        while (at > 0 && texts[at - 1] != t) --at;
        ASSERT_GT(at, 0u) << "unexpected text " << t;
      }
      while (e.history.can_redo()) e.redo();
      ASSERT_EQ(e.str(), last);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

// Text made of distinct code points, so that every character has an identity
// that survives ops, undo and redo: the brute-force model of who wrote and
// who deleted what is then a set of code points.
class UniqueText {
 public:
  char32_t next() {
    const uint32_t i = counter_++;
    // Alternating 3-byte CJK and 4-byte supplementary ideographs.
    return i % 2 == 0 ? char32_t{0x4E00 + i / 2} : char32_t{0x20000 + i / 2};
  }
  std::string text(uint64_t n) {
    std::u32string s;
    for (uint64_t i = 0; i < n; ++i) s.push_back(next());
    return encode_utf8(s);
  }
  // A random op of random_op's shape whose inserts are fresh code points.
  TextOp op(Rng& rng, uint64_t length) {
    const TextOp shape = testing::random_op(rng, length, Alphabet::kAscii);
    TextOp out;
    for (const Component& c : shape.components()) {
      if (const auto* r = std::get_if<Retain>(&c)) out.retain(r->n);
      if (const auto* ins = std::get_if<Insert>(&c)) out.insert(text(ins->length));
      if (const auto* d = std::get_if<Delete>(&c)) out.del(d->n);
    }
    return out;
  }

 private:
  uint32_t counter_ = 0;
};

std::set<char32_t> code_point_set(const Rope& text) {
  const std::u32string s = decode_utf8(text.to_string());
  return std::set<char32_t>(s.begin(), s.end());
}

// What an op inserted and deleted, by identity.
struct Effect {
  std::set<char32_t> inserted;
  std::set<char32_t> deleted;
};
Effect effect_of(const TextOp& op, const Rope& before) {
  Effect e;
  const std::u32string text = decode_utf8(before.to_string());
  size_t at = 0;
  for (const Component& c : op.components()) {
    if (const auto* r = std::get_if<Retain>(&c)) at += r->n;
    if (const auto* ins = std::get_if<Insert>(&c)) {
      for (char32_t cp : decode_utf8(ins->text)) e.inserted.insert(cp);
    }
    if (const auto* d = std::get_if<Delete>(&c)) {
      for (uint64_t i = 0; i < d->n; ++i) e.deleted.insert(text[at++]);
    }
  }
  return e;
}

bool subset(const std::set<char32_t>& a, const std::set<char32_t>& b) {
  return std::includes(b.begin(), b.end(), a.begin(), a.end());
}

// The code points of `text` that are in `keep`, in order.
std::u32string only(const Rope& text, const std::set<char32_t>& keep) {
  std::u32string out;
  for (char32_t cp : decode_utf8(text.to_string())) {
    if (keep.count(cp) != 0) out.push_back(cp);
  }
  return out;
}

TEST(UndoTest, UndoingEverythingLeavesExactlyTheTextOthersWroteAndDidNotDelete) {
  for (uint64_t seed : testing::test_seeds(1000)) {
    SCOPED_TRACE(testing::seed_note(seed));
    Rng rng(seed);
    UniqueText unique;
    Editor e(unique.text(rng.below(12)));
    std::set<char32_t> written_by_me;
    std::set<char32_t> deleted_by_me;
    std::set<char32_t> others_wrote = code_point_set(e.text);  // the initial text is theirs
    std::set<char32_t> deleted_by_others;
    for (int step = 0; step < 40; ++step) {
      const bool mine = rng.chance(1, 2);
      const TextOp op = unique.op(rng, e.text.length());
      const Effect fx = effect_of(op, e.text);
      SCOPED_TRACE("step " + std::to_string(step) + (mine ? " mine " : " theirs ") + op.debug_string());
      if (mine) {
        e.own(op);
        written_by_me.insert(fx.inserted.begin(), fx.inserted.end());
        deleted_by_me.insert(fx.deleted.begin(), fx.deleted.end());
        if (rng.chance(1, 3)) e.history.boundary();
      } else {
        e.other(op);
        others_wrote.insert(fx.inserted.begin(), fx.inserted.end());
        deleted_by_others.insert(fx.deleted.begin(), fx.deleted.end());
      }
      if (::testing::Test::HasFatalFailure()) return;
    }
    // Others' text that no one deleted: undo must keep it, in its order.
    std::set<char32_t> untouched;
    for (char32_t cp : code_point_set(e.text)) {
      if (others_wrote.count(cp) != 0 && deleted_by_me.count(cp) == 0) untouched.insert(cp);
    }
    const std::u32string untouched_order = only(e.text, untouched);
    while (e.history.can_undo()) {
      const Rope before = e.text;
      Result<TextOp> op = e.history.undo(e.text);
      ASSERT_TRUE(op.ok()) << op.status().to_string();
      const Effect fx = effect_of(*op, before);
      ASSERT_TRUE(apply(*op, e.text).ok());
      // One undo deletes only my own text, and restores only what I deleted.
      EXPECT_TRUE(subset(fx.deleted, written_by_me)) << "undo " << op->debug_string() << " deletes others' text";
      EXPECT_TRUE(subset(fx.inserted, deleted_by_me)) << "undo " << op->debug_string() << " types new text";
      if (::testing::Test::HasFatalFailure()) return;
    }
    std::set<char32_t> expected;
    for (char32_t cp : others_wrote) {
      if (deleted_by_others.count(cp) == 0) expected.insert(cp);
    }
    ASSERT_EQ(code_point_set(e.text), expected) << "text " << e.str();
    EXPECT_EQ(only(e.text, untouched), untouched_order);
  }
}

TEST(UndoTest, UndoThenRedoWithOthersEditingInBetweenKeepsEveryonesEdits) {
  for (uint64_t seed : testing::test_seeds(1000)) {
    SCOPED_TRACE(testing::seed_note(seed));
    Rng rng(seed * 104729);
    UniqueText unique;
    Editor e(unique.text(rng.below(12)));
    std::set<char32_t> written_by_me;
    std::set<char32_t> deleted_by_me;
    for (int step = 0; step < 30; ++step) {
      const TextOp op = unique.op(rng, e.text.length());
      const Effect fx = effect_of(op, e.text);
      if (rng.chance(1, 2)) {
        e.own(op);
        written_by_me.insert(fx.inserted.begin(), fx.inserted.end());
        deleted_by_me.insert(fx.deleted.begin(), fx.deleted.end());
        if (rng.chance(1, 2)) e.history.boundary();
      } else {
        e.other(op);
      }
    }
    // The model: the text as if the undos and redos never happened, with
    // the others' edits in between applied to it.
    std::set<char32_t> model = code_point_set(e.text);
    const uint64_t undos = rng.between(1, 4);
    auto others_edit = [&] {
      const TextOp op = unique.op(rng, e.text.length());
      const Effect fx = effect_of(op, e.text);
      SCOPED_TRACE("theirs " + op.debug_string());
      e.other(op);
      for (char32_t cp : fx.deleted) model.erase(cp);
      model.insert(fx.inserted.begin(), fx.inserted.end());
    };
    for (uint64_t i = 0; i < undos && e.history.can_undo(); ++i) {
      e.undo();
      if (rng.chance(1, 2)) others_edit();
    }
    while (e.history.can_redo()) {
      const Rope before = e.text;
      Result<TextOp> op = e.history.redo(e.text);
      ASSERT_TRUE(op.ok()) << op.status().to_string();
      const Effect fx = effect_of(*op, before);
      ASSERT_TRUE(apply(*op, e.text).ok());
      // A redo re-types only my text and re-deletes only what I deleted.
      EXPECT_TRUE(subset(fx.inserted, written_by_me)) << "redo " << op->debug_string();
      EXPECT_TRUE(subset(fx.deleted, deleted_by_me)) << "redo " << op->debug_string();
      if (rng.chance(1, 2)) others_edit();
      if (::testing::Test::HasFatalFailure()) return;
    }
    ASSERT_EQ(code_point_set(e.text), model) << "text " << e.str();
  }
}

// The real setting: Alice's editor holds a ClientDocument and an undo
// history; Bob edits through his own client; the server sequences; messages
// are delivered late and in random interleavings. Alice undoes while Bob's
// ops are in flight. At the end everyone converges, and once Alice has undone
// everything the text is exactly what Bob wrote and did not delete.
TEST(UndoTest, UndoThroughTheClientProtocolRemovesOnlyOnesOwnTextWhileOthersEditConcurrently) {
  for (uint64_t seed : testing::test_seeds(500)) {
    SCOPED_TRACE(testing::seed_note(seed));
    Rng rng(seed * 6007);
    UniqueText unique;
    const std::string initial = unique.text(rng.below(10));
    DocumentSequencer server{Rope(initial)};
    struct Client {
      std::string id;
      ClientDocument doc;
      std::deque<std::pair<DocumentSequencer::Sequenced, std::string>> inbox;  // (record, author)
      uint64_t seq = 0;
    };
    Client alice{"alice", ClientDocument(initial), {}, 0};
    Client bob{"bob", ClientDocument(initial), {}, 0};
    UndoHistory history(alice.doc.text().length());
    std::set<char32_t> alice_wrote;
    std::set<char32_t> bob_wrote = code_point_set(Rope(initial));

    auto send = [&](Client& c) {
      if (!c.doc.has_outgoing()) return;
      Result<ClientDocument::OutgoingOp> out = c.doc.take_outgoing(++c.seq);
      ASSERT_TRUE(out.ok());
      Result<DocumentSequencer::Sequenced> s = server.submit(c.id, out->client_seq, out->base_version, out->op);
      ASSERT_TRUE(s.ok()) << s.status().to_string();
      alice.inbox.emplace_back(*s, c.id);
      bob.inbox.emplace_back(*s, c.id);
    };
    auto deliver = [&](Client& c) {
      if (c.inbox.empty()) return;
      auto [record, author] = c.inbox.front();
      c.inbox.pop_front();
      if (author == c.id) {
        // At most one op is in flight: this record acknowledges it.
        ASSERT_TRUE(c.doc.on_ack(c.seq, record.version).ok());
        return;
      }
      Result<TextOp> local = c.doc.on_remote_op(record.op, record.version);
      ASSERT_TRUE(local.ok()) << local.status().to_string();
      if (&c == &alice) {
        ASSERT_TRUE(history.record_other(*local).ok());
      }
    };
    auto alice_edit = [&](const TextOp& op, bool is_undo) {
      if (!is_undo) {
        ASSERT_TRUE(history.record_own(op, alice.doc.text()).ok());
      }
      ASSERT_TRUE(alice.doc.local_edit(op).ok());
    };

    for (int step = 0; step < 60; ++step) {
      switch (rng.below(6)) {
        case 0: {
          const TextOp op = unique.op(rng, alice.doc.text().length());
          const Effect fx = effect_of(op, alice.doc.text());
          alice_wrote.insert(fx.inserted.begin(), fx.inserted.end());
          alice_edit(op, false);
          if (rng.chance(1, 2)) history.boundary();
          break;
        }
        case 1: {
          const TextOp op = unique.op(rng, bob.doc.text().length());
          const Effect fx = effect_of(op, bob.doc.text());
          bob_wrote.insert(fx.inserted.begin(), fx.inserted.end());
          ASSERT_TRUE(bob.doc.local_edit(op).ok());
          break;
        }
        case 2:
          if (history.can_undo()) {
            Result<TextOp> op = history.undo(alice.doc.text());
            ASSERT_TRUE(op.ok()) << op.status().to_string();
            const Effect fx = effect_of(*op, alice.doc.text());
            EXPECT_TRUE(subset(fx.deleted, alice_wrote)) << "undo " << op->debug_string() << " deletes Bob's text";
            alice_edit(*op, true);
          }
          break;
        case 3:
          send(rng.chance(1, 2) ? alice : bob);
          break;
        default:
          deliver(rng.chance(1, 2) ? alice : bob);
          break;
      }
      if (::testing::Test::HasFatalFailure()) return;
    }
    // Alice undoes everything, then all messages settle.
    while (history.can_undo()) {
      Result<TextOp> op = history.undo(alice.doc.text());
      ASSERT_TRUE(op.ok()) << op.status().to_string();
      alice_edit(*op, true);
    }
    for (int round = 0; round < 1000 && (alice.doc.has_outgoing() || bob.doc.has_outgoing() || !alice.inbox.empty() ||
                                         !bob.inbox.empty() || alice.doc.has_inflight() || bob.doc.has_inflight());
         ++round) {
      send(alice);
      send(bob);
      while (!alice.inbox.empty()) deliver(alice);
      while (!bob.inbox.empty()) deliver(bob);
      if (::testing::Test::HasFatalFailure()) return;
    }
    ASSERT_EQ(alice.doc.text(), server.text().to_string());
    ASSERT_EQ(bob.doc.text(), server.text().to_string());
    // Bob's deletions were concurrent with Alice's edits here, so the exact
    // survivors depend on the interleaving; what must hold: nothing of
    // Alice's is left, and nothing of Bob's was removed by her undos.
    for (char32_t cp : code_point_set(server.text())) {
      EXPECT_EQ(alice_wrote.count(cp), 0u) << "Alice's text survived undoing everything";
    }
  }
}

}  // namespace
}  // namespace kenes::engine
