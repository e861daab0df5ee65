#include "metrics.h"

#include <unistd.h>

#include <cstdio>

#include "kenes/v1/protocol.pb.h"
#include "storage/rocks_log.h"

namespace kenes::server {

void LatencyHistogram::observe(double seconds) {
  size_t i = 0;
  while (i < kBounds.size() && seconds > kBounds[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

void LatencyHistogram::render(std::string& out, const char* name, const char* help) const {
  char buf[256];
  std::snprintf(buf, sizeof buf, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name);
  out += buf;
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= kBounds.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    if (i < kBounds.size()) {
      std::snprintf(buf, sizeof buf, "%s_bucket{le=\"%g\"} %llu\n", name, kBounds[i],
                    static_cast<unsigned long long>(cumulative));
    } else {
      std::snprintf(buf, sizeof buf, "%s_bucket{le=\"+Inf\"} %llu\n", name,
                    static_cast<unsigned long long>(cumulative));
    }
    out += buf;
  }
  std::snprintf(buf, sizeof buf, "%s_sum %.6f\n%s_count %llu\n", name,
                static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6, name,
                static_cast<unsigned long long>(count_.load(std::memory_order_relaxed)));
  out += buf;
}

void Metrics::count_error(int code) {
  if (code < 0 || code >= kErrorCodes) code = 0;
  errors_total[code].fetch_add(1, std::memory_order_relaxed);
}

namespace {

// VmRSS, from /proc/self/statm's second field (pages). 0 where there is none.
uint64_t resident_bytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0;
  unsigned long long size = 0, resident = 0;
  const int n = std::fscanf(f, "%llu %llu", &size, &resident);
  std::fclose(f);
  if (n != 2) return 0;
  return resident * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace

std::string Metrics::render() const {
  std::string out;
  out.reserve(4096);
  char buf[512];  // three times the name and the help: a longer line would be cut
  auto metric = [&](const char* name, const char* type, const char* help, long long value) {
    std::snprintf(buf, sizeof buf, "# HELP %s %s\n# TYPE %s %s\n%s %lld\n", name, help, name, type, name, value);
    out += buf;
  };
  auto load = [](const auto& a) { return static_cast<long long>(a.load(std::memory_order_relaxed)); };
  metric("kenes_connections", "gauge", "Open WebSocket and HTTP connections.", load(connections));
  metric("kenes_connections_total", "counter", "Connections accepted since start.", load(connections_total));
  metric("kenes_connections_refused_total", "counter", "Connections refused at the connection limit.",
         load(connections_refused_total));
  metric("kenes_connections_unauthenticated", "gauge",
         "Connections not yet past Hello (HTTP included), counted per address; loopback not counted.",
         load(unauthenticated_connections));
  metric("kenes_connections_refused_unauthenticated_total", "counter",
         "Connections refused at --max-unauthenticated-per-address.",
         load(connections_refused_unauthenticated_total));
  metric("kenes_rooms", "gauge", "Consultations loaded in memory.", load(rooms));
  metric("kenes_ops_total", "counter", "Text ops sequenced and durable (rate() gives ops/s).", load(ops_total));
  metric("kenes_records_total", "counter", "Log records appended.", load(records_total));
  metric("kenes_duplicate_submits_total", "counter", "Resent submits acknowledged again without applying.",
         load(duplicate_submits_total));
  metric("kenes_messages_in_total", "counter", "WebSocket messages received.", load(messages_in_total));
  metric("kenes_messages_out_total", "counter", "WebSocket messages sent.", load(messages_out_total));
  metric("kenes_bytes_in_total", "counter", "WebSocket payload bytes received.", load(bytes_in_total));
  metric("kenes_bytes_out_total", "counter", "WebSocket payload bytes sent.", load(bytes_out_total));
  metric("kenes_outbound_queue_bytes", "gauge", "Bytes queued for sending, all connections.",
         load(outbound_queue_bytes));
  metric("kenes_slow_reader_closes_total", "counter", "Connections closed because their queue overflowed.",
         load(slow_reader_closes_total));
  metric("kenes_broadcast_frames_merged_total", "counter",
         "Broadcast frames that carried several records queued for one connection.",
         load(broadcast_frames_merged_total));
  metric("kenes_broadcast_records_merged_total", "counter", "Records sent in merged Broadcast frames.",
         load(broadcast_records_merged_total));
  metric("kenes_broadcast_batches_total", "counter",
         "Outbox flushes of the rooms: each sends one Broadcast frame per live member.",
         load(broadcast_batches_total));
  metric("kenes_broadcast_batch_records_total", "counter", "Records sent by those flushes.",
         load(broadcast_batch_records_total));
  metric("kenes_http_requests_total", "counter", "HTTP requests served.", load(http_requests_total));
  metric("kenes_websocket_origin_refused_total", "counter",
         "WebSocket upgrades refused with 403 because of their Origin (see --allowed-origins).",
         load(websocket_origin_refused_total));
  metric("kenes_tls_handshake_failures_total", "counter", "TLS handshakes that failed or timed out.",
         load(tls_handshake_failures_total));
  metric("kenes_tls_plaintext_refused_total", "counter",
         "Connections that sent plain text to the TLS port (answered 400, closed).", load(tls_plaintext_refused_total));
  out += "# HELP kenes_errors_total Errors sent to clients, by code.\n# TYPE kenes_errors_total counter\n";
  for (int code = 0; code < kErrorCodes; ++code) {
    if (!kenes::v1::ErrorCode_IsValid(code)) continue;
    std::string name = kenes::v1::ErrorCode_Name(static_cast<kenes::v1::ErrorCode>(code));
    std::snprintf(buf, sizeof buf, "kenes_errors_total{code=\"%s\"} %llu\n", name.c_str(),
                  static_cast<unsigned long long>(errors_total[code].load(std::memory_order_relaxed)));
    out += buf;
  }
  append_latency.render(out, "kenes_append_latency_seconds",
                        "From handing records to the log to their durable acknowledgement.");
  metric("kenes_snapshots_total", "counter", "Snapshot sets written by the rooms.", load(snapshots_total));
  metric("kenes_snapshot_bytes_total", "counter", "Bytes of the snapshot sets written.", load(snapshot_bytes_total));
  snapshot_write_latency.render(out, "kenes_snapshot_write_seconds",
                                "Writing one room's snapshot set, on the snapshot thread (the room goes on).");
  join_state_build_latency.render(out, "kenes_join_state_build_seconds",
                                  "Building a consultation's client state on its room's strand (once per seq).");
  metric("kenes_join_state_build_max_microseconds", "gauge",
         "The longest client-state build since start: the longest the room's strand was held for a join.",
         load(join_state_build_max_us));
  metric("kenes_join_state_build_cpu_microseconds_total", "counter", "CPU time of the client-state builds.",
         load(join_state_build_cpu_us_total));
  join_serve_latency.render(out, "kenes_join_serve_seconds",
                            "One join by state on its room's strand: the build if needed, the joiner's own part, the send.");
  metric("kenes_join_states_built_total", "counter", "Client states built (a join at a seq not built before).",
         load(join_states_built_total));
  metric("kenes_joins_by_state_total", "counter", "Subscribers started by a client state.",
         load(joins_by_state_total));
  metric("kenes_joins_by_catch_up_total", "counter", "Subscribers started by catching up from the log.",
         load(joins_by_catch_up_total));
  metric("kenes_join_state_bytes_total", "counter", "Bytes of the client states sent.", load(join_state_bytes_total));
  metric("kenes_documents_opened_total", "counter", "Drafts' texts sent (OpenDocument).",
         load(documents_opened_total));
  const storage::RocksMemory rocks = storage::rocks_memory();
  metric("kenes_storage_block_cache_bytes", "gauge",
         "RocksDB block cache in use, the memtables' charge included (bounded by its capacity).",
         static_cast<long long>(rocks.block_cache_bytes));
  metric("kenes_storage_block_cache_capacity_bytes", "gauge", "RocksDB block cache capacity.",
         static_cast<long long>(rocks.block_cache_capacity));
  metric("kenes_storage_memtable_bytes", "gauge", "RocksDB memtables of every family, not yet flushed.",
         static_cast<long long>(rocks.memtable_bytes));
  metric("process_resident_memory_bytes", "gauge", "Resident set size of the server process.",
         static_cast<long long>(resident_bytes()));
  return out;
}

Metrics& metrics() {
  static Metrics m;
  return m;
}

}  // namespace kenes::server
