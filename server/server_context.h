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
#include "room.h"
#include "token.h"

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

struct ServerContext {
  ServerOptions options;
  std::filesystem::path web_root;  // canonical
  std::unique_ptr<TokenSigner> signer;
  // Set when --tls-cert/--tls-key are given: every connection is TLS. Shared
  // (not unique) so that this header needs no OpenSSL declarations.
  std::shared_ptr<boost::asio::ssl::context> tls;
  OriginPolicy origins;  // who may open a WebSocket (from the options)
  RoomRegistry rooms;
  // The log every room appends to; exports read it (thread-safe). Null
  // until the data folder is open.
  storage::Log* log = nullptr;
  std::atomic<bool> ready{false};
  std::atomic<bool> stopping{false};
};

}  // namespace kenes::server
