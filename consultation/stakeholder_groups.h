#pragma once

// Stakeholder groups as people write them in a roster file: "Civil society",
// "civil_society", "CIVIL-SOCIETY" are one group.

#include <optional>
#include <string>
#include <string_view>

#include "kenes/v1/log.pb.h"

namespace kenes::consultation {

// The group named by `text` (case, spaces, '_' and '-' ignored; the enum's
// own names accepted too), or nothing.
std::optional<kenes::v1::StakeholderGroup> stakeholder_group_from_text(std::string_view text);

// "government, academia, …, other": what a file may write, for an error.
std::string stakeholder_group_choices();

}  // namespace kenes::consultation
