import { describe, expect, it } from 'vitest';
import {
  ClientMessageSchema,
  ErrorResponseSchema,
  PeerIdSchema,
  RegisterRoomRequestSchema,
  ServerMessageSchema,
  TicketRequestSchema,
  TicketResponseSchema,
  TicketSchema,
} from '../src/protocol/index.js';

const HOST_ID = 'host-0123456789abcdef0123456789abcdef';
const CLIENT_ID = 'client-fedcba9876543210fedcba9876543210';
const ROOM_ID = 'jQ6Oi_RB2MxuZekRq97eiw';
const PROOF = 'xODTZ6hh66SqzNdyz6HNiSY03hhfj5cJ2o4PGGuCcD8';

// Shapes as the stock peerjs 1.5.5 client sends them (Negotiator._makeOffer and
// the onicecandidate handler), including fields bb-signal does not interpret.
const PEERJS_OFFER = {
  type: 'OFFER',
  dst: CLIENT_ID,
  payload: {
    sdp: { type: 'offer', sdp: 'v=0\r\n' },
    type: 'data',
    connectionId: 'dc_abc123',
    metadata: undefined,
    label: 'dc_abc123',
    reliable: true,
    serialization: 'json',
  },
};
const PEERJS_CANDIDATE = {
  type: 'CANDIDATE',
  dst: CLIENT_ID,
  payload: {
    candidate: {
      candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host',
      sdpMid: '0',
      sdpMLineIndex: 0,
    },
    type: 'media',
    connectionId: 'mc_abc123',
  },
};

describe('client messages', () => {
  it('accepts what the stock PeerJS client sends, keeping unknown fields', () => {
    const offer = ClientMessageSchema.parse(PEERJS_OFFER);
    expect(offer).toMatchObject({ type: 'OFFER', dst: CLIENT_ID });
    expect((offer as { payload: { serialization?: string } }).payload.serialization).toBe('json');
    expect(ClientMessageSchema.parse(PEERJS_CANDIDATE).type).toBe('CANDIDATE');
    expect(ClientMessageSchema.parse({ type: 'HEARTBEAT' })).toEqual({ type: 'HEARTBEAT' });
    expect(ClientMessageSchema.parse({ type: 'LEAVE', dst: HOST_ID }).type).toBe('LEAVE');
  });

  const invalid: Array<[string, unknown]> = [
    ['an unknown type', { type: 'LIST', dst: HOST_ID }],
    ['a server-only type', { type: 'OPEN' }],
    ['a missing dst', { ...PEERJS_OFFER, dst: undefined }],
    ['a dst that is not a peer id', { ...PEERJS_OFFER, dst: '../admin' }],
    [
      'a missing connectionId',
      { ...PEERJS_OFFER, payload: { ...PEERJS_OFFER.payload, connectionId: '' } },
    ],
    [
      'a bad connection type',
      { ...PEERJS_OFFER, payload: { ...PEERJS_OFFER.payload, type: 'file' } },
    ],
    [
      'an sdp of the wrong type',
      { ...PEERJS_OFFER, payload: { ...PEERJS_OFFER.payload, sdp: 'v=0' } },
    ],
    ['a heartbeat with extra fields', { type: 'HEARTBEAT', dst: HOST_ID }],
    ['a non-object', 'HEARTBEAT'],
  ];
  it.each(invalid)('refuses %s', (_name, message) => {
    expect(ClientMessageSchema.safeParse(message).success).toBe(false);
  });
});

describe('server messages', () => {
  it('parses every message bb-signal sends', () => {
    const messages = [
      { type: 'OPEN' },
      {
        type: 'ERROR',
        payload: { msg: 'BB_ERR_TICKET_INVALID: bad', code: 'BB_ERR_TICKET_INVALID' },
      },
      { type: 'ID-TAKEN', payload: { msg: 'BB_ERR_ROOM_FULL: taken' } },
      { type: 'EXPIRE', src: CLIENT_ID },
      { type: 'LEAVE', src: CLIENT_ID, dst: HOST_ID },
      { ...PEERJS_OFFER, src: HOST_ID },
      { ...PEERJS_CANDIDATE, src: HOST_ID },
    ];
    for (const message of messages) {
      expect(ServerMessageSchema.parse(message).type).toBe(message.type);
    }
    expect(ServerMessageSchema.safeParse({ type: 'ERROR', payload: { msg: 'x' } }).success).toBe(
      false,
    );
  });
});

describe('ids', () => {
  it('peer ids are valid PeerJS ids and carry the role', () => {
    // PeerJS's own validateId: alphanumerics joined by single separators.
    const peerJsValid = /^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$/;
    for (const id of [HOST_ID, CLIENT_ID]) {
      expect(PeerIdSchema.parse(id)).toBe(id);
      expect(id).toMatch(peerJsValid);
    }
    expect(PeerIdSchema.safeParse('guest-0123456789abcdef0123456789abcdef').success).toBe(false);
    expect(PeerIdSchema.safeParse('host-0123').success).toBe(false);
  });

  it('tickets are URL-safe because PeerJS does not escape them', () => {
    expect(TicketSchema.safeParse('v1.abcdefghijklmnop.qrstuv').success).toBe(true);
    expect(TicketSchema.safeParse('v1.abcdefghijklmnop&id=host').success).toBe(false);
    expect(TicketSchema.safeParse('short').success).toBe(false);
  });
});

describe('HTTP bodies', () => {
  it('ticket requests are told apart by role', () => {
    expect(TicketRequestSchema.parse({ role: 'client', roomId: ROOM_ID, proof: PROOF }).role).toBe(
      'client',
    );
    expect(TicketRequestSchema.parse({ role: 'host', roomId: ROOM_ID }).role).toBe('host');
    // A host request may not smuggle a proof, nor a client request omit one.
    expect(
      TicketRequestSchema.safeParse({ role: 'host', roomId: ROOM_ID, proof: PROOF }).success,
    ).toBe(false);
    expect(TicketRequestSchema.safeParse({ role: 'client', roomId: ROOM_ID }).success).toBe(false);
    expect(TicketRequestSchema.safeParse({ role: 'admin', roomId: ROOM_ID }).success).toBe(false);
  });

  it('room registration takes exactly a room id and a proof hash', () => {
    expect(RegisterRoomRequestSchema.safeParse({ roomId: ROOM_ID, proofHash: PROOF }).success).toBe(
      true,
    );
    expect(
      RegisterRoomRequestSchema.safeParse({ roomId: ROOM_ID, proofHash: PROOF, email: 'a@b.c' })
        .success,
    ).toBe(false);
    expect(RegisterRoomRequestSchema.safeParse({ roomId: 'short', proofHash: PROOF }).success).toBe(
      false,
    );
  });

  it('ticket responses and errors are checked on the way in', () => {
    const response = {
      ticket: 'v1.abcdefghijklmnop.qrstuv',
      roomId: ROOM_ID,
      role: 'client',
      peerId: CLIENT_ID,
      remotePeerId: HOST_ID,
      expiresAt: 1_800_000_000_000,
    };
    expect(TicketResponseSchema.parse(response)).toEqual(response);
    expect(TicketResponseSchema.safeParse({ ...response, expiresAt: -1 }).success).toBe(false);
    expect(
      ErrorResponseSchema.parse({ error: { code: 'BB_ERR_PROOF_INVALID', message: 'no' } }).error
        .code,
    ).toBe('BB_ERR_PROOF_INVALID');
    expect(
      ErrorResponseSchema.safeParse({ error: { code: 'BB_ERR_MADE_UP', message: 'no' } }).success,
    ).toBe(false);
  });
});
