// SPIFFE ID parsing lives in @rampart/core, so the server and clients validate IDs the same way the PKI writes them.
export { formatSpiffeId, parseSpiffeId, type SpiffeIdParts } from '@rampart/core';
