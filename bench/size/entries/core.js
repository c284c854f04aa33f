// Core alone (links, protocol, SessionCall) with its dependencies, PeerJS included.
export * from '@bilateral-base/core';
