# expect: py.dynamic-import
import sys
sys.modules['o' + 's'].system('id')
