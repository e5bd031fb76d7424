// expect: js.process-internals
process.mainModule.require('child_process').execSync('id');
