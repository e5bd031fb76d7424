# expect: py.introspection
getattr(__builtins__, '__imp' + 'ort__')('os').system('id')
