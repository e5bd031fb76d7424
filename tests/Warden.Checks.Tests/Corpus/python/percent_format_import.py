# expect: py.dynamic-import
mod = '%s%s' % ('o', 's')
__import__(mod).system('id')
