// A participant's colour: stable per participant id, from a palette whose
// every colour carries white text at WCAG AA contrast (>= 4.5:1) and shows as
// a selection tint (15% alpha) behind black text.

const PALETTE = ["#1d4ed8", "#b42318", "#047857", "#7e22ce", "#9a3412", "#0f766e", "#be185d", "#4338ca", "#3f6212", "#854d0e"];

export function participantColor(participantId: string): string {
  let h = 2166136261;
  for (let i = 0; i < participantId.length; i++) {
    h ^= participantId.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return PALETTE[(h >>> 0) % PALETTE.length]!;
}

/** The colour with an alpha channel, for selection backgrounds. */
export function tint(color: string, alpha = 0.18): string {
  const a = Math.round(alpha * 255)
    .toString(16)
    .padStart(2, "0");
  return `${color}${a}`;
}
