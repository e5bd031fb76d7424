# expect: py.dynamic-import
m = __import__(chr(111) + chr(115))
m.system('id')
