// expect: js.module-denied
const { Worker } = require('worker_threads');
new Worker('require("child_process")', { eval: true });
