// expect: js.computed-global
const g = globalThis;
const k = 'req' + 'uire';
g[k]('child_process');
