#pragma once

// Reading and writing the fold vectors (tests/vectors/folds/*.json; the
// format is in tests/vectors/README.md, "Fold vectors"): records and poll
// updates in protobuf's JSON mapping (what protobuf-es reads in the
// TypeScript runner), views as plain JSON.

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "kenes/v1/log.pb.h"
#include "kenes/v1/protocol.pb.h"

namespace kenes::vectors {

// protobuf JSON (camelCase names, 64-bit integers as strings, enums by
// name), parsed into a boost::json value so that it nests in a file.
boost::json::value message_to_json(const google::protobuf::Message& m);
// False if `v` is not the JSON of a `T`.
bool message_from_json(const boost::json::value& v, google::protobuf::Message* out);

// JSON written for people and diffs: anything short, and arrays of scalars,
// on one line; longer objects and arrays one member per line; each record
// of "log" and "pollUpdates" on a line of its own.
std::string pretty_json(const boost::json::value& v);

}  // namespace kenes::vectors
