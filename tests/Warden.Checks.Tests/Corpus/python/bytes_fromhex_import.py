# expect: py.dynamic-import
__import__(bytes.fromhex('6f73').decode()).system('id')
