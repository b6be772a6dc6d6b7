// Text from outside rolehop (servers, the browser callback, files) shown on a terminal: escape
// sequences in it could retitle the window, clear the screen, hide or fake lines (CVE-style
// terminal injection), so they never reach it.

/**
 * C0 controls except tab and line feed (ESC, BEL, CR, backspace…), DEL, C1 controls (U+0080–U+009F,
 * which some terminals read as CSI/OSC) and the bidirectional overrides that reorder what is shown.
 */
const UNSAFE_ON_TERMINAL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with everything a terminal would interpret, rather than show, removed. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE_ON_TERMINAL, '');
}
