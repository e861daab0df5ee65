#include "engine/client_document.h"

#include <gtest/gtest.h>

#include "engine/document_sequencer.h"

#include "engine/testing/printers.h"

namespace kenes::engine {
namespace {

TextOp insert_at(uint64_t pos, std::string_view text) { return TextOp().retain(pos).insert(text); }

TEST(ClientDocumentTest, StartsFromTheGivenTextAndVersion) {
  ClientDocument doc("Қазақстан", 7);
  EXPECT_EQ(doc.text().to_string(), "Қазақстан");
  EXPECT_EQ(doc.version(), 7u);
  EXPECT_FALSE(doc.has_outgoing());
  EXPECT_FALSE(doc.has_inflight());
}

TEST(ClientDocumentTest, LocalEditAppliesAtOnceAndWaitsToBeSent) {
  ClientDocument doc("ab");
  ASSERT_TRUE(doc.local_edit(insert_at(1, "X")).ok());
  EXPECT_EQ(doc.text().to_string(), "aXb");
  EXPECT_TRUE(doc.has_outgoing());
  EXPECT_EQ(doc.pending_count(), 1u);
}

TEST(ClientDocumentTest, LocalEditThatDoesNotFitChangesNothing) {
  ClientDocument doc("ab");
  Status s = doc.local_edit(TextOp().retain(3).insert("X"));
  EXPECT_EQ(s.code(), ErrorCode::kDoesNotFit);
  EXPECT_EQ(doc.text().to_string(), "ab");
  EXPECT_FALSE(doc.has_outgoing());
}

TEST(ClientDocumentTest, TakeOutgoingPutsPendingInFlightOnTheCurrentVersion) {
  ClientDocument doc("ab", 4);
  ASSERT_TRUE(doc.local_edit(insert_at(2, "!")).ok());
  Result<ClientDocument::OutgoingOp> out = doc.take_outgoing(1);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->base_version, 4u);
  EXPECT_EQ(out->client_seq, 1u);
  EXPECT_EQ(out->op, insert_at(2, "!"));
  EXPECT_TRUE(doc.has_inflight());
  EXPECT_FALSE(doc.has_outgoing());
  EXPECT_TRUE(doc.pending().is_noop());
  EXPECT_EQ(doc.pending_count(), 0u);
}

TEST(ClientDocumentTest, OnlyOneOpIsInFlightAtATime) {
  ClientDocument doc("ab");
  ASSERT_TRUE(doc.local_edit(insert_at(0, "1")).ok());
  ASSERT_TRUE(doc.take_outgoing(1).ok());
  ASSERT_TRUE(doc.local_edit(insert_at(0, "2")).ok());
  EXPECT_FALSE(doc.has_outgoing());
  EXPECT_EQ(doc.take_outgoing(2).status().code(), ErrorCode::kInvalidState);
}

TEST(ClientDocumentTest, TakingWithNothingToSendIsRefused) {
  ClientDocument doc("ab");
  EXPECT_EQ(doc.take_outgoing(1).status().code(), ErrorCode::kInvalidState);
}

TEST(ClientDocumentTest, ClientSeqMustGrow) {
  ClientDocument doc("ab");
  ASSERT_TRUE(doc.local_edit(insert_at(0, "1")).ok());
  ASSERT_TRUE(doc.take_outgoing(5).ok());
  ASSERT_TRUE(doc.on_ack(5, 1).ok());
  ASSERT_TRUE(doc.local_edit(insert_at(0, "2")).ok());
  EXPECT_EQ(doc.take_outgoing(5).status().code(), ErrorCode::kInvalidState);
  EXPECT_TRUE(doc.take_outgoing(6).ok());
}

TEST(ClientDocumentTest, EditsMadeWhileAnOpIsInFlightAreComposedIntoOnePendingOp) {
  ClientDocument doc("abc");
  ASSERT_TRUE(doc.local_edit(insert_at(0, ">")).ok());
  ASSERT_TRUE(doc.take_outgoing(1).ok());
  ASSERT_TRUE(doc.local_edit(insert_at(4, "1")).ok());
  ASSERT_TRUE(doc.local_edit(insert_at(5, "2")).ok());
  ASSERT_TRUE(doc.local_edit(TextOp().retain(1).del(1)).ok());
  EXPECT_EQ(doc.text().to_string(), ">bc12");
  EXPECT_EQ(doc.pending_count(), 3u);
  EXPECT_EQ(doc.pending().debug_string(), R"([1,{"d":1},2,"12"])");
}

TEST(ClientDocumentTest, AckAdvancesTheVersionAndFreesTheSlot) {
  ClientDocument doc("ab", 3);
  ASSERT_TRUE(doc.local_edit(insert_at(0, "x")).ok());
  ASSERT_TRUE(doc.take_outgoing(1).ok());
  ASSERT_TRUE(doc.local_edit(insert_at(0, "y")).ok());
  ASSERT_TRUE(doc.on_ack(1, 4).ok());
  EXPECT_EQ(doc.version(), 4u);
  EXPECT_FALSE(doc.has_inflight());
  EXPECT_TRUE(doc.has_outgoing());
  Result<ClientDocument::OutgoingOp> next = doc.take_outgoing(2);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->base_version, 4u);
}

TEST(ClientDocumentTest, AckForAClientSeqNotInFlightIsRefused) {
  ClientDocument doc("ab");
  ASSERT_TRUE(doc.local_edit(insert_at(0, "x")).ok());
  ASSERT_TRUE(doc.take_outgoing(1).ok());
  EXPECT_EQ(doc.on_ack(2, 1).code(), ErrorCode::kInvalidState);
  EXPECT_TRUE(doc.has_inflight());
}

TEST(ClientDocumentTest, AckThatSkipsAVersionIsRefused) {
  ClientDocument doc("ab");
  ASSERT_TRUE(doc.local_edit(insert_at(0, "x")).ok());
  ASSERT_TRUE(doc.take_outgoing(1).ok());
  Status s = doc.on_ack(1, 2);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidState);
  EXPECT_EQ(s.message(), "ack assigns version 2 but the document is at version 0; a remote op was missed");
  EXPECT_TRUE(doc.has_inflight());
}

TEST(ClientDocumentTest, SecondAckOfTheSameOpIsIgnored) {
  // The author sees its op twice: as its own broadcast record and as the Ack.
  ClientDocument doc("ab");
  ASSERT_TRUE(doc.local_edit(insert_at(0, "x")).ok());
  ASSERT_TRUE(doc.take_outgoing(1).ok());
  ASSERT_TRUE(doc.on_ack(1, 1).ok());
  EXPECT_TRUE(doc.on_ack(1, 1).ok());
  EXPECT_EQ(doc.version(), 1u);
}

TEST(ClientDocumentTest, RemoteOpIsRebasedPastInFlightAndPendingEdits) {
  ClientDocument doc("ab");
  ASSERT_TRUE(doc.local_edit(insert_at(1, "X")).ok());  // in flight
  ASSERT_TRUE(doc.take_outgoing(1).ok());
  ASSERT_TRUE(doc.local_edit(insert_at(3, "Z")).ok());  // pending
  // Another client's insert at the same place was sequenced first, so it
  // comes first: "aYXbZ".
  Result<TextOp> local = doc.on_remote_op(insert_at(1, "Y"), 1);
  ASSERT_TRUE(local.ok()) << local.status().to_string();
  EXPECT_EQ(*local, insert_at(1, "Y"));
  EXPECT_EQ(doc.text().to_string(), "aYXbZ");
  EXPECT_EQ(doc.version(), 1u);
  EXPECT_EQ(*doc.inflight_op(), insert_at(2, "X"));
  EXPECT_EQ(doc.pending(), insert_at(4, "Z"));
  EXPECT_EQ(doc.server_length(), 3u);
}

TEST(ClientDocumentTest, RemoteOpIsShiftedPastLocalTextBeforeIt) {
  ClientDocument doc("hello");
  ASSERT_TRUE(doc.local_edit(insert_at(0, "Сәлем ")).ok());
  Result<TextOp> local = doc.on_remote_op(insert_at(5, "!"), 1);
  ASSERT_TRUE(local.ok());
  EXPECT_EQ(*local, insert_at(11, "!"));
  EXPECT_EQ(doc.text().to_string(), "Сәлем hello!");
}

TEST(ClientDocumentTest, RemoteOpWithAVersionGapIsRefusedAndChangesNothing) {
  ClientDocument doc("ab", 2);
  Result<TextOp> r = doc.on_remote_op(insert_at(0, "x"), 4);
  EXPECT_EQ(r.status().code(), ErrorCode::kVersionFromFuture);
  EXPECT_EQ(doc.on_remote_op(insert_at(0, "x"), 2).status().code(), ErrorCode::kInvalidState);
  EXPECT_EQ(doc.text().to_string(), "ab");
  EXPECT_EQ(doc.version(), 2u);
}

TEST(ClientDocumentTest, RemoteOpThatDoesNotFitTheServerTextIsRefused) {
  ClientDocument doc("ab");
  ASSERT_TRUE(doc.local_edit(insert_at(2, "cdef")).ok());
  // The local text has 6 code points but the server's has 2.
  Result<TextOp> r = doc.on_remote_op(TextOp().retain(4).insert("x"), 1);
  EXPECT_EQ(r.status().code(), ErrorCode::kDoesNotFit);
  EXPECT_EQ(doc.text().to_string(), "abcdef");
  EXPECT_EQ(doc.version(), 0u);
}

// sharedb's issue #717 hid because its tests had one pending op: here the
// pending op holds several edits at different places when a remote op comes.
TEST(ClientDocumentTest, SeveralPendingEditsAreRebasedTogetherAndConverge) {
  DocumentSequencer server{Rope("0123456789")};
  ClientDocument alice("0123456789");
  ClientDocument bob("0123456789");

  ASSERT_TRUE(alice.local_edit(insert_at(2, "a")).ok());
  Result<ClientDocument::OutgoingOp> a1 = alice.take_outgoing(1);
  ASSERT_TRUE(a1.ok());
  ASSERT_TRUE(alice.local_edit(insert_at(9, "b")).ok());
  ASSERT_TRUE(alice.local_edit(TextOp().del(1)).ok());
  ASSERT_TRUE(alice.local_edit(insert_at(11, "ә")).ok());
  ASSERT_TRUE(alice.local_edit(TextOp().retain(4).del(3)).ok());
  EXPECT_EQ(alice.pending_count(), 4u);
  EXPECT_EQ(alice.text().to_string(), "1a237b89ә");

  // Bob's edit reaches the server first.
  ASSERT_TRUE(bob.local_edit(insert_at(5, "Қ")).ok());
  Result<ClientDocument::OutgoingOp> b1 = bob.take_outgoing(1);
  ASSERT_TRUE(b1.ok());
  Result<DocumentSequencer::Sequenced> sb = server.submit("bob", 1, b1->base_version, b1->op);
  ASSERT_TRUE(sb.ok());
  Result<DocumentSequencer::Sequenced> sa = server.submit("alice", 1, a1->base_version, a1->op);
  ASSERT_TRUE(sa.ok());

  ASSERT_TRUE(bob.on_ack(1, sb->version).ok());
  ASSERT_TRUE(bob.on_remote_op(sa->op, sa->version).ok());
  ASSERT_TRUE(alice.on_remote_op(sb->op, sb->version).ok());
  ASSERT_TRUE(alice.on_ack(1, sa->version).ok());

  Result<ClientDocument::OutgoingOp> a2 = alice.take_outgoing(2);
  ASSERT_TRUE(a2.ok());
  Result<DocumentSequencer::Sequenced> sa2 = server.submit("alice", 2, a2->base_version, a2->op);
  ASSERT_TRUE(sa2.ok());
  ASSERT_TRUE(alice.on_ack(2, sa2->version).ok());
  ASSERT_TRUE(bob.on_remote_op(sa2->op, sa2->version).ok());

  // Bob's Қ went between 4 and 5, inside the "456" Alice deleted: it
  // survives where that text was.
  EXPECT_EQ(server.text().to_string(), "1a23Қ7b89ә");
  EXPECT_EQ(alice.text().to_string(), server.text().to_string());
  EXPECT_EQ(bob.text().to_string(), server.text().to_string());
}

TEST(ClientDocumentTest, ResendAfterReconnectUsesTheCurrentVersionAndTheSameClientSeq) {
  ClientDocument doc("ab");
  EXPECT_FALSE(doc.resend_inflight().has_value());
  ASSERT_TRUE(doc.local_edit(insert_at(2, "!")).ok());
  ASSERT_TRUE(doc.take_outgoing(9).ok());
  // During catch-up after a reconnect, a remote op arrives first.
  ASSERT_TRUE(doc.on_remote_op(insert_at(0, ">"), 1).ok());
  std::optional<ClientDocument::OutgoingOp> again = doc.resend_inflight();
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->base_version, 1u);
  EXPECT_EQ(again->client_seq, 9u);
  EXPECT_EQ(again->op, insert_at(3, "!"));
}

}  // namespace
}  // namespace kenes::engine
