// expect: js.module-denied
require('vm').runInThisContext('process.exit(1)');
