#pragma once

// Who may do what (PRODUCT.md §1). The server checks these on every request;
// the browser hides controls by the same rules, but never decides.

#include <string_view>

#include "kenes/v1/protocol.pb.h"

namespace kenes::server {

// Chairs and researchers write drafts; members and observers read them (members
// comment and suggest instead, once threads exist).
inline bool may_edit_documents(kenes::v1::Role role) {
  return role == kenes::v1::ROLE_CHAIR || role == kenes::v1::ROLE_RESEARCHER;
}

inline bool may_revoke_participants(kenes::v1::Role role) { return role == kenes::v1::ROLE_CHAIR; }

// Document ids: 1..128 bytes of [A-Za-z0-9._/-], e.g. "indicator/R.1.1". Kept
// narrow so ids are safe in URLs, logs and snapshot names.
inline bool valid_document_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '/' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace kenes::server
