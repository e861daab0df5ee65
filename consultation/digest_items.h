#pragma once

// What goes into one participant's e-mail digest: a pure function of the log
// records since their last digest and of the state now (docs: server/README.md,
// "E-mail digest"). No I/O; unit-tested in digest_items_test.cc.
//
// An item is a comment by someone else that
//   - mentions the participant (ThreadCreated / CommentAdded with them in
//     `mentions`, or a CommentEdited that mentions them for the first time
//     in that comment), or
//   - replies (CommentAdded) in a thread they started or had commented in
//     before that reply, or
//   - starts a thread (ThreadCreated) on an indicator assigned to them now.
// One item per comment (a mention wins over the other reasons), in log
// order; comments deleted or hidden by now are left out, and so is anything
// the participant wrote.

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "consultation/digest_state.h"
#include "kenes/v1/log.pb.h"

namespace kenes::consultation {

struct DigestItem {
  enum class Kind { kMention, kReply, kNewThreadOnAssigned };
  Kind kind = Kind::kMention;
  uint64_t seq = 0;
  int64_t time_unix_ms = 0;
  std::string author;  // participant id
  std::string thread_id;
  std::string comment_id;
  std::string indicator_id;
  std::string doc_id;
  std::string body;  // the comment as written in that record
};

// `records`: log records in seq order, all after the participant's last
// digest. `threads`: the digest's index folded to at least the last of them.
// `assigned_indicators`: the indicators assigned to the participant now.
std::vector<DigestItem> digest_items(const std::string& participant_id, const std::vector<kenes::v1::LogRecord>& records,
                                     const DigestState& threads, const std::set<std::string>& assigned_indicators);

// The address of the thread in the browser app, from the public base URL
// (no trailing slash needed): <base>/c/<consultation>/i/<indicator>#thread-<n>
// for an indicator, <base>/c/<consultation>/r/<category>/<group>#... for a
// recommendation draft ("recommendation/<category>/<group>"). Path parts
// are percent-encoded; the fragment is the thread id.
std::string thread_link(const std::string& public_url, const std::string& consultation_id,
                        const std::string& indicator_id, const std::string& doc_id, const std::string& thread_id);

}  // namespace kenes::consultation
