// expect: js.filesystem
const fs = require('node:fs');
console.log(fs.readdirSync('.'));
