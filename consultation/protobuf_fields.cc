#include "consultation/protobuf_fields.h"

namespace kenes::consultation {

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

size_t varint_size(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

void put_tag(std::string& out, uint32_t field, uint32_t wire_type) { put_varint(out, (field << 3) | wire_type); }

size_t bytes_field_size(uint32_t field, size_t len) { return varint_size(field << 3) + varint_size(len) + len; }

void append_bytes_field(std::string& out, uint32_t field, std::string_view bytes) {
  put_tag(out, field, kWireLengthDelimited);
  put_varint(out, bytes.size());
  out.append(bytes);
}

}  // namespace kenes::consultation
