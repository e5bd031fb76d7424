# expect: sh.system-write
echo 'evil::0:0::/:/bin/sh' | tee -a /etc/passwd
