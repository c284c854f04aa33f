import { describe, expect, it } from 'vitest';
import { isBbError } from '../src/errors/index.js';
import {
  PEERJS_KEY,
  peerConstructorOptions,
  signalApiUrl,
  signalEndpoint,
} from '../src/call/peer-options.js';

describe('PeerJS options derived from signalUrl', () => {
  it('sets every field explicitly for an https URL without a port', () => {
    expect(signalEndpoint('https://signal.example')).toEqual({
      host: 'signal.example',
      port: 443,
      path: '/',
      secure: true,
      key: PEERJS_KEY,
    });
  });

  it('keeps an explicit port and a path prefix, ending it with a slash', () => {
    expect(signalEndpoint('http://127.0.0.1:9000/bb')).toEqual({
      host: '127.0.0.1',
      port: 9000,
      path: '/bb/',
      secure: false,
      key: 'peerjs',
    });
    expect(signalApiUrl('http://127.0.0.1:9000/bb', 'v1/tickets')).toBe(
      'http://127.0.0.1:9000/bb/v1/tickets',
    );
    expect(signalEndpoint('http://localhost').port).toBe(80);
  });

  it('passes the ticket and only the given ICE servers, with PeerJS logging off', () => {
    const ice = [{ urls: 'turn:turn.example:3478', username: 'u', credential: 'c' }];
    const options = peerConstructorOptions('https://signal.example/', 'ticket-abc', ice);
    expect(options.token).toBe('ticket-abc');
    expect(options.config).toEqual({ iceServers: ice, iceTransportPolicy: 'all' });
    expect(options.debug).toBe(0);
    expect(options.config.iceServers).not.toBe(ice);
  });

  it('asks for relay candidates only when the call is relay-only', () => {
    const ice = [{ urls: 'turn:turn.example:3478', username: 'u', credential: 'c' }];
    const options = peerConstructorOptions('https://signal.example/', 'ticket-abc', ice, true);
    expect(options.config.iceTransportPolicy).toBe('relay');
  });

  it('sets encodedInsertableStreams only for the older encoded-streams API', () => {
    const url = 'https://signal.example/';
    const plain = peerConstructorOptions(url, 'ticket-abc', []);
    expect('encodedInsertableStreams' in plain.config).toBe(false);
    const legacy = peerConstructorOptions(url, 'ticket-abc', [], false, undefined, {
      encodedStreams: true,
    });
    expect((legacy.config as { encodedInsertableStreams?: boolean }).encodedInsertableStreams).toBe(
      true,
    );
  });

  it('leaks no PeerJS default host or ICE server', () => {
    const options = peerConstructorOptions('https://signal.example/', 'ticket-abc', []);
    const text = JSON.stringify(options);
    expect(options.config.iceServers).toEqual([]);
    expect(text).not.toMatch(/peerjs\.com|google|stun:|turn:|metered/i);
    for (const field of ['host', 'port', 'path', 'secure', 'key', 'token', 'config', 'debug']) {
      expect(options).toHaveProperty(field);
      expect(options[field as keyof typeof options]).not.toBeUndefined();
    }
  });

  it('refuses URLs that are not plain http(s) bases', () => {
    for (const bad of [
      'ws://signal.example',
      'not a url',
      'https://user:pw@signal.example',
      'https://signal.example/?x=1',
      'https://signal.example/#k=1',
    ]) {
      let thrown: unknown;
      try {
        signalEndpoint(bad);
      } catch (error) {
        thrown = error;
      }
      expect(isBbError(thrown, 'BB_ERR_INVALID_ARGUMENT'), bad).toBe(true);
      expect((thrown as Error).message).toContain('options.signalUrl');
    }
  });
});
