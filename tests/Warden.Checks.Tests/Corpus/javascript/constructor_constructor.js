// expect: js.function-constructor
const g = [].constructor.constructor('return this')();
