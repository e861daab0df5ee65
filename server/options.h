#pragma once

// Every setting of kenes-server, with its unit in its name. Each flag
// `--some-flag` can also be given as the environment variable
// `KENES_SOME_FLAG`; a flag on the command line wins over the environment.

#include <cstdint>
#include <optional>
#include <string>

namespace kenes::server {

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free one
  // host:port for /metrics (and /healthz) alone, in plain HTTP; the public
  // port then answers /metrics with 404. Empty: /metrics on --listen. The
  // figures say how busy the server is and nothing about who is in it, but
  // an operator may still not want them on the internet.
  std::string metrics_listen;
  std::string data_dir = "./data";
  std::string web_root = "client-web/dist";
  // Links printed by --demo and kenes-admin start with this; defaults to
  // http://<listen>. Set it to the public https:// address behind a proxy.
  std::string public_url;
  // PEM files. Both or neither: with them the port speaks only https:// and
  // wss://; without, plain http:// and ws:// (behind a TLS proxy, or local).
  std::string tls_cert;  // the certificate chain, leaf first
  std::string tls_key;   // its private key (unencrypted)
  // Strict-Transport-Security max-age on native TLS responses; 0: not sent.
  uint64_t hsts_max_age_seconds = 31536000;
  // Comma-separated origins allowed to open a WebSocket ("*": any). Empty:
  // a browser's Origin must match the request's Host or --public-url.
  std::string allowed_origins;
  int threads = 2;
  std::string durability = "fsync";  // fsync | wal | none

  // Limits at the edge.
  uint64_t max_message_bytes = 1 << 20;          // one inbound WebSocket message
  uint64_t max_outbound_queue_bytes = 8 << 20;   // per connection, then SLOW_READER
  uint64_t max_connections = 20000;
  double rate_limit_messages_per_second = 5000;  // token bucket refill, per participant once it said Hello
  double rate_limit_burst = 10000;               // token bucket size
  // Per participant (all its connections together, issue 17): connections
  // open at once, and inbound bytes per second (token bucket).
  uint64_t max_connections_per_participant = 8;
  // Every byte a participant sends that becomes a shared record is carried
  // to every other participant: a 16 KiB comment in a 300-person room is
  // 5 MB out, and a slow link waits behind it. So the sustained rate is a
  // person's (two long comments a second, far above anyone's typing) and the
  // burst what the room can carry at once without a typed letter waiting
  // behind it for more than a few ms (bench/README.md, "A hostile
  // participant"); one message larger than the burst passes on a full
  // bucket and leaves it in debt (participant_limits.cc).
  double rate_limit_bytes_per_second = 32 << 10;
  double rate_limit_bytes_burst = 256 << 10;
  // Connections admitted per participant (each join costs the room a state
  // or a catch-up): a burst, then one every few seconds. No flag: what a
  // person needs does not depend on the deployment (participant_limits.h).
  // Records a participant's requests add (comments, reactions, polls...),
  // per second and in a burst: server/room.h, RoomOptions::records_per_second.
  double rate_limit_records_per_second = 5;
  double rate_limit_records_burst = 60;
  double admissions_per_second = 1.0 / 3;
  double admission_burst = 20;
  uint64_t idle_timeout_seconds = 60;            // no frame and no pong for this long
  uint64_t handshake_timeout_seconds = 10;       // HTTP request / WebSocket upgrade / Hello
  uint64_t max_http_body_bytes = 64 << 10;
  // Connections from one address that have not said who they are yet: HTTP
  // connections (page loads, which never do) and WebSockets before their
  // Hello (issue 17). Without it, anyone could hold every --max-connections
  // slot from one machine, with no invite link at all. A workshop behind one
  // NAT must still get in. 300 people joining within a minute is 5-10 page
  // loads a second, each holding a few connections while the page's files
  // download, and a WebSocket says Hello a few round trips after it opens:
  // tens at once. The worst case is a venue's Wi-Fi dropping: all 300
  // browsers reconnect within their first backoff (150-300 ms), each taking
  // a TLS handshake, the upgrade and the Hello (a few round trips) to say
  // Hello, so a couple of hundred can be opening at once. 256 lets nearly
  // all in at the first try (the rest get in at their next backoff, a 503
  // being a failed connect to the browser), while one address still holds
  // about 1% of --max-connections; keep it well below that if you lower it.
  // An address at half the cap gets its idle keep-alive connections closed
  // after each response, so finished page loads do not hold places for the
  // whole --handshake-timeout-seconds. Loopback peers are not counted: on
  // this machine they are the operator's tools or a reverse proxy, which
  // speaks for everyone at once (docs/operations.md). IPv6 is counted per
  // /64, what one site is given. 0: no cap.
  uint64_t max_unauthenticated_per_address = 256;
  // Tests only (no flag): count loopback peers too, so that a test on
  // 127.0.0.1 meets the cap.
  bool count_loopback_unauthenticated = false;

  // permessage-deflate on the WebSocket (RFC 7692), when the client offers
  // it (browsers do). What each setting costs is in bench/README.md
  // ("Compression"); the defaults keep `kenes-bench room` under its target
  // and a connection's compressor small, since a workshop holds 300+ of them.
  bool ws_deflate = true;
  // zlib level 1-9. Every connection compresses its own copy of a shared
  // frame (a 1 MB JoinState, once per joiner), so speed beats the last few
  // per cent of ratio.
  int ws_deflate_level = 1;
  // LZ77 window, 2^N bytes, 9-15, for both directions (the client's only if
  // its offer lets the server choose it). The compressor costs about
  // 4 x 2^N + 2^(mem level + 9) bytes per connection once it has compressed
  // one frame: 136 KiB at 15/4, 24 KiB at 12/4.
  int ws_deflate_window_bits = 12;
  int ws_deflate_mem_level = 4;  // zlib memLevel 1-9: hash table and symbol buffer size
  // Frames smaller than this go uncompressed: a broadcast of one keystroke
  // gains a few bytes and would cost a compressor call per member.
  uint64_t ws_deflate_min_bytes = 1024;

  // Write per-document snapshots after this many records of a consultation.
  uint64_t snapshot_every_records = 10000;
  // A subscriber that may start either way (SUBSCRIBE_FROM_EITHER) catches
  // up from the log when it is at most this many records behind, and gets
  // the consultation's state otherwise.
  uint64_t catch_up_max_records = 10000;
  // A client joining by state may get the state made for an earlier joiner
  // up to this long ago, and the records since by catch-up, instead of a
  // state made for it alone (on the room's strand). 0: always the head's.
  uint64_t join_state_max_age_ms = 1000;
  // Tests only (no flag): the assessment snapshot's segment size
  // (AssessmentState::set_segment_bytes), small to make many segments.
  size_t assessment_segment_bytes = size_t{1} << 20;
  // After a write error (a full disk, say) the log refuses every append; this
  // often the server asks it to resume and, once it does, rebuilds the failed
  // rooms from the log. 0: never (a restart does it).
  uint64_t storage_retry_seconds = 5;
  // The log stops writing while its disk has less than this free (see
  // storage::RocksLogOptions::min_free_bytes for why it must stop first).
  uint64_t min_free_disk_mb = 64;
  // Refuse to start on a log that fails verification unless this is set.
  bool allow_corrupt_log = false;

  // E-mail digest (docs/operations.md, "E-mail digest"). No SMTP host: no
  // digests. Plain SMTP only (no STARTTLS, no AUTH): relay through a local MTA.
  std::string smtp_host;
  uint16_t smtp_port = 25;
  std::string smtp_from;  // the From address; default kenes@<smtp host>
  uint64_t digest_check_seconds = 60;
  // Tests only: every digest period is multiplied by this (0.0001 makes a
  // daily digest last 8.64 s). Hidden from --help.
  double digest_period_scale = 1.0;

  std::string log_format = "json";  // json | text
  std::string log_level = "info";   // debug | info | warn | error
  bool demo = false;                // create a demo consultation if none exists
};

// --listen: "host:port" with an IPv4 or IPv6 address ("[::1]:8080") and a
// port 0-65535 (0: any free one).
struct ListenAddress {
  std::string host;     // as written, brackets included (for links)
  std::string address;  // without brackets (for binding)
  uint16_t port = 0;
};
// The address, or std::nullopt with `error` saying what is wrong (naming
// `flag`, the option it came from).
std::optional<ListenAddress> parse_listen(const std::string& text, std::string* error, const char* flag = "--listen");

struct ParsedOptions {
  std::optional<ServerOptions> options;  // empty: exit with `exit_code`
  int exit_code = 0;
};

// Parses argv and the environment. Prints --help, --version and errors itself.
ParsedOptions parse_server_options(int argc, char** argv);

}  // namespace kenes::server
