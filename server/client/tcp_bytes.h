#pragma once

#include <cstdint>

namespace kenes::client {

// The bytes the kernel has received on TCP socket `fd` (the payload of every
// segment: HTTP upgrade, WebSocket headers, compressed frames as they came),
// or 0 if the kernel cannot say. What "on the wire" means for
// permessage-deflate, where the library only ever sees inflated messages.
uint64_t tcp_bytes_received(int fd);

}  // namespace kenes::client
