// expect: js.function-constructor
Reflect.construct(Function, ['return process'])();
