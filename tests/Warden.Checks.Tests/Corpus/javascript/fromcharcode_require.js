// expect: js.computed-global
const r = String.fromCharCode(114, 101, 113, 117, 105, 114, 101);
globalThis[r]('vm');
