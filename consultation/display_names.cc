#include "consultation/display_names.h"

#include "engine/utf8.h"

namespace kenes::consultation {
namespace {

bool invisible(char32_t c) {
  return c == 0x00AD || (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) || c == 0x2060 ||
         c == 0xFEFF || (c >= 0x0300 && c <= 0x036F);  // and combining marks: accents written apart
}

bool space(char32_t c) { return c == ' ' || c == '\t' || c == 0x00A0 || c == 0x3000 || (c >= 0x2000 && c <= 0x200A); }

// Lower case, then the letter it looks like.
char32_t fold(char32_t c) {
  if (c >= 0xFF01 && c <= 0xFF5E) c = c - 0xFF01 + 0x21;  // full-width ASCII
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c >= 0x0410 && c <= 0x042F) c += 32;                                // Cyrillic А-Я
  if (c >= 0x0400 && c <= 0x040F) c += 80;                                // Ѐ-Џ
  // Capital/small pairs: Ғ Қ Ң Ұ Ү Һ (even capitals), Ӂ…Ӎ (odd), Ә Ө… (even).
  if (((c >= 0x0460 && c <= 0x04BF) || (c >= 0x04D0 && c <= 0x04FF)) && c % 2 == 0) c += 1;
  if (c >= 0x04C1 && c <= 0x04CD && c % 2 == 1) c += 1;
  if (c >= 0x0391 && c <= 0x03A9) c += 32;                                // Greek capitals
  switch (c) {
    // Latin with accents: the base letter.
    case 0xC0: case 0xC1: case 0xC2: case 0xC3: case 0xC4: case 0xC5:
    case 0xE0: case 0xE1: case 0xE2: case 0xE3: case 0xE4: case 0xE5: return 'a';
    case 0xC7: case 0xE7: return 'c';
    case 0xC8: case 0xC9: case 0xCA: case 0xCB: case 0xE8: case 0xE9: case 0xEA: case 0xEB: return 'e';
    case 0xCC: case 0xCD: case 0xCE: case 0xCF: case 0xEC: case 0xED: case 0xEE: case 0xEF: return 'i';
    case 0xD1: case 0xF1: return 'n';
    case 0xD2: case 0xD3: case 0xD4: case 0xD5: case 0xD6: case 0xD8:
    case 0xF2: case 0xF3: case 0xF4: case 0xF5: case 0xF6: case 0xF8: return 'o';
    case 0xD9: case 0xDA: case 0xDB: case 0xDC: case 0xF9: case 0xFA: case 0xFB: case 0xFC: return 'u';
    case 0xDD: case 0xFD: case 0xFF: return 'y';
    // Cyrillic letters drawn like Latin ones.
    case 0x0430: return 'a';
    case 0x0432: return 'b';  // в is drawn B in capitals
    case 0x0435: case 0x0450: case 0x0451: return 'e';
    case 0x043A: return 'k';
    case 0x043C: return 'm';
    case 0x043D: return 'h';  // н is drawn H in capitals
    case 0x043E: return 'o';
    case 0x0440: return 'p';
    case 0x0441: return 'c';
    case 0x0442: return 't';
    case 0x0443: case 0x04AF: return 'y';
    case 0x0445: return 'x';
    case 0x0455: return 's';
    case 0x0456: case 0x0457: case 0x04CF: return 'i';
    case 0x0458: return 'j';
    case 0x04BB: return 'h';
    case 0x0501: return 'd';
    // Greek.
    case 0x03B1: return 'a';
    case 0x03B2: return 'b';
    case 0x03B5: return 'e';
    case 0x03B9: return 'i';
    case 0x03BA: return 'k';
    case 0x03BD: return 'v';
    case 0x03BF: return 'o';
    case 0x03C1: return 'p';
    case 0x03C4: return 't';
    case 0x03C5: return 'u';
    case 0x03C7: return 'x';
    // Digits read as letters.
    case '0': return 'o';
    default: return c;
  }
}

}  // namespace

std::string name_skeleton(std::string_view name) {
  if (!engine::is_valid_utf8(name)) return std::string(name);
  std::string out;
  bool pending_space = false;
  for (char32_t c : engine::decode_utf8(name)) {
    if (invisible(c)) continue;
    if (space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    engine::append_utf8(out, fold(c));
  }
  return out;
}

std::optional<std::string> name_holder(const ConsultationState& state, std::string_view name,
                                       const std::string& self) {
  const std::string wanted = name_skeleton(name);
  if (wanted.empty()) return std::nullopt;
  for (const auto& [id, p] : state.participants()) {
    if (id == self || p.revoked) continue;
    if (name_skeleton(p.display_name) == wanted) return id;
  }
  return std::nullopt;
}

std::string free_name(const ConsultationState& state, const std::string& name, const std::string& self) {
  if (!name_holder(state, name, self)) return name;
  for (int n = 2;; ++n) {
    std::string candidate = name + " (" + std::to_string(n) + ")";
    if (!name_holder(state, candidate, self)) return candidate;
  }
}

}  // namespace kenes::consultation
