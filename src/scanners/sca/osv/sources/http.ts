/** HTTP for advisory sources: timeouts, size limits and one-line errors, on Node's fetch. */
import { createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AdvisorySourceError } from './source.js';

export type FetchLike = typeof fetch;

export interface HttpOptions {
  source: string;
  /** What is being asked, for messages: "OSV API at https://api.osv.dev". */
  what: string;
  timeoutMs: number;
  maxBytes: number;
  signal?: AbortSignal;
  fetch?: FetchLike;
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code && cause.message) return cause.message.includes(cause.code) ? cause.message : `${cause.code}: ${cause.message}`;
  if (cause?.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

function combinedSignal(timeoutMs: number, signal: AbortSignal | undefined): { signal: AbortSignal; timedOut: () => boolean } {
  const timeout = AbortSignal.timeout(timeoutMs);
  return { signal: signal ? AbortSignal.any([signal, timeout]) : timeout, timedOut: () => timeout.aborted };
}

function failure(options: HttpOptions, error: unknown, timedOut: boolean): Error {
  if (options.signal?.aborted) return options.signal.reason instanceof Error ? options.signal.reason : new Error('aborted');
  if (error instanceof AdvisorySourceError) return error;
  if (timedOut) {
    const limit = options.timeoutMs >= 1000 ? `${Math.round(options.timeoutMs / 1000)} s` : `${options.timeoutMs} ms`;
    return new AdvisorySourceError(options.source, `${options.what} did not answer within ${limit}`);
  }
  return new AdvisorySourceError(options.source, `${options.what} is not reachable: ${describeCause(error)}`);
}

async function open(url: string, init: RequestInit, options: HttpOptions, timedOut: () => boolean, signal: AbortSignal): Promise<Response> {
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, { ...init, signal, redirect: 'follow' });
  } catch (error) {
    throw failure(options, error, timedOut());
  }
  return response;
}

/** The body as text, or null for 404; other statuses, timeouts and oversize bodies throw AdvisorySourceError. */
export async function requestText(url: string, init: RequestInit, options: HttpOptions): Promise<string | null> {
  const { signal, timedOut } = combinedSignal(options.timeoutMs, options.signal);
  const response = await open(url, init, options, timedOut, signal);
  try {
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new AdvisorySourceError(options.source, `${options.what} answered ${response.status} ${response.statusText} for ${new URL(url).pathname}`.trim());
    }
    const chunks: Buffer[] = [];
    let size = 0;
    if (response.body) {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        size += chunk.length;
        if (size > options.maxBytes) {
          throw new AdvisorySourceError(options.source, `${options.what} sent more than ${options.maxBytes} bytes for ${new URL(url).pathname}`);
        }
        chunks.push(Buffer.from(chunk));
      }
    }
    return Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    throw failure(options, error, timedOut());
  }
}

/** Streams a download into `file` (created or replaced); throws AdvisorySourceError on any failure. */
export async function downloadToFile(url: string, file: string, options: HttpOptions): Promise<number> {
  const { signal, timedOut } = combinedSignal(options.timeoutMs, options.signal);
  const response = await open(url, {}, options, timedOut, signal);
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new AdvisorySourceError(options.source, `${options.what} answered ${response.status} ${response.statusText} for ${new URL(url).pathname}`.trim());
  }
  let size = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > options.maxBytes) done(new AdvisorySourceError(options.source, `${options.what} sent more than ${options.maxBytes} bytes`));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>), limit, createWriteStream(file));
  } catch (error) {
    throw failure(options, error, timedOut());
  }
  return size;
}
