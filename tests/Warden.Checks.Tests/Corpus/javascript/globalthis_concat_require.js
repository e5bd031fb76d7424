// expect: js.computed-global
globalThis['req' + 'uire']('child_process').execSync('id');
