#pragma once

// Writing protobuf's wire format by hand, for the few places that append
// already-encoded messages instead of decoding and re-encoding them: a
// snapshot's records (the folds here) and a frame's records (server/). The
// encoding is protobuf's own (varints, tags, length-delimited fields), so
// any parser reads the result as the message it stands for.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace kenes::consultation {

// Wire types (protobuf encoding spec); do not change: they are the format.
inline constexpr uint32_t kWireVarint = 0;
inline constexpr uint32_t kWireLengthDelimited = 2;

void put_varint(std::string& out, uint64_t v);
size_t varint_size(uint64_t v);
void put_tag(std::string& out, uint32_t field, uint32_t wire_type);
// The encoded size of a length-delimited field of `len` bytes.
size_t bytes_field_size(uint32_t field, size_t len);

// Appends one length-delimited protobuf field (`field`, `bytes`) to `out`.
// Appending encoded messages this way builds a repeated message field (a
// frame's records, a snapshot's records) without decoding them.
void append_bytes_field(std::string& out, uint32_t field, std::string_view bytes);

}  // namespace kenes::consultation
