export * from 'livekit-client';
