# expect: sh.sensitive-path
cat /etc/shadow
