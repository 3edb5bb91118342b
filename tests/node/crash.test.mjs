// Crashes say why, and test hooks stay out of what users download (issue 17). With `panic = "abort"` a
// panic in the core (or a dependency) is a wasm trap whose RuntimeError said only "unreachable"; the
// core's panic hook keeps the message and js/core.js puts it in the error. The trap and panic on demand
// are exports of the test build only (`node scripts/build.mjs --test-hooks`: target/test-hooks/), which
// the shipped glue instantiates as it does the shipped wasm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../e2e/support.mjs';

const testHooksWasm = join(root, 'target', 'test-hooks', 'pixsqueeze_bg.wasm');
const required = process.env.CI === 'true' || process.env.PIXSQUEEZE_REQUIRE_TOOLS === '1';
const noTestHooks = !existsSync(testHooksWasm) && !required && 'SKIP: target/test-hooks/ is not built (node scripts/build.mjs --test-hooks)';

test('the shipped wasm builds export no test hook, and do export the panic-message readers', async () => {
  const { builds } = await import('../../pkg/modules.js');
  for (const { name, wasm } of builds) {
    const exports = WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(wasm))).map((e) => e.name);
    assert.deepEqual(exports.filter((e) => /ForTests$/.test(e)), [], `${name}: no test hook in what users download`);
    assert.ok(exports.includes('__panicMessageLength') && exports.includes('__panicMessagePointer'), name);
  }
});

test('a panic\'s message is in the RuntimeError; the trapped instance then refuses every call, saying why', { skip: noTestHooks }, async () => {
  const { core } = await import('../../js/core.js');
  await core.init(readFileSync(testHooksWasm));
  assert.ok(core.formats().length > 0, 'the shipped glue runs the test build');
  const e = (() => {
    try {
      core.__panicForTests();
    } catch (err) {
      return err;
    }
    return null;
  })();
  assert.ok(e instanceof WebAssembly.RuntimeError, 'still a WebAssembly.RuntimeError');
  assert.equal(e.name, 'RuntimeError');
  // Before: "unreachable" (or "unreachable executed") and nothing else.
  assert.match(e.message, /unreachable.*: panicked at src\/wasm\.rs:\d+:\d+:\s+a panic on purpose \(test hook\): 2 \+ 2 = 4$/s);
  assert.throws(() => core.formats(), (err) => err.name === 'RuntimeError' && /an earlier call crashed .*a panic on purpose/s.test(err.message));
});

test('on a shipped build a test hook answers Unsupported', async () => {
  const { module } = await import('../../js/core.js');
  const full = module('full');
  await full.init(readFileSync(join(root, 'pkg', 'pixsqueeze_full_bg.wasm')));
  assert.throws(() => full.__trapForTests(), (err) => err.name === 'Unsupported' && /test build only/.test(err.message));
  assert.ok(full.formats().length > 0, 'and the instance is fine');
});
