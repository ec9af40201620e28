/**
 * Generators and builders shared by the SIP tests.
 */
import fc from "fast-check";
import type { SipHeader, SipMessage } from "./message.js";

const NAMES = [
  "Via",
  "From",
  "To",
  "Call-ID",
  "CSeq",
  "Max-Forwards",
  "Contact",
  "Allow",
  "Supported",
  "User-Agent",
  "Subject",
  "Content-Type",
];

const headerValue = fc
  .string({ unit: "grapheme", maxLength: 40 })
  .map((s) => s.replace(/[\r\n]/g, "").trim());

const header: fc.Arbitrary<SipHeader> = fc.record({
  name: fc.oneof(fc.constantFrom(...NAMES), fc.stringMatching(/^X-[A-Za-z0-9]{1,10}$/)),
  value: headerValue,
});

/** Any message the serializer can write: random start line, header fields and body. */
export const sipMessage: fc.Arbitrary<SipMessage> = fc.oneof(
  fc.record({
    kind: fc.constant("request" as const),
    method: fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,11}$/),
    uri: fc.stringMatching(/^(sip|sips|tel):[A-Za-z0-9@.;=%:-]{1,30}$/),
    version: fc.constantFrom("SIP/2.0", "SIP/3.1"),
    headers: fc.array(header, { maxLength: 25 }),
    body: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  }),
  fc.record({
    kind: fc.constant("response" as const),
    version: fc.constant("SIP/2.0"),
    status: fc.integer({ min: 100, max: 699 }),
    reason: fc.stringMatching(/^([A-Za-z][A-Za-z0-9 /]{0,20}[A-Za-z0-9])?$/),
    headers: fc.array(header, { maxLength: 25 }),
    body: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  }),
);

/** Fields of {@link optionsRequest}. */
export interface OptionsFields {
  method?: string;
  branch?: string;
  callId?: string;
  via?: string;
  extra?: string[];
}

/**
 * A well-formed OPTIONS request (or another method) as text with CRLF line ends.
 *
 * @example
 * ```ts
 * socket.send(optionsRequest({ branch: "z9hG4bK1" }), port, "127.0.0.1");
 * ```
 */
export function optionsRequest(fields: OptionsFields = {}): Buffer {
  const method = fields.method ?? "OPTIONS";
  const branch = fields.branch ?? `z9hG4bK${Math.random().toString(36).slice(2)}`;
  const lines = [
    `${method} sip:pbx@127.0.0.1 SIP/2.0`,
    `Via: ${fields.via ?? `SIP/2.0/UDP 127.0.0.1:5999;branch=${branch};rport`}`,
    "Max-Forwards: 70",
    "From: <sip:monitor@127.0.0.1>;tag=mon1",
    "To: <sip:pbx@127.0.0.1>",
    `Call-ID: ${fields.callId ?? `${branch}@127.0.0.1`}`,
    `CSeq: 1 ${method}`,
    ...(fields.extra ?? []),
    "Content-Length: 0",
    "",
    "",
  ];
  return Buffer.from(lines.join("\r\n"));
}
