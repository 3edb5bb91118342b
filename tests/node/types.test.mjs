// The typings, the validator and the meta cannot drift apart: js/options.d.ts and the README's tables
// must be exactly what scripts/gen-types.mjs makes from the built wasm's meta; the wasm must accept
// every option over exactly the range its meta states; and real values the package returns (results,
// probes, metrics, the meta itself) must compile against index.d.ts under strict tsc, so a field typed
// `number` that is really `null` fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromWasm, readmeFile, spliceReadme, typesFile, wasmMeta } from '../../scripts/gen-types.mjs';
import { compress, decode, encode, formats, measure } from '../../js/node.js';
import { photoLikePng, root } from '../e2e/support.mjs';

const stale = 'is stale against the wasm meta: run `npm run types` and commit the result';
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

function typecheck(project) {
  try {
    execFileSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' });
  } catch (e) {
    assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`);
  }
}

test('js/options.d.ts is generated from the current meta', async () => {
  const { types } = await fromWasm();
  assert.equal(readFileSync(typesFile, 'utf8'), types, `js/options.d.ts ${stale}`);
});

test("the README's option and limit tables are generated from the current meta", async () => {
  const { readme: sections } = await fromWasm();
  const readme = readFileSync(readmeFile, 'utf8');
  assert.equal(readme, spliceReadme(readme, sections), `README.md's tables ${stale}`);
});

test('index.d.ts compiles with strict tsc against a usage file, and rejects misuse', () => {
  typecheck(join(root, 'tests', 'node', 'tsconfig.json'));
});

/** Values the meta accepts for an option, and values it must refuse. */
function samples(o) {
  switch (o.type) {
    case 'integer': return {
      good: [o.min, o.max, o.default],
      bad: [o.max + 1, ...(o.min > 0 ? [o.min - 1] : []), ...(o.max > o.min ? [o.min + 0.5] : []), String(o.default), NaN],
    };
    case 'number': return { good: [o.min, o.max, o.default, o.min + (o.max - o.min) / 3], bad: [o.min - 0.5, o.max + 0.5, NaN, String(o.default)] };
    case 'choice': return { good: o.choices.map((c) => c.value), bad: ['none of these', 1] };
    case 'boolean': return { good: [true, false], bad: [1, 'true'] };
    case 'color': return { good: [o.default, '#0a0B0c'], bad: ['white', '#+1+2+3', 0] };
    case 'list': return {
      // Whole lists: one format alone may not suit the test's transparent image (JPEG cannot keep alpha).
      good: [o.default, o.choices.map((c) => c.value)],
      bad: [[], ['none of these'], [o.choices[0].value, o.choices[0].value], o.choices[0].value, 1],
    };
    default: throw new Error(`unknown option type ${o.type}`);
  }
}

test('the wasm accepts every option over exactly the range its meta states, and reports it back', async () => {
  const { formatList, limitList } = await wasmMeta();
  const png = await encode(new Uint8Array(16 * 16 * 4).fill(180), 16, 16, { format: 'png' });
  const errorName = (p) => p.then(() => null, (e) => e.name);
  for (const f of formatList) {
    for (const o of f.options) {
      const { good, bad } = samples(o);
      for (const value of bad) {
        const name = await errorName(encode(new Uint8Array(4), 1, 1, { format: f.id, [o.name]: value }));
        assert.equal(name, 'InvalidInput', `${f.id}.${o.name} = ${JSON.stringify(value)} must be refused`);
      }
      for (const value of good) {
        // Accepted: whatever else happens to a 16 x 16 image (a budget it cannot meet), the option passed.
        const result = await compress(png, { format: f.id, [o.name]: value }).catch((e) => e);
        assert.notEqual(result.name, 'InvalidInput', `${f.id}.${o.name} = ${JSON.stringify(value)}: ${result.message}`);
        if (result.options && f.id !== 'auto' && !['maxBytes', 'minScore', 'minPsnr'].includes(o.name)) {
          const given = o.type === 'color' ? value.toLowerCase() : value;
          assert.equal(result.options[o.name], given, `${f.id}.${o.name} is reported as given`);
        }
      }
    }
  }
  for (const o of limitList) {
    const { good, bad } = samples(o);
    for (const value of bad) {
      const name = await errorName(compress(png, { format: 'png', limits: { [o.name]: value } }));
      assert.equal(name, 'InvalidInput', `limits.${o.name} = ${value} must be refused`);
    }
    for (const value of good) {
      const result = await compress(png, { format: 'png', limits: { [o.name]: value } }).catch((e) => e);
      assert.notEqual(result.name, 'InvalidInput', `limits.${o.name} = ${value}: ${result.message}`);
    }
  }
});

test('every format resolves to its meta defaults, under the option names the meta lists', async () => {
  const { formatList } = await wasmMeta();
  const png = await encode(new Uint8Array(16 * 16 * 4).fill(180), 16, 16, { format: 'png' });
  const names = [...new Set(formatList.flatMap((f) => f.options.map((o) => o.name)))];
  for (const f of formatList.filter((x) => x.id !== 'auto')) {
    const { options } = await compress(png, { format: f.id });
    assert.deepEqual(Object.keys(options).sort(), ['format', ...names].sort(), f.id);
    for (const o of f.options) assert.equal(options[o.name], o.default, `${f.id}.${o.name}`);
  }
});

/** A TypeScript expression for a runtime value: bytes as an empty array, Infinity as itself. */
function literal(v) {
  if (v instanceof Uint8Array) return 'new Uint8Array(0)';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : String(v);
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return `[${v.map(literal).join(', ')}]`;
  if (typeof v === 'object') return `{ ${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${literal(x)}`).join(', ')} }`;
  return JSON.stringify(v);
}

test('real values from the package compile against index.d.ts', async () => {
  const photo = photoLikePng(64, 48);
  const noise = Uint8Array.from({ length: 4 * 4 * 4 }, (_, i) => (i % 4 === 3 ? 255 : (i * 73) % 256));
  const tiny = await encode(noise, 4, 4, { format: 'png' });
  const decoded = await decode(photo);
  const values = {
    // `name: type` = value, each a fresh object literal, so extra fields are errors too.
    'photo: Result': await compress(photo, { format: 'jpeg', quality: 60 }),
    'tiny: Result': await compress(tiny, { format: 'jpeg' }),
    'budget: Result': await compress(photo, { format: 'jpeg', maxBytes: 2000, allowResize: true }),
    'auto: Result': await compress(photo, { format: 'auto' }),
    // quality null (lossless WebP has none); its probes carry `lossless`.
    'webpLossless: Result': await compress(photo, { format: 'webp', lossless: true, maxBytes: 20_000, allowResize: true }),
    'palette: Result': await compress(photo, { format: 'png-palette', minPsnr: 30 }),
    'formatList: FormatMeta[]': await formats(),
    'pixels: Pixels': decoded,
    'same: Metrics': await measure(decoded.data, decoded.data, decoded.width, decoded.height),
    'tinyMetrics: Metrics': await measure(new Uint8Array(64), new Uint8Array(64).fill(9), 4, 4),
  };
  values['echoed: FormatOptions'] = values['photo: Result'].options;
  assert.equal(values['tiny: Result'].ssimulacra2, null, 'the fixture exercises a null score');
  assert.equal(values['webpLossless: Result'].quality, null, 'the fixture exercises a null quality');
  assert.ok(values['webpLossless: Result'].search.probes.some((p) => p.lossless === true), 'and a lossless probe');
  const lines = [
    '// Generated by tests/node/types.test.mjs from real values the package returned: do not edit.',
    "import type { Result, FormatMeta, Pixels, Metrics, FormatOptions } from 'pixsqueeze';",
    ...Object.entries(values).map(([decl, v]) => `export const ${decl} = ${literal(v)};`),
    '',
  ];
  const dir = join(root, 'target', 'typecheck');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'runtime-values.ts'), lines.join('\n'));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022',
      lib: ['es2022', 'dom'], types: [], skipLibCheck: false,
    },
    files: ['runtime-values.ts'],
  }, null, 2));
  typecheck(join(dir, 'tsconfig.json'));
});
