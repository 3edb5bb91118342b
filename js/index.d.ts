// The public API of pixsqueeze. The option types come from js/options.d.ts, generated from the wasm's own
// meta; everything here is checked by tsc against tests/node/types-usage.ts in `npm test`.
import type { Format, FormatOptions, Limits, ResolvedOptions } from './options.js';

export type { Format, FormatOptions, Limits, ResolvedOptions };

/** An image file's bytes. A `File` is a `Blob`; a Node `Buffer` is a `Uint8Array`. */
export type Input = Blob | ArrayBuffer | ArrayBufferView;

/** How a call runs; none of these reach the encoder. */
export interface RunOptions {
  /**
   * Cancels the call: it rejects with the signal's reason (an `AbortError` by default), and a job that was
   * running in a worker is stopped by terminating that worker.
   */
  signal?: AbortSignal;
  /**
   * Run on the calling thread instead of a Web Worker. Worth it inside a worker of your own; on a page it
   * blocks the page while it runs. Node always runs on the calling thread.
   * @default false
   */
  mainThread?: boolean;
  /**
   * Hand your `ArrayBuffer` (or a `Uint8Array` covering its whole buffer) to the worker instead of copying it:
   * saves a copy of the file, and detaches your buffer. `Blob` inputs are never copied twice either way.
   * @default false
   */
  transfer?: boolean;
}

/** Options of {@link compress}: the encoding options, input limits and how the call runs. */
export interface CompressOptions extends FormatOptions, RunOptions {
  /** Input limits for this call; fields left out keep their defaults. */
  limits?: Limits;
  /** Called after each encode a smart-mode search tries (`maxBytes`, `minScore`, `minPsnr`, `auto`). */
  onProgress?: (probe: Probe) => void;
  /**
   * Called with the file as soon as it is written, before it is decoded again and scored (on a large photo
   * the scores take longer than the encode): show it meanwhile; the call then resolves with the same bytes
   * and the figures. One-encode jobs only (not a smart-mode search, an animation or a job in bands).
   */
  onEncoded?: (file: EncodedFile) => void;
}

/** What `onEncoded` receives: the file a compress wrote, before its scores (what {@link Result} says of the file). */
export type EncodedFile = Pick<Result, 'data' | 'blob' | 'mimeType' | 'format' | 'width' | 'height' | 'compressedBytes'>;

/** Options of {@link decode}: input limits and how the call runs. */
export interface DecodeOptions extends RunOptions {
  /** Input limits for this call; fields left out keep their defaults. */
  limits?: Limits;
}

/** Options of {@link encode}: as for compress, without input limits (the pixels are already decoded). */
export interface EncodeOptions extends FormatOptions, RunOptions {
  /**
   * Spread a baseline JPEG or a lossless PNG (8 bits a sample, not a palette) of 1 megapixel or more (no
   * resize, no smart mode) over the pool's workers, a band of rows each: the same pixels as a one-worker
   * encode, a few bytes more a band (for PNG, each band's first 32 KiB compress alone). Faster only when
   * the machine has a core free for each worker; ignored with one worker or on the calling thread.
   * @default false
   */
  split?: boolean;
}

/** What {@link compress} resolves to. */
export interface Result {
  /** The compressed file. */
  data: Uint8Array;
  /** The compressed file as a `Blob` of type `mimeType`, ready for `URL.createObjectURL`. Browsers only. */
  blob?: Blob;
  /** e.g. `image/jpeg`. */
  mimeType: string;
  format: Format;
  /** Size of the result, in pixels (after any `maxWidth`/`maxHeight` resize). */
  width: number;
  height: number;
  /** Size of the input file, in bytes. */
  originalBytes: number;
  /** Size of `data`, in bytes. */
  compressedBytes: number;
  /** originalBytes / compressedBytes. */
  ratio: number;
  /** Mean squared error against the original over R, G, B (8-bit), both composited over white. */
  mse: number;
  /** Peak signal-to-noise ratio in dB (peak 255); `Infinity` for identical pixels. */
  psnr: number;
  /**
   * For a 16-bit input (a 16-bit PNG or TIFF, a scan), the MSE on the 16-bit scale, comparing the
   * result at its own precision (an 8-bit result widened exactly): 0 for a bit-exact 16-bit PNG, and
   * what the low bits lost otherwise. `null` for 8-bit inputs.
   */
  mse16: number | null;
  /** PSNR in dB on the 16-bit scale (peak 65535) from `mse16`; `Infinity` when bit-exact; `null` for 8-bit inputs. */
  psnr16: number | null;
  /**
   * SSIMULACRA2 perceptual score against the original: 100 is identical, about 90 is visually lossless,
   * about 70 is good web quality. `null` for images under 113 pixels a side, which it cannot judge
   * (`notes` says so).
   */
  ssimulacra2: number | null;
  /** The quality used, or `null` for formats without one. */
  quality: number | null;
  /** Every option actually used, defaults filled in (after a search: the format, quality and size it chose). */
  options: ResolvedOptions;
  /** What a smart mode (`maxBytes`, `minScore`, `minPsnr`, `format: "auto"`) tried and why; `null` otherwise. */
  search: SearchReport | null;
  /**
   * What was asked for but left out, and why, one sentence each: an ICC profile or EXIF block over its
   * limit or more than the format holds (dropped, the image still compressed), EXIF with a format that
   * keeps none, a score SSIMULACRA2 cannot give, the pages of a multi-page TIFF after the first. Empty
   * when nothing was.
   */
  notes: string[];
  /**
   * Frames in the result: 1 for a still image; for an animated GIF or WebP compressed to WebP, every
   * frame (with its timing and the loop count). `mse`, `psnr` and `ssimulacra2` are then means over
   * the frames as a viewer draws them (the first note says how many were scored).
   */
  frames: number;
}

/** One encode a smart-mode search tried; also what `onProgress` receives during a search. */
export interface Probe {
  format: Exclude<Format, 'auto'>;
  /** Whether a WebP probe was lossless (WebP probes only; absent otherwise). */
  lossless?: boolean;
  /** The quality tried (JPEG, AVIF and lossy WebP probes), else `null`. */
  quality: number | null;
  /** The palette size tried (png-palette probes), else `null`. */
  colors: number | null;
  width: number;
  height: number;
  bytes: number;
  /** SSIMULACRA2, where the search measured it, else `null`. */
  score: number | null;
  /** PSNR in dB, where the search measured it, else `null`. */
  psnr: number | null;
}

/** What a smart-mode search did. */
export interface SearchReport {
  /** `auto`, `maxBytes`, `minScore`, `minPsnr`, joined with `+` when combined. */
  mode: string;
  probes: Probe[];
  /** Which setting won and why, in one sentence. */
  reason: string;
}

/** One entry of {@link compressAll}'s result, in input order: as `Promise.allSettled` reports. */
export type BatchItem = PromiseSettledResult<Result>;

/** Reported after each finished item of a batch. */
export interface Progress {
  /** Items finished so far, successful or not. */
  done: number;
  /** Items in all. */
  total: number;
  /** Index in the input list of the item that just finished. */
  index: number;
  /** Its result, when it succeeded. */
  result?: Result;
  /** Its error, when it failed. */
  error?: Error;
}

/** Options of {@link compressAll}: those of compress, applied to every input, and a progress callback. */
export interface BatchOptions extends Omit<CompressOptions, 'onProgress'> {
  /** Called after each input finishes, in completion order. */
  onProgress?: (progress: Progress) => void;
}

/** Decoded pixels: RGBA, 8 bits per channel, row by row, no padding. */
export interface Pixels {
  width: number;
  height: number;
  /** `width * height * 4` bytes. */
  data: Uint8Array;
}

/** Options of {@link measure}. */
export interface MeasureOptions extends RunOptions {
  /**
   * Spread the SSIMULACRA2 tiles of an image over 1 megapixel over the pool's workers: one worker gets
   * both images (MSE, PSNR and its share of the tiles), the others a crop of each of the remaining
   * tiles. The same figures, to the bit, as one worker's. Faster only when the machine has a core free
   * for each worker; ignored with one worker or on the calling thread.
   * @default false
   */
  split?: boolean;
}

/** What {@link measure} resolves to. */
export interface Metrics {
  /** Mean squared error over R, G, B. */
  mse: number;
  /** Peak signal-to-noise ratio in dB; `Infinity` for identical images. */
  psnr: number;
  /** SSIMULACRA2 perceptual score, 100 for identical images; `null` for images under 8 pixels a side. */
  ssimulacra2: number | null;
}

/** A format's description, for building a UI: from the same meta the encoder reads. */
export interface FormatMeta {
  id: Format;
  label: string;
  mimeType: string;
  /** File name extension, without the dot. */
  extension: string;
  lossy: boolean;
  /** Default quality, or `null` for formats without one. */
  defaultQuality: number | null;
  /** Every option this format reads: its own, then the common ones. */
  options: OptionMeta[];
}

/**
 * One option of a format, enough to build a control for it: from the meta the validator checks
 * options against. `integer` takes whole numbers only, `number` fractions too.
 */
export type OptionMeta =
  | (OptionMetaBase & { type: 'integer' | 'number'; min: number; max: number; default: number })
  | (OptionMetaBase & { type: 'choice'; choices: Choice[]; default: string })
  | (OptionMetaBase & { type: 'boolean'; default: boolean })
  | (OptionMetaBase & { type: 'color'; default: `#${string}` })
  | (OptionMetaBase & { type: 'list'; choices: Choice[]; default: string[] });

/** One value of a `choice` option and the words a UI shows for it (e.g. `max`, "Smallest (slow)"). */
export interface Choice {
  value: string;
  label: string;
}

export interface OptionMetaBase {
  /** The field name in the options object. */
  name: keyof FormatOptions;
  label: string;
  /** One sentence for a tooltip. */
  description: string;
}

/** Where a wasm module comes from: a URL, a `Response`, the bytes, or a compiled module (in Node also a file path). */
export type WasmSource = string | URL | Request | Response | BufferSource | WebAssembly.Module | Promise<Response | BufferSource>;

/** Options of {@link init}. */
export interface InitOptions {
  /**
   * Where to load the core wasm from, for hosts where the default (`pkg/pixsqueeze_bg.wasm` beside the package's
   * JavaScript) cannot be fetched: a URL, a `Response`, the bytes, or a compiled `WebAssembly.Module`. In Node
   * also a file path. The first source loaded wins.
   */
  module_or_path?: WasmSource;
  /**
   * The same for the full module (`pkg/pixsqueeze_full_bg.wasm`: WebP, GIF, BMP, ICC colour conversion),
   * which is loaded only when a call needs it.
   */
  full_module_or_path?: WasmSource;
  /**
   * The same for any other build of the ladder (`<build>_module_or_path`, e.g. `avif_module_or_path`
   * for `pkg/pixsqueeze_avif_bg.wasm`), loaded only when a call needs it. Unknown build names are
   * rejected with `InvalidInput`.
   */
  [build: `${string}_module_or_path`]: WasmSource | undefined;
  /** How many workers the pool may run at once (set before the first call). @default navigator.hardwareConcurrency - 1, from 1 to 4 */
  workers?: number;
}

/**
 * Optional: loads and compiles the wasm now (it is otherwise loaded on the first call), from a source of
 * your choice, and sizes the worker pool. Rejects if the wasm cannot be loaded.
 */
export function init(options?: InitOptions): Promise<void>;

/** Decodes an image file (JPEG or PNG), encodes it as `options` say, and measures the result against the original. */
export function compress(input: Input, options: CompressOptions): Promise<Result>;

/**
 * Compresses many files with the same options, as many at once as there are workers (one at a time on the
 * main thread), so only that many files are in memory. One bad file does not stop the others: each entry
 * says `fulfilled` or `rejected`. Aborting `signal` rejects the whole call.
 */
export function compressAll(inputs: Iterable<Input>, options: BatchOptions): Promise<BatchItem[]>;

/**
 * Encodes raw RGBA8 pixels into a file of `options.format`. On a worker your pixels are copied a megabyte
 * at a time as the worker takes them in: leave them unchanged until the call settles (or hand them over
 * with `transfer: true`).
 */
export function encode(rgba: Input, width: number, height: number, options: EncodeOptions): Promise<Uint8Array>;

/** Decodes an image file into RGBA8 pixels. */
export function decode(input: Input, options?: DecodeOptions): Promise<Pixels>;

/**
 * Compares two RGBA8 images of the same size. On a worker both are copied a megabyte at a time as the
 * worker takes them in: leave them unchanged until the call settles (or hand both over with
 * `transfer: true`). Rejects with `Unsupported` on a wasm build older than the package.
 */
export function measure(original: Input, result: Input, width: number, height: number, options?: MeasureOptions): Promise<Metrics>;

/** The output formats and every option each reads. */
export function formats(options?: Pick<RunOptions, 'mainThread'>): Promise<FormatMeta[]>;

/** The fields of `limits: { … }` (each an `integer` option with its default and bounds), to let a person raise them. */
export function limitOptions(options?: Pick<RunOptions, 'mainThread'>): Promise<OptionMeta[]>;

/** Stops every worker and frees its memory; running and queued calls reject with `AbortError`. The next call starts afresh. */
export function terminate(): void;

/**
 * The `name` of every error pixsqueeze rejects with (all are `Error`s):
 * - `DecodeError`: the input is not a readable image (corrupt, truncated, empty, not an image);
 * - `EncodeError`: the encoder failed on valid pixels;
 * - `InvalidInput`: bad options or arguments, e.g. an unknown option name, a buffer of the wrong size, a
 *   width that is not a whole number, a detached buffer, options holding a function;
 * - `LimitExceeded`: the input is over a {@link Limits limit};
 * - `Unsupported`: a valid request for something this build does not do;
 * - `AbortError`: the call's `signal` was aborted (a `DOMException`, or the signal's own reason), or
 *   `terminate()` stopped the workers first;
 * - `RuntimeError`: the wasm crashed (a bug: please report it); a worker that crashed is replaced;
 * - `WorkerError`: the worker or the wasm could not be loaded (check the URLs and your CSP; the original
 *   error, such as a failed fetch's `TypeError`, is the `cause`).
 */
export type ErrorName =
  | 'DecodeError' | 'EncodeError' | 'InvalidInput' | 'LimitExceeded' | 'Unsupported'
  | 'AbortError' | 'RuntimeError' | 'WorkerError';
