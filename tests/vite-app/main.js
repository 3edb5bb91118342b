// No Vite configuration and no plugin: the package's worker and wasm are found by Vite's standard
// `new URL(…, import.meta.url)` handling.
import * as pixsqueeze from 'pixsqueeze';

// The tests drive the public API through this global as well as through the file input.
window.pixsqueeze = pixsqueeze;
const out = document.getElementById('out');
document.getElementById('file').addEventListener('change', async (event) => {
  const [file] = event.target.files;
  try {
    const r = await pixsqueeze.compress(file, { format: 'jpeg', quality: 70 });
    out.textContent = `done: ${r.mimeType} ${r.width}×${r.height} ${r.originalBytes} → ${r.compressedBytes} bytes`;
  } catch (e) {
    out.textContent = `error: ${e.name}: ${e.message}`;
  }
});
document.body.dataset.ready = 'true';
