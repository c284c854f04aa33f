import type { ErrorCode } from '@bilateral-base/core/errors';
import { SIGNAL_CLOSE_CODES } from '@bilateral-base/core/protocol';
import type { WebSocket } from 'ws';

/**
 * How a socket is ended: the close code and reason, and which PeerJS message (if any)
 * goes first.
 *
 * - `error` sends `{type:'ERROR'}`: the stock client aborts with `server-error`.
 * - `id-taken` sends `{type:'ID-TAKEN'}`: the client aborts with `unavailable-id`.
 * - `none` only closes: the client reports a lost connection and may reconnect, which
 *   is right for a shutdown or a missed heartbeat.
 */
export interface SocketEnding {
  readonly code: ErrorCode;
  readonly message: string;
  readonly notice: 'error' | 'id-taken' | 'none';
  readonly closeCode: number;
}

export function policyEnding(
  code: ErrorCode,
  message: string,
  notice: 'error' | 'id-taken' = 'error',
): SocketEnding {
  return { code, message, notice, closeCode: SIGNAL_CLOSE_CODES.policyViolation };
}

/** The PeerJS message that announces `ending`, or undefined when none is sent. */
export function endingNotice(ending: SocketEnding): object | undefined {
  const msg = `${ending.code}: ${ending.message}`;
  switch (ending.notice) {
    case 'error':
      return { type: 'ERROR', payload: { msg, code: ending.code } };
    case 'id-taken':
      return { type: 'ID-TAKEN', payload: { msg } };
    case 'none':
      return undefined;
  }
}

/** Sends the notice (if any), then closes with the code as the reason (RFC 6455 7.1.6). */
export function endSocket(socket: WebSocket, ending: SocketEnding): void {
  if (socket.readyState !== socket.OPEN) {
    return;
  }
  const notice = endingNotice(ending);
  if (notice !== undefined) {
    socket.send(JSON.stringify(notice));
  }
  socket.close(ending.closeCode, ending.code);
}
