#pragma once

// The text of one digest e-mail from its items (digest_items.h). Pure. The
// mail names people by display name only: no other participant's address
// appears in it.

#include <functional>
#include <string>
#include <vector>

#include "consultation/digest_items.h"

namespace kenes::consultation {

struct DigestMailText {
  std::string subject;
  std::string body;
};

// `name_of` gives a participant's display name (the id if unknown).
DigestMailText digest_mail_text(const std::string& consultation_id, const std::string& consultation_title,
                                const std::string& public_url, const std::vector<DigestItem>& items,
                                const std::function<std::string(const std::string&)>& name_of);

}  // namespace kenes::consultation
