#pragma once

// What a Room needs from a client connection. WebSocketSession implements it;
// room tests use an in-memory fake. Every method is thread-safe: the room
// calls them from its strand, the connection does the work on its own.

#include <functional>
#include <string>

#include "kenes/v1/protocol.pb.h"
#include "wire_frames.h"

namespace kenes::server {

class Connection {
 public:
  virtual ~Connection() = default;

  // Queues a frame. If the connection's queue would exceed its byte limit the
  // connection closes itself as a slow reader (the frame is dropped).
  virtual void send(SharedFrame frame) = 0;

  // Like send(), then calls `written` on some thread once the frame has left
  // the queue (written, or dropped because the connection closed). Used to
  // pace catch-up: one batch in flight per connection.
  virtual void send_then(SharedFrame frame, std::function<void()> written) = 0;

  // Like send() for a broadcast_frame() (one live record). The connection may
  // merge it with the broadcast frames queued next to it into one Broadcast
  // frame carrying all their records, in order; never across another frame.
  virtual void send_broadcast(SharedFrame frame) { send(std::move(frame)); }

  // Sends Error{code, message, fatal} and closes (WebSocket close code chosen
  // from `code`). Idempotent.
  virtual void close_with_error(kenes::v1::ErrorCode code, std::string message) = 0;

  // Closes with 1001 "going away" (server shutdown).
  virtual void close_going_away() = 0;
};

}  // namespace kenes::server
