// A participant's colour, from a palette whose every colour carries white
// text at WCAG AA contrast (>= 4.5:1) and shows as a selection tint (15%
// alpha) behind black text.
//
// Distinct while there are colours left (issue 20: a hash of the id alone
// gave two of four people the same colour half the time): each person gets,
// the first time they are shown, the colour their id prefers if nobody has it
// yet, else the least used one. Stable for the page's life, so a person's
// avatar, caret and blame colour agree; another page may assign differently.

const PALETTE = ["#1d4ed8", "#b42318", "#047857", "#7e22ce", "#9a3412", "#0f766e", "#be185d", "#4338ca", "#3f6212", "#854d0e"];

const assigned = new Map<string, number>();
const uses: number[] = PALETTE.map(() => 0);

function preferred(participantId: string): number {
  let h = 2166136261;
  for (let i = 0; i < participantId.length; i++) {
    h ^= participantId.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0) % PALETTE.length;
}

export function participantColor(participantId: string): string {
  let index = assigned.get(participantId);
  if (index === undefined) {
    const least = Math.min(...uses);
    const start = preferred(participantId);
    index = start;
    for (let k = 0; k < PALETTE.length; k++) {
      const candidate = (start + k) % PALETTE.length;
      if (uses[candidate] === least) {
        index = candidate;
        break;
      }
    }
    assigned.set(participantId, index);
    uses[index] = (uses[index] ?? 0) + 1;
  }
  return PALETTE[index]!;
}

/** The palette's size: this many people are shown in distinct colours. */
export const DISTINCT_COLORS = PALETTE.length;

/** The colour with an alpha channel, for selection backgrounds. */
export function tint(color: string, alpha = 0.18): string {
  const a = Math.round(alpha * 255)
    .toString(16)
    .padStart(2, "0");
  return `${color}${a}`;
}
