// expect: js.computed-global
process['bind' + 'ing']('fs');
