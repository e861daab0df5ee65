#include "storage/format.h"

#include <openssl/sha.h>

namespace kenes::storage {
namespace {

bool is_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

void append_u16(std::string& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v & 0xFF));
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Status check_consultation_id(std::string_view id) {
  if (id.empty()) return Status(Code::kInvalidArgument, "consultation id is empty");
  if (id.size() > kMaxConsultationIdSize) {
    return Status(Code::kInvalidArgument, "consultation id is " + std::to_string(id.size()) +
                                              " bytes; at most 64 are allowed");
  }
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (!is_id_char(id[i])) {
      return Status(Code::kInvalidArgument,
                    "consultation id has byte 0x" + to_hex(id.substr(i, 1)) + " at offset " +
                        std::to_string(i) + "; only A-Z a-z 0-9 . _ - are allowed");
    }
  }
  return Status();
}

Hash sha256(std::string_view bytes) {
  Hash out;
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), out.data());
  return out;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xF]);
  }
  return out;
}

std::string to_hex(const Hash& hash) {
  return to_hex(std::string_view(reinterpret_cast<const char*>(hash.data()), hash.size()));
}

std::optional<Hash> hash_from_hex(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  Hash out;
  for (std::size_t i = 0; i < 32; ++i) {
    int hi = hex_value(hex[2 * i]);
    int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return out;
}

void append_u64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xFF));
}

std::uint64_t decode_u64(const char* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

std::string consultation_prefix(std::string_view consultation) {
  std::string key;
  key.reserve(consultation.size() + 1);
  key.append(consultation);
  key.push_back(kIdTerminator);
  return key;
}

std::string prefix_end(std::string_view prefix) {
  std::string end(prefix);
  // Callers pass "<id>\0..." prefixes; incrementing the last byte of a prefix
  // that ends in 0x00 never carries. A 0xFF last byte cannot occur in our
  // prefixes, but handle it by dropping bytes, as a general successor would.
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xFF) end.pop_back();
  if (!end.empty()) end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return end;
}

std::string log_key(std::string_view consultation, std::uint64_t seq) {
  std::string key = consultation_prefix(consultation);
  append_u64(key, seq);
  return key;
}

std::optional<LogKey> parse_log_key(std::string_view key) {
  if (key.size() < 10) return std::nullopt;
  std::string_view id = key.substr(0, key.size() - 9);
  if (key[key.size() - 9] != kIdTerminator) return std::nullopt;
  if (!check_consultation_id(id).ok()) return std::nullopt;
  return LogKey{id, decode_u64(key.data() + key.size() - 8)};
}

std::string_view key_consultation(std::string_view key) {
  std::size_t end = key.find(kIdTerminator);
  if (end == std::string_view::npos) return {};
  return key.substr(0, end);
}

std::string encode_frame(std::uint64_t seq, const Hash& prev_hash, std::string_view payload) {
  std::string frame;
  frame.reserve(kFrameHeaderSize + payload.size());
  frame.push_back(static_cast<char>(kFrameFormat));
  append_u64(frame, seq);
  frame.append(reinterpret_cast<const char*>(prev_hash.data()), prev_hash.size());
  frame.append(payload);
  return frame;
}

Result<DecodedFrame> decode_frame(std::string_view frame) {
  if (frame.size() < kFrameHeaderSize) {
    return Status(Code::kCorruption, "frame is " + std::to_string(frame.size()) +
                                         " bytes, shorter than its 41-byte header");
  }
  auto format = static_cast<std::uint8_t>(frame[0]);
  if (format != kFrameFormat) {
    return Status(Code::kCorruption, "frame format byte is " + std::to_string(format) + ", expected " +
                                         std::to_string(kFrameFormat));
  }
  DecodedFrame out;
  out.seq = decode_u64(frame.data() + 1);
  for (std::size_t i = 0; i < 32; ++i) out.prev_hash[i] = static_cast<std::uint8_t>(frame[9 + i]);
  out.payload = frame.substr(kFrameHeaderSize);
  return out;
}

std::string client_key(std::string_view consultation, std::string_view client_id,
                       std::uint64_t client_seq) {
  std::string key = consultation_prefix(consultation);
  key.push_back(static_cast<char>(kIndexTagClientKey));
  append_u16(key, static_cast<std::uint16_t>(client_id.size()));
  key.append(client_id);
  append_u64(key, client_seq);
  return key;
}

std::string repair_note_key(std::string_view consultation, std::uint64_t unix_ms) {
  std::string key = consultation_prefix(consultation);
  key.push_back(static_cast<char>(kIndexTagRepairNote));
  append_u64(key, unix_ms);
  return key;
}

std::string snapshot_header_key(std::string_view consultation) {
  return consultation_prefix(consultation);
}

std::string snapshot_name_prefix(std::string_view consultation, std::string_view name) {
  std::string key = consultation_prefix(consultation);
  append_u16(key, static_cast<std::uint16_t>(name.size()));
  key.append(name);
  return key;
}

std::string snapshot_key(std::string_view consultation, std::string_view name,
                         std::uint64_t version) {
  std::string key = snapshot_name_prefix(consultation, name);
  append_u64(key, version);
  return key;
}

std::optional<SnapshotKey> parse_snapshot_key_suffix(std::string_view suffix) {
  if (suffix.size() < 2 + 8) return std::nullopt;
  std::size_t len = (static_cast<unsigned char>(suffix[0]) << 8) | static_cast<unsigned char>(suffix[1]);
  if (suffix.size() != 2 + len + 8) return std::nullopt;
  return SnapshotKey{suffix.substr(2, len), decode_u64(suffix.data() + 2 + len)};
}

}  // namespace kenes::storage
