# expect: py.dynamic-import
__import__('o' + 's').system('id')
