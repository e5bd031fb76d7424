# expect: py.introspection
globals()['__builtins__'].eval('1 + 1')
