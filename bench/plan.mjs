// What the benchmark measures: which images, qualities and repetitions, for the full and --quick runs.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const corpusDir = join(root, '..', 'shared', 'corpus');

const kodak = ['01', '03', '05', '07', '09', '11', '13', '15', '17', '19', '21', '23'].map((n) => `photos/kodim${n}.png`);
const camera = ['photos/camera-canon-eos-450d-12mp.jpg', 'photos/camera-samsung-galaxy-s7-edge-12mp.jpg'];
const screenshot = 'special/screenshot-lorem-ipsum-firefox.png';
const graphic = 'special/graphic-exoplanet-diagram-indexed-4k.png';

export function plan(quick) {
  const present = (rel) => existsSync(join(corpusDir, rel));
  const corpus = existsSync(corpusDir);
  const pick = (list) => {
    const found = list.filter(present);
    for (const rel of list) if (corpus && !present(rel)) console.log(`[bench] SKIP ${rel}: not in the corpus`);
    return found.map((rel) => ({ name: rel.split('/').pop().replace(/\.\w+$/, ''), url: `/corpus/${rel}` }));
  };
  const made = [{ name: 'synthetic-768x512', url: null }];
  const or = (list) => (list.length ? list : made);
  const lossy = or(pick(quick ? [kodak[0], kodak[2], kodak[11]] : [...kodak, ...camera, screenshot]));
  const lossless = or(pick(quick ? [kodak[0], kodak[11], screenshot] : [...kodak, screenshot, graphic, camera[0]]));
  const speedImage = or(pick([camera[0]]))[0];
  return {
    corpus,
    // Nine points from low to visually lossless; q75 is every peer's default.
    qualities: quick ? [40, 60, 75, 90] : [30, 40, 50, 60, 70, 75, 80, 90, 95],
    lossy,
    lossless,
    losslessCodecs: quick ? ['ours-png-fast', 'ours-png', 'oxipng-2'] : ['ours-png-fast', 'ours-png', 'ours-png-max', 'oxipng-2'],
    // Timed runs per image and codec after the scored one (which also warms the codec up): one run
    // each swung the time ratio between 0.41× and 0.54× from one quick run to the next.
    losslessRuns: 3,
    // Rounds of the speed stage: one timed run of every codec in turn (bench/run.mjs, alternated).
    speed: { ...speedImage, quality: 75, warmup: 2, runs: 5 },
  };
}
