import { decodeEcho, encodeEcho, frame, FrameDecoder } from '@rampart/bench/dist/load/grpc-frame.js';
import { holds, InvariantViolation } from './invariant.js';

// The gRPC length-prefixed framing and the tiny protobuf messages the bench's load generator reads from a server.
// The input is a byte stream as it arrives; its first byte also sets where it is cut into chunks. Whatever it holds:
// - the messages decoded, or the refusal of a compressed one, are the same however the stream is chunked, and the
//   bytes still pending are the tail of an incomplete message;
// - every message decodes as an EchoResponse (a string) or fails with an Error, and a payload read back encodes and
//   decodes to itself; re-framing the messages gives the stream back.

export function fuzz(data: Buffer): void {
  if (data.length === 0) return;
  const cut = ((data[0] as number) % 7) + 1;
  const stream = data.subarray(1);
  const whole = decodeAll(stream, [stream.length]);
  const chunked = decodeAll(stream, Array.from({ length: Math.ceil(stream.length / cut) }, () => cut));
  holds(whole.error === chunked.error, `chunking changed the outcome: ${whole.error} / ${chunked.error}`);
  // A refused (compressed) message ends the call; what a chunk held before it is not compared.
  if (whole.error === undefined) {
    holds(whole.messages.length === chunked.messages.length && whole.messages.every((m, i) => m.equals(chunked.messages[i] as Buffer)), 'chunking changed the messages');
    holds(whole.pending === chunked.pending, 'chunking changed what is pending');
    const consumed = Buffer.concat(whole.messages.map((m) => frame(m)));
    holds(consumed.length + whole.pending === stream.length && stream.subarray(0, consumed.length).equals(consumed), 're-framing does not give the stream back');
  }
  for (const message of whole.messages) {
    let payload: string;
    try {
      payload = decodeEcho(message);
    } catch (error) {
      if (!(error instanceof Error) || error instanceof InvariantViolation || error.constructor !== Error) throw new InvariantViolation(`decodeEcho threw ${String(error)}`);
      continue;
    }
    if (Buffer.from(payload, 'utf8').toString('utf8') === payload) holds(decodeEcho(encodeEcho(payload)) === payload, 'a payload does not round-trip');
  }
}

function decodeAll(stream: Buffer, sizes: number[]): { messages: Buffer[]; pending: number; error: string | undefined } {
  const decoder = new FrameDecoder();
  const messages: Buffer[] = [];
  let at = 0;
  try {
    for (const size of sizes) {
      messages.push(...decoder.push(stream.subarray(at, at + size)));
      at += size;
    }
  } catch (error) {
    return { messages, pending: decoder.pendingBytes, error: error instanceof Error ? error.message : String(error) };
  }
  return { messages, pending: decoder.pendingBytes, error: undefined };
}
