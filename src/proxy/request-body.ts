import type { IncomingMessage } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import { ProxyError } from './errors';

/** The consumer sent more than the proxy forwards. */
export class BodyTooLargeError extends ProxyError {
  constructor(maxBytes: number) {
    super(413, 'request_too_large', `the request body is larger than ${maxBytes} bytes, the most the proxy forwards.`);
  }
}

/**
 * The consumer's request body on its way to Exact: streamed, counted against the size bound, and copied (at
 * most that bound) so a request Exact refused before processing it (401, 429) can be sent once more.
 */
export class RequestBody {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private readonly recorder?: Transform;
  private ended = false;

  constructor(
    private readonly req: IncomingMessage,
    private readonly maxBytes: number,
  ) {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > maxBytes) throw new BodyTooLargeError(maxBytes);
    if (!(declared > 0 || req.headers['transfer-encoding'] !== undefined)) return;
    this.recorder = new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        this.size += chunk.length;
        if (this.size > maxBytes) return done(new BodyTooLargeError(maxBytes));
        this.chunks.push(chunk);
        done(null, chunk);
      },
      flush: (done) => {
        this.ended = true;
        done();
      },
    });
    req.on('error', (error) => this.recorder?.destroy(error));
    req.pipe(this.recorder);
  }

  /** The error that ended the body early (too large, the consumer went away), if any. */
  get failure(): Error | undefined {
    return this.recorder?.errored ?? undefined;
  }

  /** The body for the first attempt: the live stream, or nothing for a request without a body. */
  first(): Readable | undefined {
    return this.recorder;
  }

  /**
   * The whole body for a second attempt, once the consumer has sent all of it; undefined when there is none to
   * send, `false` when it cannot be sent again (the first attempt's stream was cut off).
   */
  async again(): Promise<Buffer | undefined | false> {
    const recorder = this.recorder;
    if (!recorder) return undefined;
    if (!this.ended) {
      if (recorder.destroyed) return false;
      // Whatever the first attempt did not read still has to pass the size bound and be recorded.
      recorder.resume();
      const ended = await new Promise<boolean>((resolve) => {
        recorder.once('end', () => resolve(true));
        recorder.once('error', () => resolve(false));
        recorder.once('close', () => resolve(this.ended));
      });
      if (!ended) return false;
    }
    return Buffer.concat(this.chunks);
  }

  /** Stops reading the consumer's body (the answer was sent without needing it). */
  discard(): void {
    if (this.recorder && !this.ended) this.req.unpipe(this.recorder).resume();
  }
}
