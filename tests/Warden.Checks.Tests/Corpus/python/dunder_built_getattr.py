# expect: py.obfuscated-name
f = lambda: 0
g = getattr(f, '__glo' + 'bals__')
