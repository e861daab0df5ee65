#pragma once

// The JSON encoding of text ops used by the shared test vectors (and by the
// TypeScript port): an op is an array whose elements are
//   a positive integer n   retain n code points,
//   a string s             insert s,
//   {"d": n}               delete n code points.
// This is ottypes/text-unicode's encoding. See tests/vectors/README.md.

#include <boost/json.hpp>

#include <string>
#include <vector>

#include "engine/text_op.h"

namespace kenes::vectors {

// Decodes components as written, without any check or normalization (a
// retain of 0 or an empty insert comes through as such), so that vectors can
// describe malformed input. Returns false and sets `error` if the JSON is not
// an array of the three shapes above.
bool components_from_json(const boost::json::value& json, std::vector<engine::Component>& out, std::string& error);

// Decodes and checks through TextOp::from_components.
engine::Result<engine::TextOp> op_from_json(const boost::json::value& json);

boost::json::array op_to_json(const engine::TextOp& op);

}  // namespace kenes::vectors
