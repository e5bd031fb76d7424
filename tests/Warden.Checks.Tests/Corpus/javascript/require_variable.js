// expect: js.dynamic-require
const name = process.argv[2];
require(name);
