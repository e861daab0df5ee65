#include "engine/document_sequencer.h"

#include <algorithm>
#include <string>
#include <utility>

#include "engine/transform.h"

namespace kenes::engine {

DocumentSequencer::DocumentSequencer(Rope text, uint64_t version, size_t max_history)
    : text_(std::move(text)), version_(version), max_history_(max_history) {}

Result<DocumentSequencer::Sequenced> DocumentSequencer::submit(std::string_view client_id, uint64_t client_seq,
                                                               uint64_t base_version, TextOp op,
                                                               uint64_t declared_span) {
  // 1. Dedup before anything else: a resend must be acknowledged again even
  // if the document moved on far enough that its base is no longer kept.
  ClientState* known = find_client(client_id);
  if (known != nullptr) {
    const ClientState& last = *known;
    if (client_seq == last.client_seq) {
      Sequenced dup{TextOp(), last.version, true};
      if (last.version > oldest_base_version()) dup.op = history_[last.version - oldest_base_version() - 1].op;
      return dup;
    }
    if (client_seq < last.client_seq) {
      return Status(ErrorCode::kStaleClientSeq, "client_seq " + std::to_string(client_seq) + " of client '" +
                                                    std::string(client_id) + "' is below " +
                                                    std::to_string(last.client_seq) + ", the last one sequenced");
    }
  }

  // 2. The base version must be one we can rebase from.
  if (base_version > version_) {
    return Status(ErrorCode::kVersionFromFuture, "base version " + std::to_string(base_version) +
                                                     " is ahead of the document's version " +
                                                     std::to_string(version_));
  }
  const uint64_t oldest = oldest_base_version();
  if (base_version < oldest) {
    return Status(ErrorCode::kVersionTooOld, "base version " + std::to_string(base_version) +
                                                 " is older than the oldest kept, " + std::to_string(oldest) +
                                                 "; reload the document");
  }

  // 3. The op must fit the document it was made on; checked there so that
  // the error speaks of the client's own numbers.
  const size_t first = base_version - oldest;
  const uint64_t base_length = first == history_.size() ? text_.length() : history_[first].length_before;
  const uint64_t span = std::max(op.consumed_length(), declared_span);
  if (span > base_length) {
    return Status(ErrorCode::kDoesNotFit, "op retains/deletes up to code point " +
                                              std::to_string(span) + " but the document has " +
                                              std::to_string(base_length) + " at version " +
                                              std::to_string(base_version));
  }

  TextOp rebased = std::move(op);
  for (size_t i = first; i < history_.size(); ++i) rebased = transform(rebased, history_[i].op, Side::kRight);

  const uint64_t length_before = text_.length();
  Status applied = apply(rebased, text_);
  if (!applied.ok()) {
    // Cannot happen while transform keeps its contract (an op that fits its
    // base fits after rebasing); refuse rather than corrupt the text.
    return Status(ErrorCode::kInvalidState, "rebased op does not fit: " + applied.message());
  }
  record(rebased, length_before);
  remember_client(known, client_id, client_seq);
  return Sequenced{std::move(rebased), version_, false};
}

Status DocumentSequencer::apply_sequenced(const TextOp& op, uint64_t version, std::string_view client_id,
                                          uint64_t client_seq) {
  if (version != version_ + 1) {
    return Status(ErrorCode::kInvalidState, "log record has version " + std::to_string(version) +
                                                " but the document is at version " + std::to_string(version_) +
                                                "; expected " + std::to_string(version_ + 1));
  }
  const uint64_t length_before = text_.length();
  Status applied = apply(op, text_);
  if (!applied.ok()) return applied;
  record(op, length_before);
  remember_client(find_client(client_id), client_id, client_seq);
  return Status::Ok();
}

Status DocumentSequencer::ops_since(uint64_t base_version, uint64_t* length_at_base,
                                    std::vector<const TextOp*>* ops) const {
  if (base_version > version_) {
    return Status(ErrorCode::kVersionFromFuture, "version " + std::to_string(base_version) +
                                                     " is ahead of the document's version " + std::to_string(version_));
  }
  const uint64_t oldest = oldest_base_version();
  if (base_version < oldest) {
    return Status(ErrorCode::kVersionTooOld, "version " + std::to_string(base_version) +
                                                 " is older than the oldest kept, " + std::to_string(oldest) +
                                                 "; reload the document");
  }
  const size_t first = base_version - oldest;
  *length_at_base = first == history_.size() ? text_.length() : history_[first].length_before;
  ops->clear();
  for (size_t i = first; i < history_.size(); ++i) ops->push_back(&history_[i].op);
  return Status::Ok();
}

void DocumentSequencer::record(const TextOp& op, uint64_t length_before) {
  ++version_;
  if (max_history_ == 0) return;
  if (history_.size() == max_history_) history_.pop_front();
  history_.push_back(HistoryEntry{op, length_before});
}

DocumentSequencer::ClientState* DocumentSequencer::find_client(std::string_view client_id) {
  if (last_client_.entry != nullptr && last_client_.entry->first == client_id) return &last_client_.entry->second;
  auto it = clients_.find(client_id);
  if (it == clients_.end()) return nullptr;
  last_client_.entry = &*it;
  return &it->second;
}

void DocumentSequencer::remember_client(ClientState* entry, std::string_view client_id, uint64_t client_seq) {
  if (entry != nullptr) {
    *entry = ClientState{client_seq, version_};
    return;
  }
  auto [it, inserted] = clients_.emplace(std::string(client_id), ClientState{client_seq, version_});
  last_client_.entry = &*it;
}

}  // namespace kenes::engine
