#include "tcp_bytes.h"

// Its own translation unit: <linux/tcp.h> has the counter glibc's
// <netinet/tcp.h> lacks, and the two headers cannot be included together
// (Asio includes the latter).
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>

namespace kenes::client {

uint64_t tcp_bytes_received(int fd) {
  struct tcp_info info {};
  socklen_t len = sizeof info;
  if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0) return 0;
  // Kernels before 4.1 fill a shorter struct without the counter.
  if (len < offsetof(struct tcp_info, tcpi_bytes_received) + sizeof info.tcpi_bytes_received) return 0;
  return info.tcpi_bytes_received;
}

}  // namespace kenes::client
