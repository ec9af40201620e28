/**
 * Torture messages in the spirit of RFC 4475, written for OPTIONS: each reproduces one of the
 * cases that RFC describes (odd but valid syntax, or an error a server must catch), with the
 * answer the responder gives while serving.
 */

/** One torture case. */
export interface TortureCase {
  /** Short name, after the RFC 4475 case it reflects. */
  name: string;
  /** What is odd about it. */
  about: string;
  /** The message bytes (lines joined with CRLF unless the case is about line ends). */
  bytes: Buffer;
  /** Status answered while serving, or `drop` / `silent`. */
  expect: number | "drop" | "silent";
}

const CRLF = "\r\n";

function msg(lines: string[], body = ""): Buffer {
  return Buffer.from(`${lines.join(CRLF)}${CRLF}${CRLF}${body}`, "utf8");
}

const VIA = "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKtorture1;rport";
const FROM = "From: <sip:monitor@example.org>;tag=98asjd8";
const TO = "To: <sip:pbx@example.com>";
const CALL = "Call-ID: torture.8cf3a1@192.0.2.10";
const CSEQ = "CSeq: 8 OPTIONS";

/** Requests the responder must accept and answer normally (200 while serving). */
export const validCases: TortureCase[] = [
  {
    name: "wsinv",
    about: "mixed-case names, compact forms, folding, odd spacing and unknown headers",
    bytes: msg([
      "OPTIONS sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0",
      "TO :",
      " sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n",
      'from   : "J Rosenberg \\\\\\""       <sip:jdrosen@example.com>',
      "  ;",
      "  tag = 98asjd8",
      "MaX-fOrWaRdS: 0068",
      "Call-ID: wsinv.ndaksdj@192.0.2.1",
      "cseq: 0009",
      "  OPTIONS",
      "Via  : SIP  /   2.0",
      " /UDP",
      "    192.0.2.2;rport;branch=390skdjuw",
      "s :",
      "NewFangledHeader:   newfangled value",
      " continued newfangled value",
      "UnknownHeaderWithUnusualValue: ;;,,;;,;",
      "v:  SIP  / 2.0  / TCP     spindle.example.com   ;",
      "  branch  =   z9hG4bK9ikj8  ,",
      " SIP  /    2.0   / UDP  192.168.255.111   ; branch=",
      " z9hG4bK30239",
      'm:"Quoted string \\"\\"" <sip:jdrosen@example.com> ; newparam =',
      "      newvalue ;",
      "  secondparam ; q = 0.33",
    ]),
    expect: 200,
  },
  {
    name: "esc01",
    about: "escaped characters in the Request-URI and header URIs",
    bytes: msg([
      "OPTIONS sip:sips%3Auser%40example.com@example.net SIP/2.0",
      "To: sip:%75se%72@example.com",
      "From: <sip:I%20have%20spaces@example.net>;tag=938",
      "Max-Forwards: 87",
      "i: esc01.239409asdfakjkn23onasd0-3234",
      "CSeq: 234234 OPTIONS",
      "Via: SIP/2.0/UDP host5.example.net;rport;branch=z9hG4bKkdjuw",
      "C: application/sdp",
      "Contact:",
      "  <sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31>",
    ]),
    expect: 200,
  },
  {
    name: "longreq",
    about: "long header values, many Via values, a long display name",
    bytes: msg([
      `OPTIONS sip:user@example.com;${"unknownparam=".concat("x".repeat(200))} SIP/2.0`,
      `To: "${"I have a user name of extreme length ".repeat(20)}" <sip:user@example.com>`,
      `From: sip:${"amazinglylongcallername".repeat(10)}@example.net;tag=12982424`,
      "Call-ID: longreq.one".concat("really".repeat(100), "longcallid"),
      "CSeq: 3882340 OPTIONS",
      `X-Unknown: ${"y".repeat(4000)}`,
      VIA,
      ...Array.from(
        { length: 30 },
        (_, i) => `Via: SIP/2.0/TCP sip${i}.example.com;branch=z9hG4bK${i}`,
      ),
      "Max-Forwards: 70",
    ]),
    expect: 200,
  },
  {
    name: "compact",
    about: "every required header in compact form, names in odd case",
    bytes: msg([
      "OPTIONS sip:pbx@example.com SIP/2.0",
      "v: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKcompact",
      "F: <sip:monitor@example.org>;tag=1",
      "t: <sip:pbx@example.com>",
      "I: compact@192.0.2.10",
      "cSeQ: 1 OPTIONS",
      "k: timer",
      "l: 0",
    ]),
    expect: 200,
  },
  {
    name: "lfonly",
    about: "bare LF line ends",
    bytes: Buffer.from(
      [
        "OPTIONS sip:pbx@example.com SIP/2.0",
        VIA,
        FROM,
        TO,
        CALL,
        CSEQ,
        "Content-Length: 0",
        "",
        "",
      ].join("\n"),
    ),
    expect: 200,
  },
  {
    name: "leadingcrlf",
    about: "empty lines before the start line (RFC 3261 §7.5)",
    bytes: Buffer.concat([
      Buffer.from("\r\n\r\n"),
      msg(["OPTIONS sip:pbx@example.com SIP/2.0", VIA, FROM, TO, CALL, CSEQ]),
    ]),
    expect: 200,
  },
  {
    name: "trws",
    about: "trailing spaces and several spaces between request-line elements",
    bytes: msg(["OPTIONS  sip:pbx@example.com   SIP/2.0  ", VIA, FROM, TO, CALL, CSEQ]),
    expect: 200,
  },
  {
    name: "zeromf",
    about: "Max-Forwards 0: OPTIONS is still answered by a UAS",
    bytes: msg([
      "OPTIONS sip:pbx@example.com SIP/2.0",
      VIA,
      FROM,
      TO,
      CALL,
      CSEQ,
      "Max-Forwards: 0",
    ]),
    expect: 200,
  },
  {
    name: "inv2543",
    about: "an RFC 2543 style Via without branch",
    bytes: msg([
      "OPTIONS sip:pbx@example.com SIP/2.0",
      "Via: SIP/2.0/UDP 192.0.2.15",
      FROM,
      TO,
      CALL,
      CSEQ,
    ]),
    expect: 200,
  },
  {
    name: "transports",
    about: "Via values with transports this node does not speak",
    bytes: msg([
      "OPTIONS sip:pbx@example.com SIP/2.0",
      VIA,
      "Via: SIP/2.0/SCTP t1.example.com;branch=z9hG4bKsctp, SIP/2.0/TLS t2.example.com;branch=z9hG4bKtls",
      "Via: SIP/2.0/UNKNOWN t3.example.com;branch=z9hG4bKunk",
      FROM,
      TO,
      CALL,
      CSEQ,
    ]),
    expect: 200,
  },
  {
    name: "body",
    about: "OPTIONS with a body counted by Content-Length (and extra bytes after it)",
    bytes: msg(
      [
        "OPTIONS sip:pbx@example.com SIP/2.0",
        VIA,
        FROM,
        TO,
        CALL,
        CSEQ,
        "Content-Type: text/plain",
        "Content-Length: 5",
      ],
      "hello, and then some",
    ),
    expect: 200,
  },
  {
    name: "ipv6",
    about: "an IPv6 sent-by with brackets",
    bytes: msg([
      "OPTIONS sip:[2001:db8::10] SIP/2.0",
      "Via: SIP/2.0/UDP [2001:db8::9:1]:5070;branch=z9hG4bKas3-111",
      FROM,
      "To: <sip:[2001:db8::10]>",
      CALL,
      CSEQ,
    ]),
    expect: 200,
  },
  {
    name: "unkscm",
    about: "a Request-URI with an unknown scheme: 416",
    bytes: msg(["OPTIONS nobarr.url.example:null SIP/2.0", VIA, FROM, TO, CALL, CSEQ]),
    expect: 416,
  },
  {
    name: "badvers",
    about: "protocol version SIP/7.0: 505",
    bytes: msg(["OPTIONS sip:t.watson@example.org SIP/7.0", VIA, FROM, TO, CALL, CSEQ]),
    expect: 505,
  },
  {
    name: "reqext",
    about: "a Require with an extension this node does not support: 420",
    bytes: msg([
      "OPTIONS sip:pbx@example.com SIP/2.0",
      VIA,
      FROM,
      TO,
      CALL,
      CSEQ,
      "Require: nothingSupportedHere, neverHeardOfIt",
    ]),
    expect: 420,
  },
];

/** Requests the responder must refuse (400) or drop, and input that is not a request. */
export const invalidCases: TortureCase[] = [
  {
    name: "ncl",
    about: "negative Content-Length",
    bytes: msg(
      ["OPTIONS sip:pbx@example.com SIP/2.0", VIA, FROM, TO, CALL, CSEQ, "Content-Length: -999"],
      "",
    ),
    expect: 400,
  },
  {
    name: "clerr",
    about: "Content-Length larger than the body of a datagram",
    bytes: msg(
      ["OPTIONS sip:pbx@example.com SIP/2.0", VIA, FROM, TO, CALL, CSEQ, "Content-Length: 9999"],
      "short",
    ),
    expect: 400,
  },
  {
    name: "mcl01",
    about: "two Content-Length values that differ",
    bytes: msg(
      [
        "OPTIONS sip:pbx@example.com SIP/2.0",
        VIA,
        FROM,
        TO,
        CALL,
        CSEQ,
        "Content-Length: 0",
        "l: 3",
      ],
      "abc",
    ),
    expect: 400,
  },
  {
    name: "insuf",
    about: "no Call-ID, From or To: nothing to build a response from",
    bytes: msg(["OPTIONS sip:pbx@example.com SIP/2.0", VIA, CSEQ, "Max-Forwards: 70"]),
    expect: "drop",
  },
  {
    name: "cseqneg",
    about: "a negative CSeq number",
    bytes: msg(["OPTIONS sip:pbx@example.com SIP/2.0", VIA, FROM, TO, CALL, "CSeq: -1 OPTIONS"]),
    expect: 400,
  },
  {
    name: "scalar02",
    about: "CSeq of 2^32 and Max-Forwards over 255",
    bytes: msg([
      "OPTIONS sip:pbx@example.com SIP/2.0",
      VIA,
      FROM,
      TO,
      CALL,
      "CSeq: 4294967296 OPTIONS",
      "Max-Forwards: 300",
    ]),
    expect: 400,
  },
  {
    name: "maxfwd",
    about: "Max-Forwards that is not a number",
    bytes: msg([
      "OPTIONS sip:pbx@example.com SIP/2.0",
      VIA,
      FROM,
      TO,
      CALL,
      CSEQ,
      "Max-Forwards: seventy",
    ]),
    expect: 400,
  },
  {
    name: "mismatch01",
    about: "CSeq method that differs from the request method",
    bytes: msg(["OPTIONS sip:pbx@example.com SIP/2.0", VIA, FROM, TO, CALL, "CSeq: 8 INVITE"]),
    expect: 400,
  },
  {
    name: "multi01",
    about: "two To and two Call-ID header fields",
    bytes: msg([
      "OPTIONS sip:pbx@example.com SIP/2.0",
      VIA,
      FROM,
      TO,
      "To: <sip:other@example.com>",
      CALL,
      "Call-ID: second@192.0.2.10",
      CSEQ,
    ]),
    expect: 400,
  },
  {
    name: "lwsruri",
    about: "whitespace inside the Request-URI",
    bytes: msg(["OPTIONS sip:user@example.com; lr SIP/2.0", VIA, FROM, TO, CALL, CSEQ]),
    expect: 400,
  },
  {
    name: "ltgtruri",
    about: "a Request-URI in angle brackets",
    bytes: msg(["OPTIONS <sip:user@example.com> SIP/2.0", VIA, FROM, TO, CALL, CSEQ]),
    expect: 400,
  },
  {
    name: "badvia",
    about: "a top Via that cannot be read: no way to route a response",
    bytes: msg([
      "OPTIONS sip:pbx@example.com SIP/2.0",
      "Via: this is not a via",
      FROM,
      TO,
      CALL,
      CSEQ,
    ]),
    expect: "drop",
  },
  {
    name: "badheader",
    about: "a header line without a colon",
    bytes: msg(["OPTIONS sip:pbx@example.com SIP/2.0", VIA, FROM, TO, CALL, CSEQ, "NoColonHere"]),
    expect: "drop",
  },
  {
    name: "foldfirst",
    about: "a continuation line straight after the start line",
    bytes: msg(["OPTIONS sip:pbx@example.com SIP/2.0", "  folded", VIA, FROM, TO, CALL, CSEQ]),
    expect: "drop",
  },
  {
    name: "noblank",
    about: "a datagram that ends inside the header section",
    bytes: Buffer.from(["OPTIONS sip:pbx@example.com SIP/2.0", VIA, FROM, TO].join(CRLF)),
    expect: "drop",
  },
  {
    name: "response",
    about: "a response: this responder sends no requests, so never answers one",
    bytes: msg(["SIP/2.0 200 OK", VIA, FROM, `${TO};tag=x`, CALL, CSEQ]),
    expect: "drop",
  },
  {
    name: "ack",
    about: "ACK is never answered",
    bytes: msg(["ACK sip:pbx@example.com SIP/2.0", VIA, FROM, TO, CALL, "CSeq: 8 ACK"]),
    expect: "silent",
  },
  {
    name: "binary",
    about: "bytes that are not text",
    bytes: Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0d, 0x0a, 0x0d, 0x0a, 0x80]),
    expect: "drop",
  },
];
