import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';

// A minimal STUN/TURN client over UDP, enough to ask a real coturn for an allocation
// and read its exact answer (RFC 5389 messages, RFC 5766 Allocate). Browsers hide why a
// TURN server refused them (they just gather no relay candidate), and no maintained
// Node package offers a plain Allocate with long-term credentials, so the few message
// types needed are encoded here.

const MAGIC_COOKIE = 0x2112a442;
const HEADER_BYTES = 20;

/** RFC 5389 section 18.1 and RFC 5766 section 13: method and class in one type field. */
export const MessageType = {
  bindingRequest: 0x0001,
  bindingSuccess: 0x0101,
  allocateRequest: 0x0003,
  allocateSuccess: 0x0103,
  allocateError: 0x0113,
  createPermissionRequest: 0x0008,
  createPermissionSuccess: 0x0108,
} as const;

const Attribute = {
  username: 0x0006,
  messageIntegrity: 0x0008,
  errorCode: 0x0009,
  realm: 0x0014,
  nonce: 0x0015,
  xorPeerAddress: 0x0012,
  xorRelayedAddress: 0x0016,
  requestedTransport: 0x0019,
} as const;

/** IANA protocol number of UDP, the transport asked for in REQUESTED-TRANSPORT. */
const UDP_PROTOCOL = 17;
/** Every wait for an answer is bounded by this. */
const ANSWER_TIMEOUT_MS = 2000;

export interface StunMessage {
  readonly type: number;
  readonly transactionId: Buffer;
  readonly attributes: ReadonlyMap<number, Buffer>;
}

function attribute(type: number, value: Buffer): Buffer {
  const padded = Buffer.alloc(4 + Math.ceil(value.length / 4) * 4);
  padded.writeUInt16BE(type, 0);
  padded.writeUInt16BE(value.length, 2);
  value.copy(padded, 4);
  return padded;
}

/**
 * Encodes a request. With `integrityKey`, MESSAGE-INTEGRITY is appended: HMAC-SHA1 over
 * the message up to that attribute, with the header length already counting it
 * (RFC 5389 section 15.4).
 */
export function encodeMessage(
  type: number,
  transactionId: Buffer,
  attributes: readonly Buffer[],
  integrityKey?: Buffer,
): Buffer {
  const body = Buffer.concat(attributes);
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt16BE(type, 0);
  header.writeUInt32BE(MAGIC_COOKIE, 4);
  transactionId.copy(header, 8);
  if (integrityKey === undefined) {
    header.writeUInt16BE(body.length, 2);
    return Buffer.concat([header, body]);
  }
  header.writeUInt16BE(body.length + 24, 2);
  const mac = createHmac('sha1', integrityKey)
    .update(Buffer.concat([header, body]))
    .digest();
  return Buffer.concat([header, body, attribute(Attribute.messageIntegrity, mac)]);
}

export function decodeMessage(data: Buffer): StunMessage | undefined {
  if (data.length < HEADER_BYTES || data.readUInt32BE(4) !== MAGIC_COOKIE) {
    return undefined;
  }
  const length = data.readUInt16BE(2);
  const attributes = new Map<number, Buffer>();
  let offset = HEADER_BYTES;
  while (offset + 4 <= HEADER_BYTES + length && offset + 4 <= data.length) {
    const type = data.readUInt16BE(offset);
    const size = data.readUInt16BE(offset + 2);
    if (!attributes.has(type)) {
      attributes.set(type, data.subarray(offset + 4, offset + 4 + size));
    }
    offset += 4 + Math.ceil(size / 4) * 4;
  }
  return { type: data.readUInt16BE(0), transactionId: data.subarray(8, 20), attributes };
}

/** The ERROR-CODE attribute as a number such as 401 or 438 (RFC 5389 section 15.6). */
export function errorCodeOf(message: StunMessage): number | undefined {
  const value = message.attributes.get(Attribute.errorCode);
  return value === undefined ? undefined : (value[2] ?? 0) * 100 + (value[3] ?? 0);
}

/**
 * A UDP socket to 127.0.0.1:`port`. TURN ties an allocation and its nonce to the
 * client's 5-tuple (RFC 5766 section 2.2), so one allocation attempt keeps one socket.
 */
export class StunSocket {
  private readonly socket = createSocket('udp4');
  private readonly waiting = new Map<string, (message: StunMessage) => void>();

  constructor(private readonly port: number) {
    this.socket.on('message', (data) => {
      const message = decodeMessage(data);
      const key = message?.transactionId.toString('hex') ?? '';
      const resolve = this.waiting.get(key);
      if (message !== undefined && resolve !== undefined) {
        this.waiting.delete(key);
        resolve(message);
      }
    });
    this.socket.on('error', () => this.close());
  }

  /** Sends `request` and waits, bounded, for the answer with its transaction id. */
  transact(request: Buffer): Promise<StunMessage> {
    const key = request.subarray(8, 20).toString('hex');
    return new Promise<StunMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        reject(new Error(`no STUN answer from 127.0.0.1:${this.port} in ${ANSWER_TIMEOUT_MS} ms`));
      }, ANSWER_TIMEOUT_MS);
      this.waiting.set(key, (message) => {
        clearTimeout(timer);
        resolve(message);
      });
      this.socket.send(request, this.port, '127.0.0.1');
    });
  }

  close(): void {
    try {
      this.socket.close();
    } catch {
      // Already closed.
    }
  }
}

/** One request on a fresh socket, closed afterwards. */
export async function transact(port: number, request: Buffer): Promise<StunMessage> {
  const socket = new StunSocket(port);
  try {
    return await socket.transact(request);
  } finally {
    socket.close();
  }
}

/** A STUN Binding request: answered by any live STUN or TURN server. */
export function bindingRequest(): Buffer {
  return encodeMessage(MessageType.bindingRequest, randomBytes(12), []);
}

export type AllocateOutcome =
  | { readonly ok: true; readonly relayedPort: number }
  | { readonly ok: false; readonly errorCode: number | undefined };

/**
 * Asks the TURN server on 127.0.0.1:`port` for a UDP relay with long-term credentials
 * (RFC 5766 section 6): a first Allocate without them is answered 401 with REALM and
 * NONCE; the second carries USERNAME, REALM, NONCE and MESSAGE-INTEGRITY keyed by
 * MD5(username ":" realm ":" password) (RFC 5389 section 15.4).
 */
export async function allocate(
  port: number,
  username: string,
  password: string,
): Promise<AllocateOutcome> {
  const socket = new StunSocket(port);
  try {
    return await allocateOn(socket, username, password);
  } finally {
    socket.close();
  }
}

/** What a successful allocation needs for later requests on the same socket. */
interface Credentials {
  readonly username: string;
  readonly realm: Buffer;
  readonly nonce: Buffer;
  readonly key: Buffer;
}

function signedAttributes(credentials: Credentials): Buffer[] {
  return [
    attribute(Attribute.username, Buffer.from(credentials.username, 'utf8')),
    attribute(Attribute.realm, credentials.realm),
    attribute(Attribute.nonce, credentials.nonce),
  ];
}

async function allocateOn(
  socket: StunSocket,
  username: string,
  password: string,
): Promise<AllocateOutcome & { credentials?: Credentials }> {
  const transport = attribute(Attribute.requestedTransport, Buffer.from([UDP_PROTOCOL, 0, 0, 0]));
  const challenge = await socket.transact(
    encodeMessage(MessageType.allocateRequest, randomBytes(12), [transport]),
  );
  const realm = challenge.attributes.get(Attribute.realm);
  const nonce = challenge.attributes.get(Attribute.nonce);
  if (errorCodeOf(challenge) !== 401 || realm === undefined || nonce === undefined) {
    throw new Error(`expected a 401 challenge with REALM and NONCE, got ${challenge.type}`);
  }
  const key = createHash('md5')
    .update(`${username}:${realm.toString('utf8')}:${password}`, 'utf8')
    .digest();
  const credentials: Credentials = { username, realm, nonce, key };
  const answer = await socket.transact(
    encodeMessage(
      MessageType.allocateRequest,
      randomBytes(12),
      [transport, ...signedAttributes(credentials)],
      key,
    ),
  );
  if (answer.type === MessageType.allocateSuccess) {
    const relayed = answer.attributes.get(Attribute.xorRelayedAddress);
    // XOR-MAPPED-ADDRESS encoding (RFC 5389 section 15.2): the port XOR the cookie's top half.
    const relayedPort = relayed === undefined ? 0 : relayed.readUInt16BE(2) ^ (MAGIC_COOKIE >>> 16);
    return { ok: true, relayedPort, credentials };
  }
  return { ok: false, errorCode: errorCodeOf(answer) };
}

/** XOR-PEER-ADDRESS for an IPv4 address (RFC 5766 section 14.3, RFC 5389 section 15.2). */
function xorPeerAddress(ipv4: string): Buffer {
  const value = Buffer.alloc(8);
  value.writeUInt8(0x01, 1);
  // The port does not matter for a permission (RFC 5766 section 9.1); use a fixed one.
  value.writeUInt16BE(5000 ^ (MAGIC_COOKIE >>> 16), 2);
  const address = ipv4.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
  value.writeUInt32BE((address ^ MAGIC_COOKIE) >>> 0, 4);
  return value;
}

/** Success, or the TURN error code (403 means the server refuses to relay to that peer). */
export type PermissionOutcome = 'granted' | number | undefined;

/**
 * Allocates a relay, then asks CreatePermission for each IPv4 `peer` (RFC 5766 section
 * 9). Installing a permission sends nothing to the peer: no packet leaves the machine.
 * Returns each peer's outcome, or throws when the allocation itself is refused.
 */
export async function permissionsFor(
  port: number,
  username: string,
  password: string,
  peers: readonly string[],
): Promise<Record<string, PermissionOutcome>> {
  const socket = new StunSocket(port);
  try {
    const allocation = await allocateOn(socket, username, password);
    if (!allocation.ok || allocation.credentials === undefined) {
      throw new Error(
        `allocation refused: ${allocation.ok ? 'no credentials' : allocation.errorCode}`,
      );
    }
    const outcomes: Record<string, PermissionOutcome> = {};
    for (const peer of peers) {
      const answer = await socket.transact(
        encodeMessage(
          MessageType.createPermissionRequest,
          randomBytes(12),
          [
            attribute(Attribute.xorPeerAddress, xorPeerAddress(peer)),
            ...signedAttributes(allocation.credentials),
          ],
          allocation.credentials.key,
        ),
      );
      outcomes[peer] =
        answer.type === MessageType.createPermissionSuccess ? 'granted' : errorCodeOf(answer);
    }
    return outcomes;
  } finally {
    socket.close();
  }
}
