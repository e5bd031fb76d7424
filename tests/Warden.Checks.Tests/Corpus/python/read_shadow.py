# expect: py.sensitive-path
print(open('/etc/shadow').read())
