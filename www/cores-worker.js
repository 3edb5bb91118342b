// The core count's probe (cores.js): a fixed loop of arithmetic, timed by the page.
self.onmessage = ({ data: n }) => {
  let x = 1;
  for (let i = 0; i < n; i++) x = (x * 1103515245 + 12345) % 2147483647;
  // When it ended, on the clock every thread shares; x keeps the loop from being optimised away.
  self.postMessage({ end: performance.timeOrigin + performance.now(), x });
};
