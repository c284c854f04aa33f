export * from 'peerjs';
