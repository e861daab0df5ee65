#pragma once

// Decoding stored payloads as kenes.v1.LogRecord, for verify and dump.

#include <optional>
#include <string>
#include <string_view>

#include "kenes/v1/log.pb.h"
#include "storage/log.h"

namespace kenes::admin {

// The payload as a LogRecord, or nullopt if it does not parse. The server
// stores seq and prev_hash unset (the frame carries them); a payload that
// sets them differently from the frame is reported in `mismatch`.
std::optional<kenes::v1::LogRecord> decode_record(const storage::RecordView& r, std::string* mismatch);

// One JSON line: {"seq":N,"hash":"<hex>","prev_hash":"<hex>", ...the
// LogRecord's other fields as protobuf's JSON printer writes them
// (proto field names)}. Hashes are hex, as verify and exports print them.
// An undecodable payload gives {"seq","hash","prev_hash","error","payload_hex"}.
std::string record_json_line(const storage::RecordView& r);

}  // namespace kenes::admin
