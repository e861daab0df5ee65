#pragma once

// How GoogleTest prints engine values in failure messages: ops in the vector
// encoding ([3,"ab",{"d":2}]) instead of raw bytes. Found by argument-
// dependent lookup, so include this before the assertions.

#include <ostream>

#include "engine/status.h"
#include "engine/text_op.h"
#include "engine/transform.h"

namespace kenes::engine {

inline void PrintTo(const TextOp& op, std::ostream* os) { *os << op.debug_string(); }
inline void PrintTo(const Status& s, std::ostream* os) { *os << s.to_string(); }
inline void PrintTo(const Range& r, std::ostream* os) { *os << "{anchor " << r.anchor << ", head " << r.head << "}"; }

}  // namespace kenes::engine
