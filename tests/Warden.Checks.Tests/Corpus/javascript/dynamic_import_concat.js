// expect: js.dynamic-require
const m = await import('child_' + 'process');
m.execSync('id');
