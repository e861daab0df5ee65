// What the session does about each server ErrorCode. The wording people see
// lives in src/i18n/ (one sentence per code, in every language).

import { ErrorCode } from "../gen/kenes/v1/protocol_pb";

export { ErrorCode };

export type ErrorAction =
  /** Stop: reconnecting cannot help (the link is bad, expired or revoked). */
  | "stop"
  /** The connection is lost or closing: reconnect with backoff and resume. */
  | "reconnect"
  /** A submit was refused for good: drop it and roll the draft back. */
  | "refuse"
  /** A submit was not taken now: send it again a little later. */
  | "retry"
  /** Tell the person; nothing to undo. */
  | "report";

/**
 * The action for an error. `fatal` is the Error's flag: the server closes the
 * connection after it, so the session reconnects anyway unless it stops.
 * `aboutSubmit`: the error names a doc_id and client_seq.
 */
export function errorAction(code: ErrorCode, fatal: boolean, aboutSubmit: boolean): ErrorAction {
  switch (code) {
    case ErrorCode.BAD_TOKEN:
    case ErrorCode.TOKEN_EXPIRED:
    case ErrorCode.REVOKED:
      return "stop";
    case ErrorCode.FORBIDDEN:
      if (aboutSubmit) return "refuse";
      return fatal ? "stop" : "report";
    case ErrorCode.OP_DOES_NOT_FIT:
    case ErrorCode.INVALID_UTF8:
    case ErrorCode.VERSION_FROM_FUTURE:
    case ErrorCode.VERSION_TOO_OLD:
    case ErrorCode.INVALID_ARGUMENT:
    case ErrorCode.MESSAGE_TOO_LARGE:
      return aboutSubmit ? "refuse" : fatal ? "reconnect" : "report";
    case ErrorCode.RATE_LIMITED:
    case ErrorCode.STORAGE_FAILURE:
    case ErrorCode.BAD_CLIENT_SEQ:
      // BAD_CLIENT_SEQ: the session renumbers the op and sends it again.
      return aboutSubmit ? "retry" : fatal ? "reconnect" : "report";
    default:
      return fatal ? "reconnect" : "report";
  }
}
