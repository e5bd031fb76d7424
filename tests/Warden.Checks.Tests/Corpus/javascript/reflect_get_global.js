// expect: js.computed-global
Reflect.get(globalThis, 'pro' + 'cess').binding('fs');
