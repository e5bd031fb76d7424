# expect: sh.kill-all
kill -9 -1
