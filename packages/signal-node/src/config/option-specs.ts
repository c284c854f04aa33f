/**
 * Every option of `createSignalServer` and `bb-signal`, in one table: its flag, its
 * environment variable, its default as shown to people, and what it means. The CLI
 * help and the README are written from this table, so they cannot drift from the code.
 */

export type OptionKind = 'string' | 'integer' | 'list';

export interface OptionSpec {
  readonly name: string;
  readonly flag: string;
  readonly env: string;
  readonly kind: OptionKind;
  readonly defaultText: string;
  readonly description: string;
  /** Secret values are never echoed in error messages. */
  readonly secret?: boolean;
}

export const OPTION_SPECS: readonly OptionSpec[] = [
  {
    name: 'host',
    flag: '--host',
    env: 'BB_SIGNAL_HOST',
    kind: 'string',
    defaultText: '127.0.0.1',
    description: 'Address to listen on. Use 0.0.0.0 or :: only behind a TLS proxy.',
  },
  {
    name: 'port',
    flag: '--port',
    env: 'BB_SIGNAL_PORT',
    kind: 'integer',
    defaultText: '9000',
    description: 'TCP port; 0 picks a free port.',
  },
  {
    name: 'path',
    flag: '--path',
    env: 'BB_SIGNAL_PATH',
    kind: 'string',
    defaultText: '/',
    description: 'PeerJS path prefix; the WebSocket endpoint is <path>peerjs.',
  },
  {
    name: 'peerKey',
    flag: '--peer-key',
    env: 'BB_SIGNAL_PEER_KEY',
    kind: 'string',
    defaultText: 'peerjs',
    description: 'The PeerJS `key` the browser must send (not a secret).',
  },
  {
    name: 'databasePath',
    flag: '--database-path',
    env: 'BB_SIGNAL_DATABASE_PATH',
    kind: 'string',
    defaultText: './bb-signal.db',
    description: 'SQLite database file; ":memory:" keeps rooms in memory only.',
  },
  {
    name: 'apiKeys',
    flag: '--api-key',
    env: 'BB_SIGNAL_API_KEYS',
    kind: 'list',
    defaultText: '(none)',
    description: 'Integrator API keys, at least 32 characters each. Repeat or comma-separate.',
    secret: true,
  },
  {
    name: 'allowedOrigins',
    flag: '--allowed-origin',
    env: 'BB_SIGNAL_ALLOWED_ORIGINS',
    kind: 'list',
    defaultText: '(none)',
    description: 'Exact browser origins allowed to call the API and open sockets.',
  },
  {
    name: 'ticketSecret',
    flag: '--ticket-secret',
    env: 'BB_SIGNAL_TICKET_SECRET',
    kind: 'string',
    defaultText: '(random per process)',
    description: 'base64url key of at least 32 bytes that signs tickets and derives peer ids.',
    secret: true,
  },
  {
    name: 'ticketTtlSeconds',
    flag: '--ticket-ttl-seconds',
    env: 'BB_SIGNAL_TICKET_TTL_SECONDS',
    kind: 'integer',
    defaultText: '60',
    description: 'How long a new ticket may wait before its first connection.',
  },
  {
    name: 'sessionMaxSeconds',
    flag: '--session-max-seconds',
    env: 'BB_SIGNAL_SESSION_MAX_SECONDS',
    kind: 'integer',
    defaultText: '21600',
    description: 'How long after issue a used ticket may reconnect.',
  },
  {
    name: 'turnUrls',
    flag: '--turn-url',
    env: 'BB_SIGNAL_TURN_URLS',
    kind: 'list',
    defaultText: '(none)',
    description:
      'STUN and TURN URLs handed to browsers (stun:, turn:, turns:; ?transport=udp|tcp).',
  },
  {
    name: 'turnSecret',
    flag: '--turn-secret',
    env: 'BB_SIGNAL_TURN_SECRET',
    kind: 'string',
    defaultText: '(none)',
    description: "coturn's static-auth-secret, 32 to 512 characters; needed with turn: URLs.",
    secret: true,
  },
  {
    name: 'turnCredentialTtlSeconds',
    flag: '--turn-credential-ttl-seconds',
    env: 'BB_SIGNAL_TURN_CREDENTIAL_TTL_SECONDS',
    kind: 'integer',
    defaultText: '600',
    description: 'How long a TURN credential may start new allocations (60 to 86400).',
  },
  {
    name: 'maxFrameBytes',
    flag: '--max-frame-bytes',
    env: 'BB_SIGNAL_MAX_FRAME_BYTES',
    kind: 'integer',
    defaultText: '65536',
    description: 'Largest WebSocket message accepted; larger closes the socket with 1009.',
  },
  {
    name: 'maxBodyBytes',
    flag: '--max-body-bytes',
    env: 'BB_SIGNAL_MAX_BODY_BYTES',
    kind: 'integer',
    defaultText: '16384',
    description: 'Largest HTTP request body accepted.',
  },
  {
    name: 'messagesPerSecond',
    flag: '--messages-per-second',
    env: 'BB_SIGNAL_MESSAGES_PER_SECOND',
    kind: 'integer',
    defaultText: '50',
    description: 'Sustained messages per second allowed on one socket.',
  },
  {
    name: 'messageBurst',
    flag: '--message-burst',
    env: 'BB_SIGNAL_MESSAGE_BURST',
    kind: 'integer',
    defaultText: '200',
    description: 'Messages one socket may send at once before the rate applies.',
  },
  {
    name: 'connectionsPerAddress',
    flag: '--connections-per-address',
    env: 'BB_SIGNAL_CONNECTIONS_PER_ADDRESS',
    kind: 'integer',
    defaultText: '20',
    description: 'Live sockets allowed from one remote address.',
  },
  {
    name: 'requestsPerMinute',
    flag: '--requests-per-minute',
    env: 'BB_SIGNAL_REQUESTS_PER_MINUTE',
    kind: 'integer',
    defaultText: '120',
    description: 'API requests allowed per remote address and minute (not /healthz).',
  },
  {
    name: 'heartbeatTimeoutMs',
    flag: '--heartbeat-timeout-ms',
    env: 'BB_SIGNAL_HEARTBEAT_TIMEOUT_MS',
    kind: 'integer',
    defaultText: '60000',
    description: 'A socket silent this long is closed (PeerJS sends a heartbeat every 5 s).',
  },
  {
    name: 'expireTimeoutMs',
    flag: '--expire-timeout-ms',
    env: 'BB_SIGNAL_EXPIRE_TIMEOUT_MS',
    kind: 'integer',
    defaultText: '5000',
    description: 'How long a message waits for an absent partner before EXPIRE.',
  },
  {
    name: 'maxBufferedBytes',
    flag: '--max-buffered-bytes',
    env: 'BB_SIGNAL_MAX_BUFFERED_BYTES',
    kind: 'integer',
    defaultText: '1048576',
    description:
      'Unsent bytes one socket may have waiting; a browser that stops reading past this ' +
      'is closed with 1013.',
  },
  {
    name: 'drainTimeoutMs',
    flag: '--drain-timeout-ms',
    env: 'BB_SIGNAL_DRAIN_TIMEOUT_MS',
    kind: 'integer',
    defaultText: '10000',
    description:
      'On SIGTERM, SIGINT or close(): how long requests in flight may finish before they ' +
      'are cut.',
  },
  {
    name: 'passwordHashCost',
    flag: '--password-hash-cost',
    env: 'BB_SIGNAL_PASSWORD_HASH_COST',
    kind: 'integer',
    defaultText: '17',
    description:
      'log2 of scrypt N for therapist passwords (r=8, p=1); 2^17 uses 128 MiB per hash. ' +
      'Raise it and old hashes are redone at the next login; below 17 only for tests.',
  },
  {
    name: 'loginIdleSeconds',
    flag: '--login-idle-seconds',
    env: 'BB_SIGNAL_LOGIN_IDLE_SECONDS',
    kind: 'integer',
    defaultText: '3600',
    description: 'A therapist session unused this long ends.',
  },
  {
    name: 'loginMaxSeconds',
    flag: '--login-max-seconds',
    env: 'BB_SIGNAL_LOGIN_MAX_SECONDS',
    kind: 'integer',
    defaultText: '43200',
    description: 'A therapist session ends this long after login, even when in use.',
  },
  {
    name: 'breachCheckEndpoint',
    flag: '--breach-check-endpoint',
    env: 'BB_SIGNAL_BREACH_CHECK_ENDPOINT',
    kind: 'string',
    defaultText: '(off)',
    description:
      'Pwned Passwords range API (e.g. https://api.pwnedpasswords.com/range/); when set, ' +
      'register and change password refuse breached passwords. Only 5 hex of the SHA-1 leave.',
  },
  {
    name: 'breachCheckOnUnavailable',
    flag: '--breach-check-on-unavailable',
    env: 'BB_SIGNAL_BREACH_CHECK_ON_UNAVAILABLE',
    kind: 'string',
    defaultText: 'allow',
    description: 'allow or refuse a new password when the breach check cannot be made.',
  },
  {
    name: 'logLevel',
    flag: '--log-level',
    env: 'BB_SIGNAL_LOG_LEVEL',
    kind: 'string',
    defaultText: 'info',
    description: 'fatal, error, warn, info, debug, trace or silent.',
  },
];
