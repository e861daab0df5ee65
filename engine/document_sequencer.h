#pragma once

// The server side of the text protocol, without I/O: the one authority that
// orders the edits of one document.
//
// Each submitted op names the version it was made on (base_version). The
// sequencer transforms it past every op sequenced since, in order, with
// Side::kRight (those ops were sequenced first, so their inserts stay first),
// applies it to the text and gives it the next version. Version v is the
// document after the v-th sequenced op; the first op gets version
// (initial version) + 1.
//
// Idempotency: per client_id it remembers the last (client_seq, version) it
// sequenced. A client has at most one op in flight per document, so the only
// op it can legitimately send twice (after a reconnect) is that last one: it
// is answered as a duplicate with the version it got the first time and is
// not applied again. This check comes before any other, so a resend is
// acknowledged even when its base version has fallen out of the history.
//
// History: only the last `max_history` ops are kept (with the document length
// before each), enough to rebase ops from clients that are a little behind.
// A base version older than that is refused with kVersionTooOld; that client
// must reload the document (the log holds the full history, not this class).
// The dedup table holds one small entry per client_id that ever wrote to the
// document.
//
// Thread-safety: none. The server runs one sequencer per document on that
// document's strand.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/rope.h"
#include "engine/status.h"
#include "engine/text_op.h"

namespace kenes::engine {

class DocumentSequencer {
 public:
  static constexpr size_t kDefaultMaxHistory = 1024;

  // A document whose text at `version` is `text` (say, loaded from a
  // snapshot), keeping at most `max_history` ops for rebasing.
  explicit DocumentSequencer(Rope text = {}, uint64_t version = 0, size_t max_history = kDefaultMaxHistory);

  struct Sequenced {
    // The op as sequenced: rebased onto the previous version; what the log
    // records and every subscriber applies. For a duplicate: that op if it
    // is still in the history, else the no-op.
    TextOp op;
    // The version the op produced.
    uint64_t version;
    // True if this (client_id, client_seq) had been sequenced before;
    // nothing was applied this time.
    bool duplicate;
  };

  // Sequences one op from a client, in this order of checks:
  //   1. dedup: client_seq equal to the last sequenced for client_id →
  //      duplicate; smaller → kStaleClientSeq;
  //   2. base_version > version() → kVersionFromFuture; older than the kept
  //      history → kVersionTooOld;
  //   3. the op must fit the document at base_version → kDoesNotFit.
  // Then transforms, applies, appends to the history and bumps the version.
  // On error nothing changes. `op` comes from TextOp::from_components (or the
  // builder), so it is normalized and its text is valid UTF-8. It is taken by
  // value: pass it with std::move to save a copy.
  //
  // `declared_span` is how many code points the op covered as sent, trailing
  // retain included (normalizing drops a trailing retain, so `op` no longer
  // knows): an op that claims more than the document had at base_version
  // does not fit either, even though dropping the excess would be harmless.
  Result<Sequenced> submit(std::string_view client_id, uint64_t client_seq, uint64_t base_version, TextOp op,
                           uint64_t declared_span = 0);

  // Replays one op from the log (already sequenced: no transform). `version`
  // must be version() + 1 (kInvalidState otherwise) and the op must fit
  // (kDoesNotFit: the log and the snapshot disagree). Records the dedup state
  // so that a resend arriving after a restart is still recognised.
  Status apply_sequenced(const TextOp& op, uint64_t version, std::string_view client_id, uint64_t client_seq);

  // For something else made at `base_version` (a comment's range): the
  // document's length then, and the ops sequenced since, oldest first, to
  // move it to version(). Errors as submit's step 2 (kVersionFromFuture,
  // kVersionTooOld). The pointers are valid until the next change.
  Status ops_since(uint64_t base_version, uint64_t* length_at_base, std::vector<const TextOp*>* ops) const;

  const Rope& text() const { return text_; }
  uint64_t version() const { return version_; }
  // The oldest base version submit() still accepts.
  uint64_t oldest_base_version() const { return version_ - history_.size(); }
  size_t history_size() const { return history_.size(); }
  size_t max_history() const { return max_history_; }
  size_t client_count() const { return clients_.size(); }

 private:
  struct HistoryEntry {
    TextOp op;               // as sequenced
    uint64_t length_before;  // the document's length before it
  };
  struct ClientState {
    uint64_t client_seq;
    uint64_t version;
  };
  // Lets the table be searched with a string_view without building a string.
  struct IdHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  using ClientTable = std::unordered_map<std::string, ClientState, IdHash, std::equal_to<>>;

  void record(const TextOp& op, uint64_t length_before);
  // The dedup entry of a client, or nullptr if it never wrote here.
  ClientState* find_client(std::string_view client_id);
  void remember_client(ClientState* entry, std::string_view client_id, uint64_t client_seq);

  Rope text_;
  uint64_t version_;
  size_t max_history_;
  std::deque<HistoryEntry> history_;  // the ops of versions oldest+1 .. version_
  // The entry of the client that wrote last: consecutive submits mostly come
  // from one typist, and this spares hashing its id each time. Entries of an
  // unordered_map stay put when it grows, so the pointer stays valid; a copy
  // or a move of the sequencer starts with an empty cache, never a pointer
  // into another table.
  struct LastClient {
    ClientTable::value_type* entry = nullptr;
    LastClient() = default;
    LastClient(const LastClient&) {}
    LastClient& operator=(const LastClient&) {
      entry = nullptr;
      return *this;
    }
  };

  ClientTable clients_;
  LastClient last_client_;
};

}  // namespace kenes::engine
