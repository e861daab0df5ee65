#pragma once

// The records the crash child appends, shared with the tests that check them.
// Each payload is a valid serialized kenes.v1.LogRecord, encoded by hand
// (storage links no protobuf): time_unix_ms (3), author (4), client_id (5),
// client_seq (6), about 60 bytes like a single-character op. Deterministic, so
// a test can rebuild the exact bytes of any acknowledged record.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kenes::storage::testing {

inline void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

inline std::string crash_client_id(int thread) { return "appender-" + std::to_string(thread); }

inline std::string crash_payload(int thread, std::uint64_t client_seq) {
  std::string out;
  out.push_back(0x18);  // field 3, varint: time_unix_ms
  put_varint(out, 1767225600000ull + client_seq);
  const std::string author = "participant-crash-child-000";
  out.push_back(0x22);  // field 4, bytes: author
  put_varint(out, author.size());
  out += author;
  const std::string client = crash_client_id(thread);
  out.push_back(0x2A);  // field 5, bytes: client_id
  put_varint(out, client.size());
  out += client;
  out.push_back(0x30);  // field 6, varint: client_seq
  put_varint(out, client_seq);
  return out;
}

struct CrashKey {
  std::string client_id;
  std::uint64_t client_seq;
  bool operator<(const CrashKey& o) const {
    return client_id != o.client_id ? client_id < o.client_id : client_seq < o.client_seq;
  }
};

// The client key inside a crash payload; nullopt for any other bytes.
inline std::optional<CrashKey> parse_crash_payload(std::string_view p) {
  std::size_t i = 0;
  auto varint = [&](std::uint64_t& v) {
    v = 0;
    for (int shift = 0; i < p.size() && shift < 64; shift += 7) {
      auto b = static_cast<unsigned char>(p[i++]);
      v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  };
  auto bytes = [&](std::string& s) {
    std::uint64_t len = 0;
    if (!varint(len) || i + len > p.size()) return false;
    s.assign(p.substr(i, len));
    i += len;
    return true;
  };
  std::uint64_t time = 0, seq = 0;
  std::string author, client;
  if (i >= p.size() || p[i++] != 0x18 || !varint(time)) return std::nullopt;
  if (i >= p.size() || p[i++] != 0x22 || !bytes(author)) return std::nullopt;
  if (i >= p.size() || p[i++] != 0x2A || !bytes(client)) return std::nullopt;
  if (i >= p.size() || p[i++] != 0x30 || !varint(seq)) return std::nullopt;
  if (i != p.size()) return std::nullopt;
  return CrashKey{client, seq};
}

}  // namespace kenes::storage::testing
