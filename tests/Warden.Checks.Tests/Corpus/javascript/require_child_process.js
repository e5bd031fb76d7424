// expect: js.module-denied
const cp = require('child_process');
cp.execSync('id');
