#pragma once

// Encoded ServerMessage frames, built once and shared by every recipient
// (STYLE.md habit 5): a broadcast to 300 connections is one allocation.
//
// Log records travel as their stored payload with `seq` and `prev_hash`
// appended as protobuf fields 1 and 2: protobuf parsers accept fields in any
// order, so the stored bytes are forwarded without a decode/encode round trip.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kenes/v1/protocol.pb.h"

namespace kenes::server {

using SharedFrame = std::shared_ptr<const std::string>;

SharedFrame encode_frame(const kenes::v1::ServerMessage& message);

// The wire bytes of a kenes.v1.LogRecord from a stored payload.
std::string record_bytes(std::string_view payload, uint64_t seq, std::string_view prev_hash);

// ServerMessage{broadcast{records: [record]}} from record_bytes().
SharedFrame broadcast_frame(std::string_view record);

// ServerMessage{broadcast{records}} of several record_bytes(), in order.
SharedFrame broadcast_frame(const std::vector<std::string_view>& records);

// The same records as consecutive Broadcast frames of at most about
// `max_frame_bytes` each (a record larger than that goes alone): what a room
// sends, so that a burst of large records (a comment flood) never becomes
// one frame larger than a reader's queue (issue 17).
std::vector<SharedFrame> broadcast_frames(const std::vector<std::string_view>& records, size_t max_frame_bytes);

// The bound a room's broadcast frames keep to.
inline constexpr size_t kMaxBroadcastFrameBytes = 64 * 1024;

// The encoded Broadcast inside a broadcast_frame() (its `records` fields), a
// view into `frame`. The bodies of several broadcast frames, concatenated, are
// one Broadcast holding all their records in that order.
std::string_view broadcast_body(std::string_view frame);

// Appends ServerMessage{broadcast{...}} made of `bodies` (broadcast_body()
// views) to `out`: one frame carrying every record of those frames, in order.
void append_merged_broadcast(std::string& out, const std::vector<std::string_view>& bodies);

// ServerMessage{catch_up{records..., head_seq, done}} from record_bytes().
SharedFrame catch_up_frame(const std::vector<std::string>& records, uint64_t head_seq, bool done);

// ServerMessage{join_state{state: <shared>, own: <own>}} from the encoded
// ClientState (built once per seq, shared by every joiner) and the joiner's
// encoded ClientOwnState.
SharedFrame join_state_frame(std::string_view shared_state, std::string_view own_state);

SharedFrame error_frame(kenes::v1::ErrorCode code, std::string_view message, uint64_t request_id, bool fatal,
                        std::string_view doc_id = {}, uint64_t client_seq = 0);

}  // namespace kenes::server
