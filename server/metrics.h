#pragma once

// Process-wide counters and gauges, rendered at /metrics in the Prometheus
// text exposition format. Lock-free (relaxed atomics): a scrape may see
// counters from slightly different instants, which Prometheus tolerates.

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace kenes::server {

// A latency histogram with fixed buckets (seconds).
class LatencyHistogram {
 public:
  static constexpr std::array<double, 13> kBounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                     0.025,  0.05,    0.1,    0.25,  0.5,    1.0};
  void observe(double seconds);
  void render(std::string& out, const char* name, const char* help) const;

 private:
  std::array<std::atomic<uint64_t>, kBounds.size() + 1> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_micros_{0};
};

struct Metrics {
  std::atomic<int64_t> connections{0};
  std::atomic<uint64_t> connections_total{0};
  std::atomic<uint64_t> connections_refused_total{0};
  // Connections counted against --max-unauthenticated-per-address (not yet
  // past Hello; loopback peers not counted), and those it refused.
  std::atomic<int64_t> unauthenticated_connections{0};
  std::atomic<uint64_t> connections_refused_unauthenticated_total{0};
  std::atomic<int64_t> rooms{0};
  std::atomic<uint64_t> ops_total{0};           // text ops sequenced and durable
  std::atomic<uint64_t> records_total{0};       // every record appended
  std::atomic<uint64_t> duplicate_submits_total{0};
  std::atomic<uint64_t> messages_in_total{0};
  std::atomic<uint64_t> messages_out_total{0};
  std::atomic<uint64_t> bytes_in_total{0};
  std::atomic<uint64_t> bytes_out_total{0};
  std::atomic<int64_t> outbound_queue_bytes{0};  // sum over connections
  std::atomic<uint64_t> slow_reader_closes_total{0};
  std::atomic<uint64_t> broadcast_frames_merged_total{0};   // Broadcast frames carrying >1 record
  std::atomic<uint64_t> broadcast_records_merged_total{0};  // records sent in those frames
  std::atomic<uint64_t> broadcast_batches_total{0};         // room outbox flushes
  std::atomic<uint64_t> broadcast_batch_records_total{0};   // records in those flushes
  std::atomic<uint64_t> http_requests_total{0};
  std::atomic<uint64_t> websocket_origin_refused_total{0};  // upgrades refused 403 (Origin)
  std::atomic<uint64_t> tls_handshake_failures_total{0};
  std::atomic<uint64_t> tls_plaintext_refused_total{0};  // plain bytes on the TLS port
  // > highest kenes.v1.ErrorCode: the ranges handed out go up to 69 (issue 6);
  // a code past the array would be counted as UNSPECIFIED.
  static constexpr int kErrorCodes = 80;
  std::array<std::atomic<uint64_t>, kErrorCodes> errors_total{};
  LatencyHistogram append_latency;
  // A room's snapshot set: writing it, on the server's snapshot thread.
  LatencyHistogram snapshot_write_latency;
  std::atomic<uint64_t> snapshot_bytes_total{0};
  std::atomic<uint64_t> snapshots_total{0};
  // Joining by state (issue 16): the shared part built on the room's strand
  // (once per seq), the joins served, the bytes sent.
  LatencyHistogram join_state_build_latency;
  std::atomic<uint64_t> join_state_build_max_us{0};  // the longest build: how long the strand was held
  std::atomic<uint64_t> join_state_build_cpu_us_total{0};  // the builds' CPU time (wall less preemption)
  LatencyHistogram join_serve_latency;  // one join on the strand: the build if any, its own part, the send
  std::atomic<uint64_t> join_states_built_total{0};
  std::atomic<uint64_t> joins_by_state_total{0};
  std::atomic<uint64_t> joins_by_catch_up_total{0};
  std::atomic<uint64_t> join_state_bytes_total{0};
  std::atomic<uint64_t> documents_opened_total{0};

  void count_error(int code);
  std::string render() const;
};

Metrics& metrics();

}  // namespace kenes::server
