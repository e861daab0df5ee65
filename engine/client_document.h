#pragma once

// The client side of the text protocol, without I/O: one document as one
// client sees it. Three fields carry the protocol (as in @codemirror/collab
// and sharedb):
//   version   the last server version this client has seen,
//   in flight the op sent to the server and not yet acknowledged (at most
//             one; it always applies to the document at `version`),
//   pending   local edits made since, composed into one op (it applies
//             after the in-flight op).
// The local text is: server text at `version`, then in flight, then pending.
//
//   local_edit ──▶ pending ──take_outgoing──▶ in flight ──on_ack──▶ (gone)
//   on_remote_op: the remote op is transformed past in flight and pending
//                 (it was sequenced first, so it stays first), they past it,
//                 and the version moves on by one.
//
// The network layer (the browser client, a load generator) owns the socket:
// it calls take_outgoing when has_outgoing(), sends the result, and feeds
// acks and remote ops back in server order. When it sees its own record
// (client_id, client_seq) during a catch-up it calls on_ack, not
// on_remote_op. After a reconnect and catch-up, resend_inflight() gives the
// op to send again (same client_seq: the server deduplicates it).
//
// Thread-safety: none; one owner.

#include <cstdint>
#include <optional>
#include <string_view>

#include "engine/rope.h"
#include "engine/status.h"
#include "engine/text_op.h"

namespace kenes::engine {

class ClientDocument {
 public:
  // A document whose server text at `version` is `text` (valid UTF-8).
  explicit ClientDocument(std::string_view text = {}, uint64_t version = 0);

  // Applies a local edit, made on text(), and composes it into pending.
  // kDoesNotFit (and nothing changes) if it does not fit text().
  Status local_edit(const TextOp& op);

  // True when pending holds a change and nothing is in flight.
  bool has_outgoing() const;

  struct OutgoingOp {
    uint64_t base_version;
    uint64_t client_seq;
    TextOp op;
  };
  // Moves pending to in flight under `client_seq` and returns what to send.
  // kInvalidState if !has_outgoing(), or if client_seq is not greater than
  // every client_seq taken before (the server would refuse it as stale).
  Result<OutgoingOp> take_outgoing(uint64_t client_seq);

  // The server sequenced our in-flight op as `version`. kInvalidState if
  // client_seq is not in flight or version is not version() + 1 (a remote op
  // was missed). An ack for a client_seq already acknowledged is ignored (OK):
  // the author of an op sees it twice, as its own broadcast record and as the
  // Ack message.
  Status on_ack(uint64_t client_seq, uint64_t version);

  // A remote op sequenced by the server as `version`, made on the document
  // at version - 1. Must be version() + 1: kVersionFromFuture for a gap (ops
  // were missed; resubscribe), kInvalidState for a version already seen.
  // kDoesNotFit if it does not fit the server text at version(). On error
  // nothing changes. Returns the
  // op rebased onto the local text (what an editor should apply to its view).
  Result<TextOp> on_remote_op(const TextOp& op, uint64_t version);

  // The in-flight op to send again after a reconnect and catch-up, with
  // base_version = version() and its original client_seq; nullopt if
  // nothing is in flight.
  std::optional<OutgoingOp> resend_inflight() const;

  // The local text: server text, in-flight op and pending op applied.
  const Rope& text() const { return text_; }
  uint64_t version() const { return version_; }
  bool has_inflight() const { return inflight_.has_value(); }
  // The in-flight op (nullptr if none) and its client_seq (0 if none).
  const TextOp* inflight_op() const { return inflight_ ? &inflight_->op : nullptr; }
  uint64_t inflight_client_seq() const { return inflight_ ? inflight_->client_seq : 0; }
  const TextOp& pending() const { return pending_; }
  // How many local edits are composed into pending since the last
  // take_outgoing.
  uint64_t pending_count() const { return pending_count_; }
  // Length of the server text at version(): the document remote ops apply to.
  uint64_t server_length() const;

 private:
  struct InFlight {
    uint64_t client_seq;
    TextOp op;
  };

  Rope text_;
  uint64_t version_;
  std::optional<InFlight> inflight_;
  TextOp pending_;
  uint64_t pending_count_ = 0;
  uint64_t last_client_seq_ = 0;  // the largest client_seq taken
  uint64_t last_acked_seq_ = 0;   // the largest client_seq acknowledged
};

}  // namespace kenes::engine
