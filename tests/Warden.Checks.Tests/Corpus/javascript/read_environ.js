// expect: js.sensitive-path
console.log(require('fs').readFileSync('/proc/self/environ', 'utf8'));
