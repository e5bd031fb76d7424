// expect: js.dynamic-require
require('ssecorp_dlihc'.split('').reverse().join(''));
