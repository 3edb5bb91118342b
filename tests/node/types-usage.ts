// Compiled (never run) by tests/node/types.test.mjs: every public function used as the README shows,
// through the package's own name and `exports`, and mistakes the typings must reject.
import {
  init, compress, compressAll, encode, decode, measure, formats, limitOptions, terminate,
  type Result, type Probe, type BatchItem, type Progress, type FormatMeta, type Metrics, type Pixels, type ErrorName,
} from 'pixsqueeze';

export async function usage(file: File, buffer: Uint8Array<ArrayBuffer>, signal: AbortSignal): Promise<void> {
  await init({ module_or_path: new URL('https://example.invalid/pixsqueeze_bg.wasm'), workers: 2 });
  const r: Result = await compress(file, { format: 'jpeg', quality: 80, subsampling: '4:2:0', background: '#102030', signal });
  const used: number | null = r.options.maxWidth;
  const score: number = (r.ssimulacra2 ?? 0) + r.psnr + r.mse + r.ratio + used!;
  const smart: Result = await compress(file, { format: 'auto', maxBytes: 500_000, minScore: 80, allowResize: true, onProgress: (p: Probe) => void [p.format, p.quality, p.bytes, p.score] });
  void smart.search?.reason;
  const blob: Blob | undefined = r.blob;
  await compress(buffer.buffer, { format: 'png', effort: 'max', limits: { maxPixels: 1e6 }, mainThread: true, transfer: true });

  const items: BatchItem[] = await compressAll([file, buffer], {
    format: 'png-palette', colors: 64, dither: false,
    onProgress: ({ done, total, index, result, error }: Progress) => void [done, total, index, result?.data, error?.message],
  });
  for (const item of items) if (item.status === 'fulfilled') void item.value.compressedBytes;

  const pixels: Pixels = await decode(r.data, { limits: { maxPixels: 50_000_000 } });
  const png: Uint8Array = await encode(pixels.data, pixels.width, pixels.height, { format: 'png' });
  const jpeg: Uint8Array = await encode(pixels.data, pixels.width, pixels.height, { format: 'jpeg', split: true });
  const m: Metrics = await measure(pixels.data, png, pixels.width, pixels.height);
  const list: FormatMeta[] = await formats();
  for (const o of await limitOptions()) if (o.type === 'integer') void [o.name, o.min, o.max, o.default];
  for (const o of list[0].options) if (o.type === 'choice') void o.choices.some((c) => c.value === o.default && c.label);
  const names: ErrorName[] = ['DecodeError', 'AbortError'];
  terminate();
  void [score, blob, m, names, jpeg];

  // @ts-expect-error: compress() takes no split (encode() does)
  await compress(file, { format: 'jpeg', split: true });
  // @ts-expect-error: a misspelt option name
  await compress(file, { format: 'jpeg', qualty: 80 });
  // @ts-expect-error: not a subsampling
  await compress(file, { format: 'jpeg', subsampling: '4:1:1' });
  // @ts-expect-error: not a format
  await compress(file, { format: 'gif' });
  // @ts-expect-error: the format is required
  await compress(file, { quality: 80 });
  // @ts-expect-error: decode takes limits, not encoding options
  await decode(file, { quality: 80 });
  // @ts-expect-error: not an input
  await compress('photo.jpg', { format: 'jpeg' });
}
