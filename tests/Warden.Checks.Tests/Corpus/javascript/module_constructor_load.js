// expect: js.process-internals
module.constructor._load('child_process').execSync('id');
