#include "engine/client_document.h"

#include <string>
#include <utility>

#include "engine/transform.h"

namespace kenes::engine {

ClientDocument::ClientDocument(std::string_view text, uint64_t version) : text_(text), version_(version) {}

Status ClientDocument::local_edit(const TextOp& op) {
  Status s = apply(op, text_);
  if (!s.ok()) return s;
  pending_ = compose(pending_, op);
  ++pending_count_;
  return Status::Ok();
}

bool ClientDocument::has_outgoing() const { return !inflight_ && !pending_.is_noop(); }

Result<ClientDocument::OutgoingOp> ClientDocument::take_outgoing(uint64_t client_seq) {
  if (inflight_) {
    return Status(ErrorCode::kInvalidState,
                  "client_seq " + std::to_string(inflight_->client_seq) + " is still in flight; wait for its ack");
  }
  if (pending_.is_noop()) return Status(ErrorCode::kInvalidState, "no local edits to send");
  if (client_seq <= last_client_seq_) {
    return Status(ErrorCode::kInvalidState, "client_seq " + std::to_string(client_seq) +
                                                " is not greater than the last one taken, " +
                                                std::to_string(last_client_seq_));
  }
  last_client_seq_ = client_seq;
  inflight_ = InFlight{client_seq, std::move(pending_)};
  pending_ = TextOp();
  pending_count_ = 0;
  return OutgoingOp{version_, client_seq, inflight_->op};
}

Status ClientDocument::on_ack(uint64_t client_seq, uint64_t version) {
  if (!inflight_ || inflight_->client_seq != client_seq) {
    if (client_seq <= last_acked_seq_) return Status::Ok();
    return Status(ErrorCode::kInvalidState, "ack for client_seq " + std::to_string(client_seq) +
                                                " which is not in flight");
  }
  if (version != version_ + 1) {
    return Status(ErrorCode::kInvalidState, "ack assigns version " + std::to_string(version) +
                                                " but the document is at version " + std::to_string(version_) +
                                                "; a remote op was missed");
  }
  version_ = version;
  last_acked_seq_ = client_seq;
  inflight_.reset();
  return Status::Ok();
}

uint64_t ClientDocument::server_length() const {
  // Undo the length changes of pending, then of in flight.
  uint64_t length = text_.length() - pending_.inserted_length() + pending_.deleted_length();
  if (inflight_) length = length - inflight_->op.inserted_length() + inflight_->op.deleted_length();
  return length;
}

Result<TextOp> ClientDocument::on_remote_op(const TextOp& op, uint64_t version) {
  if (version != version_ + 1) {
    // A gap means ops were missed (resubscribe); an old version is a
    // delivery seen before.
    return Status(version > version_ + 1 ? ErrorCode::kVersionFromFuture : ErrorCode::kInvalidState,
                  "remote op has version " + std::to_string(version) + " but the document is at version " +
                      std::to_string(version_) + "; expected " + std::to_string(version_ + 1));
  }
  Status fits = validate(op, server_length());
  if (!fits.ok()) return fits;
  // The remote op was sequenced before ours, so it stays first (kLeft) and
  // ours go after it (kRight): the same tie-break the server applies when our
  // op reaches it. Work on copies and commit only once the text took the op.
  TextOp remote = op;
  std::optional<TextOp> inflight;
  if (inflight_) {
    TransformedPair p = transform_pair(remote, inflight_->op);
    remote = std::move(p.first_after_second);
    inflight = std::move(p.second_after_first);
  }
  TextOp pending;
  if (!pending_.is_noop()) {
    TransformedPair p = transform_pair(remote, pending_);
    remote = std::move(p.first_after_second);
    pending = std::move(p.second_after_first);
  }
  Status s = apply(remote, text_);
  if (!s.ok()) {
    // Cannot happen while transform keeps its contract; report it rather
    // than corrupt the state.
    return Status(ErrorCode::kInvalidState, "rebased remote op does not fit the local text: " + s.message());
  }
  if (inflight_) inflight_->op = std::move(*inflight);
  pending_ = std::move(pending);
  version_ = version;
  return remote;
}

std::optional<ClientDocument::OutgoingOp> ClientDocument::resend_inflight() const {
  if (!inflight_) return std::nullopt;
  return OutgoingOp{version_, inflight_->client_seq, inflight_->op};
}

}  // namespace kenes::engine
