// Getting images in: the file picker, a folder picker, drag-and-drop of files and folders, and paste.
// Also the route for files the core cannot read but the browser can (AVIF, HEIC on Safari, ICO…):
// the browser decodes them and the core gets their pixels as a lossless PNG.
import { encode } from '../js/index.js';

const IMAGE_NAME = /\.(jpe?g|jfif|png|apng|gif|webp|avif|heic|heif|bmp|ico|tiff?)$/i;

/** Files inside dropped or picked folders that are images; loose files are all kept, so that a file
 * that is not an image gets its own message rather than vanishing. */
function looksLikeImage(file) {
  return file.type.startsWith('image/') || IMAGE_NAME.test(file.name);
}

function withPath(file, path) {
  if (path) Object.defineProperty(file, 'relativePath', { value: path });
  return file;
}

async function readEntry(entry, out) {
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    if (looksLikeImage(file)) out.push(withPath(file, entry.fullPath.replace(/^\//, '')));
    return;
  }
  const reader = entry.createReader();
  for (;;) {
    // readEntries returns the directory in pieces; an empty piece is the end.
    const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) return;
    for (const child of batch) await readEntry(child, out);
  }
}

async function droppedFiles(dataTransfer) {
  const items = [...(dataTransfer.items ?? [])].filter((i) => i.kind === 'file');
  if (!items.length) return [...(dataTransfer.files ?? [])];
  const entries = items.map((i) => [i.webkitGetAsEntry?.(), i.getAsFile()]);
  const out = [];
  for (const [entry, file] of entries) {
    if (entry?.isDirectory) await readEntry(entry, out);
    else if (file) out.push(file);
  }
  return out;
}

/** Calls `onFiles(files)` for every way a person can hand the page images. */
export function listen({ fileInput, folderInput, dropZone }, onFiles) {
  // The pickers' inputs are hidden and their labels show the focus ring. A click on a label focuses its
  // input, and browsers count a file input as one that always shows focus, so the ring stayed after the
  // file dialog closed: the labels show it only while the keyboard is in use (CSS: data-input).
  const root = document.documentElement;
  addEventListener('keydown', (e) => { if (e.key === 'Tab' || e.key.startsWith('Arrow')) root.dataset.input = 'keyboard'; }, { capture: true });
  addEventListener('pointerdown', () => { root.dataset.input = 'pointer'; }, { capture: true });
  fileInput.addEventListener('change', () => {
    onFiles([...fileInput.files]);
    fileInput.value = ''; // picking the same file again must fire again
  });
  folderInput?.addEventListener('change', () => {
    onFiles([...folderInput.files].filter(looksLikeImage).map((f) => withPath(f, f.webkitRelativePath)));
    folderInput.value = '';
  });
  let depth = 0;
  document.addEventListener('dragenter', (e) => {
    e.preventDefault();
    depth++;
    dropZone.classList.add('over');
  });
  document.addEventListener('dragover', (e) => e.preventDefault());
  document.addEventListener('dragleave', () => {
    if (--depth <= 0) { depth = 0; dropZone.classList.remove('over'); }
  });
  document.addEventListener('drop', async (e) => {
    e.preventDefault();
    depth = 0;
    dropZone.classList.remove('over');
    // The DataTransfer empties once this handler returns: take the entries synchronously.
    const files = await droppedFiles(e.dataTransfer);
    if (files.length) onFiles(files);
  });
  document.addEventListener('paste', (e) => {
    if (e.target instanceof HTMLInputElement && e.target.type !== 'range' && e.target.type !== 'checkbox') return;
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    const files = [...(e.clipboardData?.files ?? [])].map((f, i) => {
      const ext = f.type.split('/')[1]?.replace('jpeg', 'jpg') ?? 'png';
      // Pasted screenshots are all called "image.png": give them names that tell them apart.
      return new File([f], `pasted-${stamp}${i ? `-${i + 1}` : ''}.${ext}`, { type: f.type });
    });
    if (files.length) {
      e.preventDefault();
      onFiles(files);
    }
  });
}

/** Does the file start like a JPEG or a PNG, the formats the core reads itself? */
export async function coreReadable(file) {
  const head = new Uint8Array(await file.slice(0, 12).arrayBuffer());
  const ascii = (from, to) => String.fromCharCode(...head.subarray(from, to));
  return (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) // JPEG
    || (head[0] === 0x89 && ascii(1, 4) === 'PNG')
    || (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP')
    || ascii(0, 4) === 'GIF8'
    || ascii(0, 2) === 'BM';
}

/**
 * Decodes `file` with the browser and re-encodes its pixels as a fast lossless PNG the core can read.
 * Throws a DecodeError when the browser cannot read it either.
 */
export async function browserDecode(file, signal) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw Object.assign(new Error('neither pixsqueeze nor this browser can read this file as an image'), { name: 'DecodeError' });
  }
  signal?.throwIfAborted();
  const { width, height } = bitmap;
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const { data } = ctx.getImageData(0, 0, width, height);
  const png = await encode(data, width, height, { format: 'png', effort: 'fast', signal });
  return new Blob([png], { type: 'image/png' });
}
