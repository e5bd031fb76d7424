# expect: py.exec-dynamic
ｅｘｅｃ(input())
