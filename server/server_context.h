#pragma once

// What every session needs from the running server, in one place: the
// options, the token signer, the rooms, and the web root. Owned by Server,
// outlives every session.

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "options.h"
#include "origin_check.h"
#include "participant_limits.h"
#include "unauthenticated_limit.h"
#include "replay/answer_cache.h"
#include "replay/report/export.h"
#include "work_pool.h"
#include "room.h"
#include "auth/token.h"

namespace boost::asio::ssl {
class context;
}

namespace kenes::server {

class RoomRegistry {
 public:
  std::shared_ptr<Room> find(const std::string& consultation_id) const {
    std::lock_guard lock(mutex_);
    auto it = rooms_.find(consultation_id);
    return it == rooms_.end() ? nullptr : it->second;
  }
  void add(std::shared_ptr<Room> room) {
    std::lock_guard lock(mutex_);
    rooms_[room->consultation_id()] = std::move(room);
  }
  std::vector<std::shared_ptr<Room>> all() const {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<Room>> out;
    for (const auto& [id, r] : rooms_) out.push_back(r);
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<Room>> rooms_;
};

// The TLS context new connections are made with. SIGHUP swaps it for one
// built from the renewed files while I/O threads read it, hence the mutex
// (taken once per accepted connection, never held across I/O). A connection
// takes what get() returns when its TLS stream is made and never looks again:
// its SSL object holds a reference on the old SSL_CTX (see
// http_session.cc), so the swap affects new connections only.
class TlsContextSlot {
 public:
  std::shared_ptr<boost::asio::ssl::context> get() const {
    std::lock_guard lock(mutex_);
    return ctx_;
  }
  void set(std::shared_ptr<boost::asio::ssl::context> ctx) {
    std::lock_guard lock(mutex_);
    ctx_.swap(ctx);
    // The old context (if any) is released in `ctx`'s destructor, after the
    // lock: freeing it is OpenSSL's work, not the other threads' wait.
  }
  // Fixed at start-up: a server with TLS stays a TLS server across reloads.
  explicit operator bool() const { return static_cast<bool>(get()); }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<boost::asio::ssl::context> ctx_;
};

struct ServerContext {
  ServerOptions options;
  std::filesystem::path web_root;  // canonical
  std::unique_ptr<TokenSigner> signer;
  // Set when --tls-cert/--tls-key are given: every connection is TLS. Shared
  // (not unique) so that this header needs no OpenSSL declarations.
  TlsContextSlot tls;
  OriginPolicy origins;  // who may open a WebSocket (from the options)
  RoomRegistry rooms;
  // Connections and inbound rates per participant (made in Server::open).
  std::unique_ptr<ParticipantLimits> participant_limits;
  // Connections per address before Hello (made in Server::open; null: no cap).
  std::unique_ptr<UnauthenticatedLimit> unauthenticated;
  // Connections open on --metrics-listen (a few at most: metrics_port.cc).
  std::atomic<int> metrics_sessions{0};
  // Exports and history answers, off the I/O threads (owned by Server, made
  // in Server::open; null in tests without one: exports then run inline),
  // and the exports each participant has in flight (one at a time).
  WorkPool* work_pool = nullptr;
  InFlightCounter exports_in_flight{1};
  // Exports already made, by consultation, export name and the log head they
  // were made at, and who may have them at that head (issue 17): an export
  // asked again while nothing was written is served without a fold. Bounded
  // by bytes (a full assessment's report is ~4 MB).
  replay::AnswerCache<report::ExportOutput> export_outputs{
      64 << 20, [](const report::ExportOutput& o) { return o.body.size() + o.file_name.size() + 256; }};
  replay::AnswerCache<report::ExportAccess> export_access{
      1 << 20, [](const report::ExportAccess&) { return size_t{64}; }};
  // The log every room appends to; exports read it (thread-safe). Null
  // until the data folder is open.
  storage::Log* log = nullptr;
  std::atomic<bool> ready{false};
  std::atomic<bool> stopping{false};
};

}  // namespace kenes::server
