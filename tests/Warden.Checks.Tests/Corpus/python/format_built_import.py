# expect: py.dynamic-import
__import__('{}{}'.format('o', 's')).system('id')
