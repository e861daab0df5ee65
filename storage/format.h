#pragma once

// The on-disk format of the consultation log: key layout, record framing and
// the hash chain. storage/README.md is the specification; this file is its
// one implementation. Every constant marked "stored on disk" must never
// change: records written today are replayed and verified forever.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/status.h"

namespace kenes::storage {

// SHA-256 of a whole frame.
using Hash = std::array<std::uint8_t, 32>;

inline constexpr Hash kZeroHash{};

// Do not change: stored on disk. The first byte of every record frame.
inline constexpr std::uint8_t kFrameFormat = 1;
// Do not change: stored on disk. format (1) + seq (8) + prev_hash (32).
inline constexpr std::size_t kFrameHeaderSize = 1 + 8 + 32;
// Do not change: stored on disk. The first byte of a snapshot value and of a
// snapshot-set header value.
inline constexpr std::uint8_t kSnapshotFormat = 1;
// Do not change: stored on disk. Tags of the `index` column family's keys,
// after "<consultation>\0".
inline constexpr std::uint8_t kIndexTagClientKey = 0x01;
inline constexpr std::uint8_t kIndexTagRepairNote = 0x03;
// Do not change: stored on disk. The byte after the consultation id in every key.
inline constexpr char kIdTerminator = '\0';

// Do not change: stored on disk (the column family names).
inline constexpr std::string_view kLogFamily = "log";
inline constexpr std::string_view kSnapshotsFamily = "snapshots";
inline constexpr std::string_view kIndexFamily = "index";

inline constexpr std::size_t kMaxConsultationIdSize = 64;
// Client ids and snapshot names are stored behind a u16 length.
inline constexpr std::size_t kMaxNameSize = 0xFFFF;

// ok if `id` is 1..64 bytes of [A-Za-z0-9._-]; kInvalidArgument naming the
// problem otherwise. Every public call checks its consultation id with this.
Status check_consultation_id(std::string_view id);

// SHA-256 of `bytes` (OpenSSL).
Hash sha256(std::string_view bytes);

// Lowercase hex, 64 characters for a Hash.
std::string to_hex(const Hash& hash);
std::string to_hex(std::string_view bytes);
// Parses 64 hex digits (either case); nullopt otherwise.
std::optional<Hash> hash_from_hex(std::string_view hex);

// Big-endian u64 helpers. decode_u64 reads exactly 8 bytes at `p`.
void append_u64(std::string& out, std::uint64_t v);
std::uint64_t decode_u64(const char* p);

// --- log column family ---------------------------------------------------

// "<consultation>\0<u64 BE seq>": byte order equals sequence order within a
// consultation.
std::string log_key(std::string_view consultation, std::uint64_t seq);
// "<consultation>\0": every key of the consultation starts with it.
std::string consultation_prefix(std::string_view consultation);
// The smallest key greater than every key starting with `prefix` (the prefix
// with its last byte incremented; our prefixes end in 0x00, so no carry).
std::string prefix_end(std::string_view prefix);

// Splits a log key. nullopt if it is not "<valid id>\0<8 bytes>".
struct LogKey {
  std::string_view consultation;
  std::uint64_t seq;
};
std::optional<LogKey> parse_log_key(std::string_view key);

// The consultation id part of any key ("<id>\0..."); empty if there is no
// terminator.
std::string_view key_consultation(std::string_view key);

// [u8 format = 1][u64 BE seq][32-byte prev_hash][payload]
std::string encode_frame(std::uint64_t seq, const Hash& prev_hash, std::string_view payload);

struct DecodedFrame {
  std::uint64_t seq;
  Hash prev_hash;
  std::string_view payload;  // points into the frame
};
// kCorruption (naming what is wrong) if the frame is shorter than the header or
// its format byte is not kFrameFormat.
Result<DecodedFrame> decode_frame(std::string_view frame);

// --- index column family --------------------------------------------------

// "<consultation>\0\x01<u16 BE len><client_id><u64 BE client_seq>" -> u64 BE seq.
std::string client_key(std::string_view consultation, std::string_view client_id,
                        std::uint64_t client_seq);
// "<consultation>\0\x03<u64 BE unix ms>" -> a human-readable note (UTF-8).
std::string repair_note_key(std::string_view consultation, std::uint64_t unix_ms);

// --- snapshots column family ----------------------------------------------

// "<consultation>\0" -> [u8 format = 1][u64 BE covered_seq]: the set header.
std::string snapshot_header_key(std::string_view consultation);
// "<consultation>\0<u16 BE len><name><u64 BE version>" -> [u8 format = 1][bytes].
std::string snapshot_key(std::string_view consultation, std::string_view name,
                         std::uint64_t version);
// "<consultation>\0<u16 BE len><name>": every version of one name.
std::string snapshot_name_prefix(std::string_view consultation, std::string_view name);

struct SnapshotKey {
  std::string_view name;
  std::uint64_t version;
};
// Parses the part after the consultation prefix; nullopt if malformed.
std::optional<SnapshotKey> parse_snapshot_key_suffix(std::string_view suffix);

}  // namespace kenes::storage
