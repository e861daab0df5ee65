#pragma once

// The physical limit that `kenes-bench trace` is compared with: a bare Beast
// WebSocket server in the bench process that speaks just enough of kenes.v1
// for KenesClient (Hello -> Welcome, Subscribe -> an empty CatchUp{done}),
// and answers each SubmitOp at once with an Ack and forwards it as a
// Broadcast to every other connection. No transform (the op is forwarded as
// received, which is exact only for a single writer), no log, no durability,
// no token check. One I/O thread, so no locks.
//
// Lifetime: start() spawns the thread; the destructor stops it.

#include <cstdint>
#include <memory>

namespace kenes::bench {

class EchoServer {
 public:
  EchoServer();
  ~EchoServer();
  // Listens on 127.0.0.1 at a free port. Returns false if it cannot.
  bool start();
  uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kenes::bench
