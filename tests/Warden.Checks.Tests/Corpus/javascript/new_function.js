// expect: js.function-constructor
new Function('return process')().mainModule.require('child_process');
