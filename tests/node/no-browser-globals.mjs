// Preloaded with --import: removes the globals a browser has and Node may also have, so a test proves the
// package's Node entry needs none of them.
for (const name of ['window', 'self', 'document', 'navigator', 'location', 'Worker', 'fetch', 'Request', 'Response', 'Blob', 'File']) {
  delete globalThis[name];
}
