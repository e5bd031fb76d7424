# expect: py.exec-decoded
eval(")'di'(metsys.)'so'(__tropmi__"[::-1])
