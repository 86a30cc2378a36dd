// Repairs the framing of the incoming LSP byte stream: a header block without a usable Content-Length is dropped and reading resumes at the next message.
import { Transform, type TransformCallback } from 'node:stream';

const SEPARATOR = Buffer.from('\r\n\r\n', 'latin1');
/** Header blocks are a few dozen bytes; past this without a separator the bytes are not headers. */
const MAX_HEADER_BYTES = 8 * 1024;
/** Bodies larger than this are refused (a Content-Length of garbage digits would wait for ever). */
const MAX_BODY_BYTES = 1024 * 1024 * 1024;
const CONTENT_LENGTH = 'content-length:';

/**
 * A pass-through for `Content-Length`-framed JSON-RPC that emits only well-formed frames
 * (`Content-Length: N\r\n\r\n` + N bytes). The standard reader stops making sense of a stream after a
 * header block without a Content-Length (it reads the following body as headers, and so on); here such
 * a block, and anything up to the next `Content-Length:` header, is dropped and `onDrop` says why.
 * A body whose length was declared wrong is passed on as framed (the reader rejects it if it is not
 * JSON); what follows is resynchronised the same way. Bodies stream through without being buffered.
 */
export class FrameRepair extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  /** Body bytes still to pass through for the current frame. */
  private bodyLeft = 0;

  constructor(private readonly onDrop: (reason: string) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let data = chunk;
    while (data.length > 0) {
      if (this.bodyLeft > 0) {
        const n = Math.min(this.bodyLeft, data.length);
        this.push(data.subarray(0, n));
        this.bodyLeft -= n;
        data = data.subarray(n);
        continue;
      }
      this.pending = this.pending.length === 0 ? data : Buffer.concat([this.pending, data]);
      data = Buffer.alloc(0);
      data = this.readHeaders();
    }
    done();
  }

  /** Consumes header blocks from `pending`; returns the body bytes that follow a good one (if any). */
  private readHeaders(): Buffer {
    for (;;) {
      const end = this.pending.indexOf(SEPARATOR);
      if (end < 0) {
        if (this.pending.length > MAX_HEADER_BYTES) this.resync(`${this.pending.length} bytes without a message header`);
        return Buffer.alloc(0);
      }
      const length = contentLength(this.pending.subarray(0, end).toString('latin1'));
      if (typeof length === 'string') {
        this.resync(length, end + SEPARATOR.length);
        continue;
      }
      this.push(Buffer.from(`Content-Length: ${length}\r\n\r\n`, 'latin1'));
      const rest = this.pending.subarray(end + SEPARATOR.length);
      this.pending = Buffer.alloc(0);
      this.bodyLeft = length;
      if (length === 0) {
        this.pending = rest;
        continue;
      }
      return rest;
    }
  }

  /**
   * Drops the bad bytes at the start of `pending`: up to the next `Content-Length:` header (which may
   * sit inside the bad block: the tail of a body cut short runs into the next message's header), or,
   * when none has arrived yet, at least `minDrop` bytes (the bad block) and all but a tail that could be
   * the start of one. Drops at least one byte.
   */
  private resync(reason: string, minDrop = 1): void {
    const text = this.pending.toString('latin1').toLowerCase();
    const next = text.indexOf(CONTENT_LENGTH, 1);
    const at = next >= 0 ? next : Math.max(minDrop, this.pending.length - (CONTENT_LENGTH.length - 1));
    this.onDrop(`${reason}; ${at} bytes skipped`);
    this.pending = this.pending.subarray(at);
  }
}

/** The Content-Length of a header block, or why there is none usable. */
function contentLength(block: string): number | string {
  let length: number | string = 'a message header without Content-Length';
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) return `a malformed message header line ${JSON.stringify(line.slice(0, 80))}`;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!/^[a-z0-9-]+$/.test(name)) return `a malformed message header line ${JSON.stringify(line.slice(0, 80))}`;
    if (name !== 'content-length') continue;
    const value = line.slice(colon + 1).trim();
    if (!/^\d{1,10}$/.test(value) || Number(value) > MAX_BODY_BYTES) return `an unusable Content-Length ${JSON.stringify(value.slice(0, 40))}`;
    length = Number(value);
  }
  return length;
}
