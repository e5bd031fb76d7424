// expect: js.function-constructor
const proc = this.constructor.constructor('return process')();
