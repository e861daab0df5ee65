#include "engine/document_sequencer.h"

#include <gtest/gtest.h>

#include "engine/testing/printers.h"

namespace kenes::engine {
namespace {

TextOp insert_at(uint64_t pos, std::string_view text) { return TextOp().retain(pos).insert(text); }

TEST(DocumentSequencerTest, FirstOpGetsTheNextVersion) {
  DocumentSequencer seq(Rope("ab"), 10);
  Result<DocumentSequencer::Sequenced> r = seq.submit("alice", 1, 10, insert_at(1, "X"));
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->version, 11u);
  EXPECT_FALSE(r->duplicate);
  EXPECT_EQ(r->op, insert_at(1, "X"));
  EXPECT_EQ(seq.text().to_string(), "aXb");
  EXPECT_EQ(seq.version(), 11u);
}

TEST(DocumentSequencerTest, LateOpIsRebasedPastOpsSequencedSinceAndGoesAfterThem) {
  DocumentSequencer seq(Rope("Қазақстан"));
  ASSERT_TRUE(seq.submit("alice", 1, 0, insert_at(5, "👍")).ok());
  // Bob made his op on version 0 too; Alice's insert at the same place was
  // sequenced first, so it stays first.
  Result<DocumentSequencer::Sequenced> r = seq.submit("bob", 1, 0, insert_at(5, "ғ"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->op, insert_at(6, "ғ"));
  EXPECT_EQ(r->version, 2u);
  EXPECT_EQ(seq.text().to_string(), "Қазақ👍ғстан");
}

TEST(DocumentSequencerTest, ResubmitOfTheLastClientSeqIsADuplicateAndAppliesNothing) {
  DocumentSequencer seq(Rope("ab"));
  ASSERT_TRUE(seq.submit("alice", 4, 0, insert_at(0, "x")).ok());
  ASSERT_TRUE(seq.submit("bob", 1, 1, insert_at(0, "y")).ok());
  Result<DocumentSequencer::Sequenced> again = seq.submit("alice", 4, 0, insert_at(0, "x"));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->version, 1u);
  EXPECT_EQ(again->op, insert_at(0, "x"));
  EXPECT_EQ(seq.text().to_string(), "yxab");
  EXPECT_EQ(seq.version(), 2u);
}

TEST(DocumentSequencerTest, ResubmitIsRecognisedEvenAfterItsBaseLeftTheHistory) {
  DocumentSequencer seq(Rope(""), 0, /*max_history=*/2);
  ASSERT_TRUE(seq.submit("alice", 1, 0, insert_at(0, "a")).ok());
  for (uint64_t i = 1; i <= 5; ++i) ASSERT_TRUE(seq.submit("bob", i, i, insert_at(0, "b")).ok());
  Result<DocumentSequencer::Sequenced> again = seq.submit("alice", 1, 0, insert_at(0, "a"));
  ASSERT_TRUE(again.ok()) << again.status().to_string();
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->version, 1u);
  EXPECT_TRUE(again->op.is_noop());  // no longer in the history
}

TEST(DocumentSequencerTest, SmallerClientSeqIsStale) {
  DocumentSequencer seq(Rope("ab"));
  ASSERT_TRUE(seq.submit("alice", 5, 0, insert_at(0, "x")).ok());
  Result<DocumentSequencer::Sequenced> r = seq.submit("alice", 4, 1, insert_at(0, "y"));
  EXPECT_EQ(r.status().code(), ErrorCode::kStaleClientSeq);
  EXPECT_EQ(r.status().message(), "client_seq 4 of client 'alice' is below 5, the last one sequenced");
}

TEST(DocumentSequencerTest, ClientsAreDeduplicatedSeparately) {
  DocumentSequencer seq(Rope(""));
  ASSERT_TRUE(seq.submit("alice", 1, 0, insert_at(0, "a")).ok());
  Result<DocumentSequencer::Sequenced> r = seq.submit("bob", 1, 0, insert_at(0, "b"));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->duplicate);
  EXPECT_EQ(seq.text().to_string(), "ab");
  EXPECT_EQ(seq.client_count(), 2u);
}

TEST(DocumentSequencerTest, BaseVersionFromTheFutureIsRefused) {
  DocumentSequencer seq(Rope("ab"), 3);
  Result<DocumentSequencer::Sequenced> r = seq.submit("alice", 1, 4, insert_at(0, "x"));
  EXPECT_EQ(r.status().code(), ErrorCode::kVersionFromFuture);
  EXPECT_EQ(r.status().message(), "base version 4 is ahead of the document's version 3");
}

TEST(DocumentSequencerTest, BaseVersionOlderThanTheKeptHistoryIsRefused) {
  DocumentSequencer seq(Rope(""), 0, /*max_history=*/2);
  for (uint64_t i = 1; i <= 4; ++i) ASSERT_TRUE(seq.submit("bob", i, i - 1, insert_at(0, "b")).ok());
  EXPECT_EQ(seq.oldest_base_version(), 2u);
  Result<DocumentSequencer::Sequenced> r = seq.submit("alice", 1, 1, insert_at(0, "a"));
  EXPECT_EQ(r.status().code(), ErrorCode::kVersionTooOld);
  EXPECT_EQ(r.status().message(), "base version 1 is older than the oldest kept, 2; reload the document");
  EXPECT_TRUE(seq.submit("alice", 1, 2, insert_at(0, "a")).ok());
}

TEST(DocumentSequencerTest, OpThatDoesNotFitItsBaseIsRefusedInTheClientsOwnNumbers) {
  DocumentSequencer seq(Rope("abc"));
  ASSERT_TRUE(seq.submit("alice", 1, 0, insert_at(0, "0123456789")).ok());
  // Bob's op was made on version 0 (3 code points): retaining 5 never fit,
  // even though the document has 13 code points now.
  Result<DocumentSequencer::Sequenced> r = seq.submit("bob", 1, 0, insert_at(5, "x"));
  EXPECT_EQ(r.status().code(), ErrorCode::kDoesNotFit);
  EXPECT_EQ(r.status().message(), "op retains/deletes up to code point 5 but the document has 3 at version 0");
}

TEST(DocumentSequencerTest, ADeclaredSpanLongerThanTheBaseDoesNotFitEvenWhenTheOpItselfWould) {
  DocumentSequencer seq(Rope("abc"));
  ASSERT_TRUE(seq.submit("alice", 1, 0, insert_at(0, "0123456789")).ok());
  // "x" then a trailing retain of 4 on a 3-code-point version 0: normalized,
  // the op is just an insert, but as sent it claimed a longer document.
  auto r = seq.submit("bob", 1, 0, insert_at(0, "x"), 4);
  EXPECT_EQ(r.status().code(), ErrorCode::kDoesNotFit);
  EXPECT_EQ(r.status().message(), "op retains/deletes up to code point 4 but the document has 3 at version 0");
  EXPECT_EQ(seq.version(), 1u);
  EXPECT_TRUE(seq.submit("bob", 1, 0, insert_at(0, "x"), 3).ok());
}

TEST(DocumentSequencerTest, RefusedSubmitsChangeNothing) {
  DocumentSequencer seq(Rope("abc"));
  ASSERT_TRUE(seq.submit("alice", 2, 0, insert_at(0, ">")).ok());
  EXPECT_FALSE(seq.submit("bob", 1, 0, TextOp().del(4)).ok());
  EXPECT_FALSE(seq.submit("alice", 1, 1, insert_at(0, "x")).ok());
  EXPECT_FALSE(seq.submit("carol", 1, 9, insert_at(0, "x")).ok());
  EXPECT_EQ(seq.text().to_string(), ">abc");
  EXPECT_EQ(seq.version(), 1u);
  // Bob's refused submit did not claim his client_seq.
  Result<DocumentSequencer::Sequenced> bob = seq.submit("bob", 1, 1, insert_at(0, "b"));
  ASSERT_TRUE(bob.ok());
  EXPECT_FALSE(bob->duplicate);
}

TEST(DocumentSequencerTest, HistoryKeepsOnlyTheLastOps) {
  DocumentSequencer seq(Rope(""), 0, /*max_history=*/3);
  for (uint64_t i = 1; i <= 10; ++i) ASSERT_TRUE(seq.submit("bob", i, i - 1, insert_at(0, "b")).ok());
  EXPECT_EQ(seq.history_size(), 3u);
  EXPECT_EQ(seq.oldest_base_version(), 7u);
}

TEST(DocumentSequencerTest, ApplySequencedReplaysTheLogAndRemembersClients) {
  DocumentSequencer seq(Rope("ab"), 5);
  ASSERT_TRUE(seq.apply_sequenced(insert_at(2, "c"), 6, "alice", 3).ok());
  EXPECT_EQ(seq.text().to_string(), "abc");
  EXPECT_EQ(seq.version(), 6u);
  // Alice resends after the server restarted: still a duplicate.
  Result<DocumentSequencer::Sequenced> again = seq.submit("alice", 3, 5, insert_at(2, "c"));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->version, 6u);
  // And the replayed op is history an older base can be rebased past.
  Result<DocumentSequencer::Sequenced> bob = seq.submit("bob", 1, 5, insert_at(2, "!"));
  ASSERT_TRUE(bob.ok());
  EXPECT_EQ(seq.text().to_string(), "abc!");
}

TEST(DocumentSequencerTest, CopiesAndMovesAreIndependentSequencers) {
  DocumentSequencer a(Rope("ab"));
  ASSERT_TRUE(a.submit("alice", 1, 0, insert_at(0, "x")).ok());
  DocumentSequencer b = a;
  ASSERT_TRUE(b.submit("alice", 2, 1, insert_at(0, "y")).ok());
  // a never saw client_seq 2: it is new there, not a duplicate.
  Result<DocumentSequencer::Sequenced> in_a = a.submit("alice", 2, 1, insert_at(0, "z"));
  ASSERT_TRUE(in_a.ok());
  EXPECT_FALSE(in_a->duplicate);
  EXPECT_EQ(a.text().to_string(), "zxab");
  EXPECT_EQ(b.text().to_string(), "yxab");
  DocumentSequencer c = std::move(b);
  Result<DocumentSequencer::Sequenced> again = c.submit("alice", 2, 1, insert_at(0, "y"));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
}

TEST(DocumentSequencerTest, ApplySequencedRefusesAVersionOutOfOrder) {
  DocumentSequencer seq(Rope("ab"), 5);
  Status s = seq.apply_sequenced(insert_at(0, "x"), 7, "alice", 1);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidState);
  EXPECT_EQ(s.message(), "log record has version 7 but the document is at version 5; expected 6");
  EXPECT_EQ(seq.apply_sequenced(TextOp().del(3), 6, "alice", 1).code(), ErrorCode::kDoesNotFit);
  EXPECT_EQ(seq.version(), 5u);
}

}  // namespace
}  // namespace kenes::engine
