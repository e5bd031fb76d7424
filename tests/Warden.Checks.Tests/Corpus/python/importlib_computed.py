# expect: py.dynamic-import
import importlib
name = input()
importlib.import_module(name).system('id')
