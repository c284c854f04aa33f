import type { Peer } from 'peerjs';

export type PeerConstructor = typeof Peer;

/**
 * Loads PeerJS on first use. Importing it eagerly would run its browser feature
 * detection in every program that imports core, including the Node server that only
 * wants the protocol schemas.
 */
export async function loadPeerConstructor(): Promise<PeerConstructor> {
  const peerjs = await import('peerjs');
  return peerjs.Peer;
}
