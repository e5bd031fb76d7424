// expect: js.dynamic-require
const part = 'process';
require(`child_${part}`);
